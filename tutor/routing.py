from django.conf import settings
from django.urls import path

from tutor.consumers import TutorConsumer, preload_for_model

websocket_urlpatterns = [
    path("ws/tutor/", TutorConsumer.as_asgi()),
    # Any digits reach the consumer, which answers not_found for ids that are not the student's.
    path("ws/tutor/<str:chat_id>/", TutorConsumer.as_asgi()),
]

# A process that routes tutor sockets (daphne, from the ASGI application) loads the tutor's
# imports now, before it serves anything: LangChain and the provider's SDK take ~2 s, and done
# in a thread when the first chat opened they held the interpreter lock against every socket
# and page of the process for that long.
preload_for_model(settings.TUTOR_MODEL)
