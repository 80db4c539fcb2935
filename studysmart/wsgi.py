"""WSGI entry point, for management tooling only: StudySmart is served by daphne (asgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studysmart.settings")
application = get_wsgi_application()
