"""A clear 503 instead of a 500 page while PostgreSQL or Redis is unreachable.

`OutageMiddleware` answers `503 Service Unavailable` with `Retry-After`: the JSON error
`unavailable` (docs/errors.md) for the API (paths under /api/, or a client that prefers JSON),
a short page for a browser. It logs one
WARNING line per failed request, without a traceback: an outage is an operations event, not a
bug.

Where it sits matters because Django turns an exception into a 500 response at *every*
middleware boundary, so an outer middleware never sees an inner one's exception. The three
places a request meets the database or Redis are covered like this:

- the view (and its template, whose context processors load the user): `process_exception`;
- the session load behind `request.user`, which `LoginRequiredMiddleware.process_view` triggers
  before every view that has a session cookie: our `process_view` loads the user first, inside
  a `try` (so the entry must come before LoginRequiredMiddleware in MIDDLEWARE);
- the session save in SessionMiddleware's response phase: Django has already logged that
  exception and built its 500 page; `got_request_exception` tells us why, and the entry being
  *before* SessionMiddleware (outside it) lets `__call__` swap that page for the 503.

Hence: after WhiteNoise (static files never touch the database), before SessionMiddleware.

A *missing table* is not an outage: the database answered, it was just never migrated. Those
requests get a 500 that says so (`not_migrated`, naming `manage.py migrate`) and one ERROR line,
so a developer on a fresh checkout is told the missing step instead of "try again later".
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.signals import got_request_exception
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from studysmart.errors import error_response, wants_json
from studysmart.middleware_base import DualModeMiddleware
from studysmart.outages import OUTAGE_ERRORS, is_outage, missing_table, service_name
from studysmart.text import (
    UnstorableText,
    check_storable_json,
    check_storable_text,
    displayable,
)

logger = logging.getLogger(__name__)

# A restart of PostgreSQL takes a few seconds; clients that honour Retry-After come back then.
RETRY_AFTER_SECONDS = 5
_NOTED = "_studysmart_outage_error"

Handler = Callable[[HttpRequest], HttpResponse]


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 answer for `exc`, marked as logged so that Django adds no line of its own."""
    service = service_name(exc)
    if wants_json(request):
        message = f"StudySmart cannot reach its {service} right now. Try again in a few seconds."
        response: HttpResponse = error_response(
            status=503,
            code="unavailable",
            message=message,
            extra={"retry_after": RETRY_AFTER_SECONDS},
        )
    else:
        context = {"service": service, "retry_after": RETRY_AFTER_SECONDS}
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def not_migrated_response(request: HttpRequest, table: str) -> HttpResponse:
    """The 500 for a database that has no table `table`: it names the missing step."""
    message = (
        f"The database has no table {table}: it is not migrated. "
        "Run `python manage.py migrate`, then reload."
    )
    logger.error("%s %s: %s", request.method, request.path, message)
    if wants_json(request):
        response: HttpResponse = error_response(status=500, code="not_migrated", message=message)
    else:
        response = HttpResponse(message, status=500, content_type="text/plain; charset=utf-8")
    add_never_cache_headers(response)
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def log_outage(request: HttpRequest, exc: BaseException) -> None:
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    logger.warning(
        "%s %s: %s unreachable, answered 503 (%s: %s)",
        request.method,
        request.path.encode("unicode_escape").decode("ascii"),  # as Django's own log lines
        service_name(exc),
        type(exc).__name__,
        detail,
    )


