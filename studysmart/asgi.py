"""ASGI entry point: daphne serves HTTP and websockets from here."""

import gc
import os

import django

from studysmart.envfile import load_env_file

load_env_file()  # `.env` beside manage.py, if any; exported variables win
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studysmart.settings")
# Build the Django app first: the routing modules import models, which need the app registry.
django.setup(set_prefix=False)
from studysmart.asgi_handler import SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from studysmart.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# What the process has loaded by now (Django, the routes, the tutor's LangChain and provider SDK:
# ~230k objects) lives as long as the process. Frozen, it is left out of the collector's full
# collections, each of which otherwise walked all of it: ~140 ms holding the interpreter lock,
# a stall of every socket and page of the process at some unforeseeable request.
gc.collect()
gc.freeze()
