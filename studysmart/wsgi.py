"""WSGI entry point, for management tooling only: StudySmart is served by daphne (asgi.py)."""

import os

from django.core.wsgi import get_wsgi_application

from studysmart.envfile import load_env_file

load_env_file()  # `.env` beside manage.py, if any; exported variables win
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studysmart.settings")
application = get_wsgi_application()
