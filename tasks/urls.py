from django.urls import path, register_converter

from tasks import api, views


class IdConverter:
    """A positive database id: at most 18 digits, so it always fits a 64-bit integer column
    (a longer number would be a 500 on SQLite instead of a 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "practice_id")

app_name = "tasks"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("practice/assign/", views.assign, name="assign"),
    path("practice/topic/<slug:slug>/", views.practice_topic, name="practice_topic"),
    path("practice/<practice_id:pk>/", views.practice_task, name="practice"),
    path("practice/<practice_id:pk>/answer/", views.answer, name="answer"),
    path("practice/<practice_id:pk>/result/", views.result, name="result"),
    path("history/", views.history, name="history"),
    path("progress/", views.progress, name="progress"),
    path("api/practice-tasks/", api.practice_task_list, name="api-list"),
    path("api/practice-tasks/assign/", api.practice_task_assign, name="api-assign"),
    path("api/practice-tasks/<practice_id:pk>/", api.practice_task_detail, name="api-detail"),
    path("api/practice-tasks/<practice_id:pk>/skip/", api.practice_task_skip, name="api-skip"),
    path("api/practice-tasks/<practice_id:pk>/again/", api.practice_task_again, name="api-again"),
    path("practice/<practice_id:pk>/skip/", views.skip, name="skip"),
    path("practice/<practice_id:pk>/again/", views.again, name="again"),
]
