from django.urls import path

from tutor.consumers import TutorConsumer

websocket_urlpatterns = [
    path("ws/tutor/", TutorConsumer.as_asgi()),
    # Any digits reach the consumer, which answers not_found for ids that are not the student's.
    path("ws/tutor/<str:chat_id>/", TutorConsumer.as_asgi()),
]
