"""JSON API for practice tasks, with the session's login (README, "What it does").

Interfaces only: parse and check the request, call a QuerySet or a service, answer JSON.
Anonymous calls get a JSON 401 rather than a login redirect, a failed CSRF check a JSON 403,
and every refused request the one JSON error shape of docs/errors.md, with nothing changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from mlmodels.services import Prediction, predict_many
from studysmart.errors import ApiError, method_not_allowed
from studysmart.http import AuthenticatedHttpRequest
from tasks import services
from tasks.models import AnswerKind, PracticeTask

DEFAULT_ASSIGN_COUNT = 5
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

View = Callable[..., HttpResponse]


class _JsonCsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check, answering a failure in JSON instead of the HTML page."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        message = f"CSRF check failed: {reason} Send the X-CSRFToken header."
        return ApiError("csrf_failed", message).response()


_csrf_check = _JsonCsrfCheck(lambda request: HttpResponse())


def api_view(*methods: str) -> Callable[[View], View]:
    """Allowed methods, JSON 401 for anonymous callers, CSRF on unsafe methods, no caching.

    The global CSRF middleware is told to skip these views only because the check runs here,
    after authentication, so that its failure can be answered in JSON.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return method_not_allowed(request, methods)
            if not request.user.is_authenticated:
                return ApiError("not_authenticated").response()
            try:
                if request.method not in SAFE_METHODS:
                    rejection = _csrf_check.process_view(request, None, (), {})  # type: ignore[arg-type]
                    if rejection is not None:
                        return rejection
                return view(request, *args, **kwargs)
            except ApiError as exc:
                return exc.response()
            except RequestDataTooBig:
                # Django would answer its HTML 400 page; an API client needs JSON.
                return ApiError("payload_too_large").response()
            except PracticeTask.DoesNotExist:
                return ApiError("not_found", "Practice task not found.").response()

        return login_not_required(csrf_exempt(never_cache(wrapper)))

    return decorator


def bad_field(field: str | None, message: str) -> ApiError:
    """A 400 ``bad_request``, naming the input field at fault when there is one."""
    return ApiError("bad_request", message, fields={field: message} if field else None)


