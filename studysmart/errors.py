"""The one JSON error shape of every API answer (documented in docs/errors.md):

    {"error": {"code": "<snake_case_code>", "message": "<sentence for a person>",
               "fields": {"<field>": "<message>", ...}}}

``fields`` is present only when a specific input field is at fault. A view raises ``ApiError``
(or returns ``error_response``); the handlers below answer Django's own refusals (CSRF, 400,
403, 404, 500) in the same shape for a client that wants JSON, and with Django's pages otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from asgiref.sync import iscoroutinefunction
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults

# Every code an API answers with, and its HTTP status. docs/errors.md lists the same (a test
# keeps them equal).
STATUS_FOR_CODE: dict[str, int] = {
    "bad_request": 400,
    "too_long": 400,
    "not_authenticated": 401,
    "forbidden": 403,
    "csrf_failed": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "already_completed": 409,
    "already_skipped": 409,
    "still_pending": 409,
    "not_shown": 409,
    "busy": 409,
    "payload_too_large": 413,
    "rate_limited": 429,
    "locked_out": 429,
    "internal": 500,
    "not_migrated": 500,
    "unavailable": 503,
}

DEFAULT_MESSAGES: dict[str, str] = {
    "bad_request": "The request could not be understood.",
    "too_long": "That message is too long.",
    "not_authenticated": "Authentication required: log in first.",
    "forbidden": "You are not allowed to do that.",
    "csrf_failed": "CSRF check failed. Send the X-CSRFToken header.",
    "not_found": "Not found.",
    "method_not_allowed": "That method is not allowed here.",
    "payload_too_large": "The request body is too large.",
    "rate_limited": "Too many requests. Please wait a moment and try again.",
    "locked_out": "Too many failed log-ins. Try again later.",
    "internal": "Something went wrong on our side. Please try again.",
    "not_migrated": "The database is not set up: run `python manage.py migrate`.",
    "unavailable": "The service is unavailable right now. Please try again in a moment.",
}


def error_body(
    *, code: str, message: str, fields: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The ``{"error": …}`` object (also what a test compares against)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = dict(fields)
    return {"error": error}


def error_response(
    *,
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JsonResponse:
    """A JSON error answer. ``extra`` adds top-level keys beside ``error`` (data about the
    refusal, such as the completed practice task of a 409 ``already_completed``)."""
    body = {**(extra or {}), **error_body(code=code, message=message, fields=fields)}
    return JsonResponse(body, status=status, headers=dict(headers or {}))


class ApiError(Exception):
    """A refused API request: raise it in a view, the API's wrapper answers ``response()``.

    ``status`` defaults to the code's (``STATUS_FOR_CODE``), ``message`` to its default.
    """

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        status: int | None = None,
        fields: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message or DEFAULT_MESSAGES.get(code, DEFAULT_MESSAGES["internal"])
        self.status = status or STATUS_FOR_CODE.get(code, 500)
        self.fields = dict(fields) if fields else None
        self.extra = dict(extra) if extra else None
        super().__init__(self.message)

    def response(self, *, headers: Mapping[str, str] | None = None) -> JsonResponse:
        return error_response(
            status=self.status,
            code=self.code,
            message=self.message,
            fields=self.fields,
            headers=headers,
            extra=self.extra,
        )


def method_not_allowed(request: HttpRequest, methods: tuple[str, ...]) -> JsonResponse:
    """The 405 of a JSON endpoint, with the ``Allow`` header."""
    message = f"Method {request.method} is not allowed here."
    allow = {"Allow": ", ".join(methods)}
    return ApiError("method_not_allowed", message).response(headers=allow)


_View = TypeVar("_View", bound=Callable[..., Any])


def json_methods(*methods: str) -> Callable[[_View], _View]:
    """``require_http_methods`` for a JSON endpoint (sync or async): a 405 in the JSON shape."""

    def decorator(view: _View) -> _View:
        if iscoroutinefunction(view):

            @wraps(view)
            async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                if request.method not in methods:
                    return method_not_allowed(request, methods)
                return await view(request, *args, **kwargs)

            return async_wrapper  # type: ignore[return-value]

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method not in methods:
                return method_not_allowed(request, methods)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def wants_json(request: HttpRequest) -> bool:
    """Whether a refusal should be answered in JSON: API paths, or a client preferring JSON."""
    if request.path_info.startswith("/api/"):
        return True
    # `*/*` (curl, httpx) and browsers' Accept headers prefer HTML here; `application/json` wins.
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


# -- Django's own refusals (settings.CSRF_FAILURE_VIEW, handler400/403/404/500 in urls.py) ------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if wants_json(request):
        return ApiError(
            "csrf_failed", f"CSRF check failed: {reason} Send the X-CSRFToken header."
        ).response()
    return csrf.csrf_failure(request, reason=reason)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not wants_json(request):
        return defaults.bad_request(request, exception)  # type: ignore[arg-type]
    if isinstance(exception, RequestDataTooBig):
        return ApiError("payload_too_large").response()
    return ApiError("bad_request").response()


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not wants_json(request):
        return defaults.permission_denied(request, exception)  # type: ignore[arg-type]
    return ApiError("forbidden").response()


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not wants_json(request):
        return defaults.page_not_found(request, exception)
    return ApiError("not_found").response()


def server_error(request: HttpRequest) -> HttpResponse:
    if not wants_json(request):
        return defaults.server_error(request)
    return ApiError("internal").response()
