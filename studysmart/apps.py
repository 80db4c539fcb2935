from django.apps import AppConfig


class StudysmartConfig(AppConfig):
    name = "studysmart"
    verbose_name = "StudySmart"