def unknown_fields(names: set[str]) -> ApiError:
    message = f"Unknown field(s): {', '.join(sorted(names))}."
    return ApiError("bad_request", message, fields=dict.fromkeys(sorted(names), "Unknown field."))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def json_object(request: HttpRequest, *, allow_empty: bool = False) -> dict[str, Any]:
    """The request body as a JSON object; NaN and Infinity are not JSON and are refused."""
    if allow_empty and (not request.body.strip() or _empty_form(request)):
        return {}
    if not request.body.strip():
        raise ApiError("bad_request", "Send a JSON object in the request body.")
    try:
        data = json.loads(request.body, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError("bad_request", "Malformed JSON.") from None
    if not isinstance(data, dict):
        raise ApiError("bad_request", "The request body must be a JSON object.")
    return data


def _empty_form(request: HttpRequest) -> bool:
    """A bodiless POST from a form or a client that always sends a form encoding."""
    return request.content_type in FORM_TYPES and not request.POST


def _int_param(request: HttpRequest, name: str, default: int, *, lo: int, hi: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_field(name, f"{name} must be a whole number.") from None
    if not lo <= value <= hi:
        raise bad_field(name, f"{name} must be from {lo} to {hi}.")
    return value


def practice_task_json(
    item: PracticeTask, prediction: Prediction, *, with_content: bool = True
) -> dict[str, Any]:
    """The API's shape of a practice task. The statement (and options) only with `with_content`
    and once the task was shown, i.e. from the fetch that started its clock on: list and assign
    leave them out, so nobody reads a task before its time runs. The answer and the solution
    appear only once the task is completed."""
    task = item.task
    task_json: dict[str, Any] = {
        "id": task.pk,
        "title": task.title,
        "topic": {"id": task.topic.pk, "slug": task.topic.slug, "name": task.topic.name},
        "difficulty": task.difficulty,
    }
    if with_content and item.shown_at is not None:
        task_json.update(
            statement=task.statement,
            statement_html=str(task.statement_html),
            unit=task.unit,
            expected_unit=task.expected_unit,
            concept=task.concept,
        )
        if task.answer_kind == AnswerKind.CHOICE:
            task_json["options"] = [
                {"id": str(o.get("id")), "text": str(o.get("text", ""))} for o in task.options or []
            ]
    body: dict[str, Any] = {
        "id": item.pk,
        "task": task_json,
        "answer_kind": task.answer_kind,
        "status": item.status,
        "predicted_p_correct": prediction.p_correct,
        "predicted_seconds": prediction.seconds,
        "prediction_source": prediction.source,
        "prediction_version": prediction.version,
        "assigned_p_correct": item.assigned_p_correct,
        "assigned_seconds": item.assigned_seconds,
        "assigned_source": item.assigned_source,
        "assigned_version": item.assigned_version,
        "assigned_at": _iso(item.assigned_at),
        "shown_at": _iso(item.shown_at),
        "answered_at": _iso(item.answered_at),
        "is_correct": item.is_correct if item.is_completed else None,
        "seconds_taken": item.seconds_taken if item.is_completed else None,
    }
    if item.is_completed:
        body["answer"] = item.answer
        body["answer_text"] = item.answer_text
        task_json["solution"] = task.solution
        task_json["solution_html"] = str(task.solution_html)
        if task.answer_kind == AnswerKind.NUMERIC:
            task_json["correct_answer"] = task.numeric_answer
        elif task.answer_kind == AnswerKind.CHOICE:
            task_json["correct_answer"] = task.correct_option
    return body


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _frozen_prediction(item: PracticeTask) -> Prediction:
    """The prediction stored at assignment, standing in for a live one where a second
    prediction would be wasted work (just assigned, just completed)."""
    return Prediction(
        item.assigned_p_correct if item.assigned_p_correct is not None else 0.5,
        item.assigned_seconds if item.assigned_seconds is not None else 60.0,
        item.assigned_source,
        item.assigned_version,
    )


@api_view("GET")
def practice_task_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The student's own practice tasks, newest first; `?limit=` (≤ 100) and `?offset=`."""
    limit = _int_param(request, "limit", DEFAULT_LIMIT, lo=1, hi=MAX_LIMIT)
    offset = _int_param(request, "offset", 0, lo=0, hi=10**9)
    mine = PracticeTask.objects.for_student(request.user)
    items = list(mine.with_task().order_by("-assigned_at", "-id")[offset : offset + limit])
    total = mine.count()
    # One batched prediction for the whole page, however long it is.
    predictions = predict_many(user=request.user, tasks=[i.task for i in items])
    response = JsonResponse(
        [
            practice_task_json(i, p, with_content=False)
            for i, p in zip(items, predictions, strict=True)
        ],
        safe=False,
    )
    response["X-Total-Count"] = str(total)
    if offset + limit < total:
        url = reverse("tasks:api-list")
        response["Link"] = f'<{url}?limit={limit}&offset={offset + limit}>; rel="next"'
    return response


@api_view("POST")
def practice_task_assign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New practice tasks: `count` (1..20, default 5), optionally only of one `topic` (a slug)
    and/or one `difficulty` (easy, medium, hard)."""
    data = json_object(request, allow_empty=True)
    unknown = set(data) - {"count", "topic", "difficulty"}
    if unknown:
        raise unknown_fields(unknown)
    try:
        count = services.check_count(data.get("count", DEFAULT_ASSIGN_COUNT))
    except services.PracticeTaskError as exc:
        raise bad_field(exc.field or "count", exc.message) from None
    try:
        pool = services.practice_pool(topic=data.get("topic"), difficulty=data.get("difficulty"))
        items = services.assign_practice_tasks(student=request.user, count=count, pool=pool)
    except services.PracticeTaskError as exc:
        raise bad_field(exc.field, exc.message) from None
    body = [practice_task_json(i, _frozen_prediction(i), with_content=False) for i in items]
    return JsonResponse(body, safe=False, status=201)


@api_view("POST")
def practice_task_skip(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A pending task becomes `skipped`: not graded, not a model input; 409 when it is not
    pending any more."""
    json_object(request, allow_empty=True)
    try:
        item = services.skip_practice_task(practice_task_id=pk, student=request.user)
    except services.NotPending as exc:
        first = exc.practice_task
        raise ApiError(
            exc.code,
            exc.message,
            extra={"practice_task": practice_task_json(first, _frozen_prediction(first))},
        ) from None
    return JsonResponse(practice_task_json(item, _frozen_prediction(item)))


@api_view("POST")
def practice_task_again(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The same task as a completed (or skipped) practice task, assigned again: 201 and the new
    practice task, or 200 and the one already waiting; 409 while the original is pending."""
    json_object(request, allow_empty=True)
    try:
        item, created = services.practise_again(practice_task_id=pk, student=request.user)
    except services.NotFinished as exc:
        raise ApiError("still_pending", exc.message) from None
    except services.PracticeTaskError as exc:
        raise bad_field(exc.field, exc.message) from None
    return JsonResponse(
        practice_task_json(item, _frozen_prediction(item)), status=201 if created else 200
    )


@api_view("GET", "PATCH")
def practice_task_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if request.method == "PATCH":
        return _complete(request, pk)
    item = PracticeTask.objects.for_student(request.user).with_task().get(pk=pk)
    services.mark_shown(practice_task=item)
    prediction = predict_many(user=request.user, tasks=[item.task])[0]
    return JsonResponse(practice_task_json(item, prediction))


def _complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    data = json_object(request)
    unknown = set(data) - {"answer", "self_assessed_correct"}
    if unknown:
        raise unknown_fields(unknown)
    try:
        completion = services.complete_practice_task(
            practice_task_id=pk,
            student=request.user,
            answer=data.get("answer"),
            self_assessed_correct=data.get("self_assessed_correct"),
        )
    except services.AlreadyCompleted as exc:
        first = exc.practice_task
        raise ApiError(
            "already_completed",
            exc.message,
            extra={"practice_task": practice_task_json(first, _frozen_prediction(first))},
        ) from None
    except services.NotPending as exc:
        first = exc.practice_task
        raise ApiError(
            exc.code,
            exc.message,
            extra={"practice_task": practice_task_json(first, _frozen_prediction(first))},
        ) from None
    except services.NotShown as exc:
        raise ApiError("not_shown", exc.message) from None
    except services.InvalidAnswer as exc:
        raise bad_field(exc.field, exc.message) from None
    item = completion.practice_task
    # Completion stays cheap (docs/architecture.md): no prediction here; the frozen one stands in
    # for it.
    return JsonResponse(practice_task_json(item, _frozen_prediction(item)))
