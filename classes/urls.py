from django.urls import path

from classes import views

app_name = "classes"
urlpatterns = [
    path("join/", views.join, name="join"),
    path("assigned/", views.assigned_sets, name="assigned"),
]
