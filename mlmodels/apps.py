from django.apps import AppConfig


class MlmodelsConfig(AppConfig):
    name = "mlmodels"
    verbose_name = "Student models"
