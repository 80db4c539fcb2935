from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from mlmodels.services import training_status
from studysmart.errors import json_methods


@never_cache
@json_methods("GET")
def status(request: HttpRequest) -> JsonResponse:
    """Training status for open pages: polled where live updates cannot reach the browser."""
    return JsonResponse(training_status())