def _note_outage(sender: object, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """got_request_exception: runs inside Django's `except` block (asgiref carries it over to
    the thread in async mode), so sys.exc_info() is the exception behind the coming 500."""
    exc = sys.exc_info()[1]
    if request is not None and (is_outage(exc) or missing_table(exc)):
        setattr(request, _NOTED, exc)


got_request_exception.connect(_note_outage, dispatch_uid="studysmart.middleware.note_outage")


class OutageMiddleware(DualModeMiddleware):
    """See the module docstring for where it must sit in MIDDLEWARE, and why."""

    def after(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        return self._replace_outage_500(request, response)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        # LoginRequiredMiddleware (later in the list) reads request.user for every view,
        # login_not_required ones too: load it first, where an outage can still be answered.
        if not hasattr(request, "user"):
            return None
        try:
            request.user.is_authenticated  # noqa: B018 (loads the session and the user)
        except OUTAGE_ERRORS as exc:
            return self._answer(request, exc)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (is_outage(exception) or missing_table(exception)):
            return None
        return self._answer(request, exception)

    def _answer(self, request: HttpRequest, exc: BaseException) -> HttpResponse:
        table = missing_table(exc)
        if table is not None:
            return not_migrated_response(request, table)
        log_outage(request, exc)
        return outage_response(request, exc)

    def _replace_outage_500(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        exc = getattr(request, _NOTED, None)
        if exc is None or response.status_code != 500:
            return response
        # Django logged this one already, with its traceback ("Internal Server Error"). The
        # 500 page carries nothing worth keeping: the middleware inside the one that raised
        # never saw it.
        table = missing_table(exc)
        if table is not None:
            return not_migrated_response(request, table)
        return outage_response(request, exc)


# --------------------------------------------------------------------------------------------
# Text that cannot be stored (studysmart/text.py), refused before any view sees it


ADDRESS = "the address"
JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class StorableInputMiddleware(DualModeMiddleware):
    """Refuses a request whose query string, form fields or JSON body hold text that cannot
    be stored (NUL, lone surrogates): 400 with the JSON error shape, or a short page.

    Here rather than in each view so that nothing is missed: the API, the pages, the login
    and every admin form. JSON is parsed only when its raw bytes could hold such text (a
    ``\\u`` escape or a NUL byte: raw UTF-8 cannot spell a lone surrogate), so an ordinary
    body costs one byte search.
    """

    def before(self, request: HttpRequest) -> HttpResponse | None:
        try:
            check_storable_text(request.path_info, field=ADDRESS)
            _check_query_dict(request.GET, where="query parameter")
            if request.method in BODY_METHODS:
                _check_body(request)
        except UnstorableText as exc:
            logger.info("refused %s %s: %s", request.method, _printable_path(request), exc.field)
            return unstorable_response(request, exc)
        return None


def _check_query_dict(data: Any, *, where: str) -> None:
    for key, values in data.lists():
        check_storable_text(key, field=f"the {where} name")
        for value in values:
            check_storable_text(value, field=key)


def _check_body(request: HttpRequest) -> None:
    content_type = request.content_type or ""
    try:
        if content_type in FORM_TYPES:
            if content_type == "multipart/form-data" and request.path_info.startswith("/api/"):
                # An API view reads request.body, which Django refuses once a multipart body
                # was parsed: read it first, so the parse below works from the copy.
                request.body  # noqa: B018
            if request.method == "POST":
                _check_query_dict(request.POST, where="form field")
            return
        body = request.body
    except (RequestDataTooBig, MultiPartParserError, OSError):
        return  # the view answers these (413, 400) as it always has
    if content_type not in JSON_TYPES and not content_type.endswith("+json"):
        if not request.path_info.startswith("/api/"):
            return
    if b"\\u" not in body and b"\x00" not in body:
        return
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return  # malformed JSON: the view's own 400
    check_storable_json(data)


def _printable_path(request: HttpRequest) -> str:
    return displayable(request.path)[:200]


def unstorable_response(request: HttpRequest, exc: UnstorableText) -> HttpResponse:
    """400 for UnstorableText: the JSON error shape for the API, a short page for a browser."""
    if wants_json(request):
        fields = None if exc.field == ADDRESS else {exc.field: exc.message}
        return error_response(status=400, code="bad_request", message=exc.message, fields=fields)
    return HttpResponse(render_to_string("400_input.html", {"message": exc.message}), status=400)
