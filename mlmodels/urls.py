from django.urls import path

from mlmodels import views

app_name = "mlmodels"
urlpatterns = [
    path("status/", views.status, name="status"),
]
