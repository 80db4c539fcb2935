from django.urls import path

from tutor import views

app_name = "tutor"
urlpatterns = [
    path("", views.chat_page, name="chat"),
    path("<int:chat_id>/", views.chat_page, name="chat-detail"),
]
