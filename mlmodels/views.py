from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from mlmodels.services import describe_status_for, training_status
from studysmart.errors import json_methods


@never_cache
@json_methods("GET")
def status(request: HttpRequest) -> JsonResponse:
    """Training status for open pages: polled where live updates cannot reach the browser. Its
    `summary` is worded for the reader (model names and AUC for staff only)."""
    status = training_status()
    status["summary"] = describe_status_for(status, staff=request.user.is_staff)
    return JsonResponse(status)
