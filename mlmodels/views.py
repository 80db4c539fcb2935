from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mlmodels.services import training_status


@never_cache
@require_GET
def status(request: HttpRequest) -> JsonResponse:
    """Training status for open pages: polled where live updates cannot reach the browser."""
    return JsonResponse(training_status())
