from django.urls import path

from tutor import api

app_name = "tutor-api"
urlpatterns = [
    path("ask/", api.ask, name="ask"),
]
