"""Student pages: dashboard, task, result, history and progress. Interfaces only: they parse,
call a QuerySet or a service, and render. Each runs a bounded number of queries, however long
the student's history (tests/tasks/test_query_counts.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mlmodels.services import describe_status_for, predict_many, training_status
from studysmart.http import AuthenticatedHttpRequest
from tasks import charts, services
from tasks.answers import example_unit
from tasks.models import AnswerKind, Difficulty, PracticeTask, Task, Topic, current_streak

if TYPE_CHECKING:
    from mlmodels.weak_topics import WeakTopic

logger = logging.getLogger(__name__)

DASHBOARD_PENDING = 20
# Tasks assigned by "practise this topic" (the tutor's suggestion, the dashboard's weakest topic).
PRACTICE_TOPIC_COUNT = 3
HISTORY_PAGE_SIZE = 20
# The predicted-vs-actual chart covers the most recent attempts, in blocks of ten.
CHART_ATTEMPTS = 300
STREAK_LOOKBACK_DAYS = 366
COUNT_CHOICES = (1, 3, 5, 10, 20)


@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = PracticeTask.objects.for_student(request.user)
    pending = list(mine.pending().with_task().in_practice_order()[:DASHBOARD_PENDING])
    pending_total = len(pending)
    if pending_total == DASHBOARD_PENDING:
        pending_total = mine.pending().count()
    predictions = predict_many(user=request.user, tasks=[p.task for p in pending])
    recent = list(mine.completed().with_task().newest_answered_first()[:5])
    today = timezone.localdate()
    days = mine.answer_days(since=today - timedelta(days=STREAK_LOOKBACK_DAYS))
    totals = mine.totals()
    context = {
        "pending": list(zip(pending, predictions, strict=True)),
        "pending_total": pending_total,
        "pending_more": pending_total - len(pending),
        "recent": recent,
        "totals": totals,
        "streak": current_streak(days, today=today),
        "practised_today": bool(days) and days[0] == today,
        "model_status": model_status_line(staff=request.user.is_staff),
        "count_choices": COUNT_CHOICES,
        "topics": list(Topic.objects.filter(tasks__in=Task.objects.assignable()).distinct()),
        "difficulties": Difficulty.choices,
        "target": settings.PRACTICE_TARGET_P_CORRECT,
        # A new student has no weakest topic yet: the models know nothing about them.
        "weakest_topic": weakest_topic(request) if totals["completed"] else None,
        "practice_topic_count": PRACTICE_TOPIC_COUNT,
        "reviews": reviews_due(request),
        "review_target": settings.REVIEW_TARGET_P_CORRECT,
    }
    return render(request, "tasks/dashboard.html", context)


def reviews_due(request: AuthenticatedHttpRequest) -> list[dict[str, Any]]:
    """Topics due for review (mlmodels.review) with their topic rows; never breaks the page."""
    from mlmodels.review import due_reviews

    try:
        due = due_reviews(student_id=request.user.pk)
        topics = Topic.objects.in_bulk([d.topic_id for d in due])
    except Exception:
        logger.exception("due_reviews failed")
        return []
    return [{"topic": topics[d.topic_id], "due": d} for d in due if d.topic_id in topics]


def weakest_topic(request: AuthenticatedHttpRequest) -> WeakTopic | None:
    """The student's weakest topic by the student models (the tutor's practice link uses the
    same, remembered a minute per process), or None; never breaks the page."""
    from mlmodels.weak_topics import weakest_topics

    try:
        weak = weakest_topics(student=request.user)
    except Exception:
        logger.exception("weakest_topics failed")
        return None
    return weak[0] if weak else None


def model_status_line(*, staff: bool) -> str:
    """One line about the student models for the dashboard, worded by mlmodels (the page's
    script shows the same `summary` from the status endpoint); never breaks the page. Model
    names, versions, AUC and the retraining counter are for staff only."""
    try:
        return describe_status_for(training_status(), staff=staff)
    except Exception:
        logger.exception("training_status failed")
        return "Model status is unavailable right now."


@require_POST
def assign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New tasks from the dashboard: how many, and optionally a topic and a difficulty."""
    try:
        count = int(request.POST.get("count", "5"))
        pool = services.practice_pool(
            topic=request.POST.get("topic", ""), difficulty=request.POST.get("difficulty", "")
        )
        new = services.assign_practice_tasks(student=request.user, count=count, pool=pool)
    except ValueError:
        messages.error(request, f"Choose how many tasks: 1 to {services.MAX_ASSIGN}.")
    except services.PracticeTaskError as exc:
        messages.error(request, exc.message)
    else:
        if new:
            noun = "task" if len(new) == 1 else "tasks"
            messages.success(request, f"{len(new)} new {noun} picked for you.")
        else:
            messages.info(request, "No new tasks right now: finish the pending ones first.")
    return redirect("tasks:dashboard")


@require_POST
def skip(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Pass over a pending task (not graded, not counted) and go on to the next one."""
    item = _own_practice_task(request, pk)
    try:
        services.skip_practice_task(practice_task_id=item.pk, student=request.user)
    except services.NotPending as exc:
        messages.info(request, exc.message)
        return redirect("tasks:result", pk=item.pk)
    messages.info(request, f"Skipped “{item.task.title}”. It won't count for or against you.")
    next_item = PracticeTask.objects.for_student(request.user).pending().in_practice_order().first()
    if next_item is not None:
        return redirect("tasks:practice", pk=next_item.pk)
    return redirect("tasks:dashboard")


@require_POST
def again(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Practise a finished task again: a new practice task for the same task."""
    item = _own_practice_task(request, pk)
    try:
        new, _created = services.practise_again(practice_task_id=item.pk, student=request.user)
    except services.NotFinished:
        return redirect("tasks:practice", pk=item.pk)
    except services.PracticeTaskError as exc:
        messages.error(request, exc.message)
        return redirect("tasks:result", pk=item.pk)
    return redirect("tasks:practice", pk=new.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def practice_topic(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """GET: what practising a topic means, with a button; POST: assign a few tasks of that
    topic (adaptively, as ever) and open the first. The tutor's replies and the dashboard
    link here."""
    topic = get_object_or_404(Topic, slug=slug)
    pool = Task.objects.filter(topic=topic)
    mine = PracticeTask.objects.for_student(request.user)
    pending = mine.pending().filter(task__topic=topic).in_practice_order()
    if request.method == "POST":
        try:
            new = services.assign_practice_tasks(
                student=request.user, count=PRACTICE_TOPIC_COUNT, pool=pool
            )
        except services.PracticeTaskError as exc:
            messages.error(request, exc.message)
            return redirect("tasks:practice_topic", slug=topic.slug)
        if new:
            noun = "task" if len(new) == 1 else "tasks"
            messages.success(request, f"{len(new)} new {topic.name} {noun} picked for you.")
            return redirect("tasks:practice", pk=new[0].pk)
        first = pending.first()
        if first is not None:
            messages.info(request, f"Finish your pending {topic.name} tasks first.")
            return redirect("tasks:practice", pk=first.pk)
        messages.info(request, f"There are no {topic.name} tasks to practise right now.")
        return redirect("tasks:dashboard")
    context = {
        "topic": topic,
        "count": PRACTICE_TOPIC_COUNT,
        "available": pool.assignable().count(),
        "pending": list(pending.with_task()[:DASHBOARD_PENDING]),
    }
    return render(request, "tasks/practice_topic.html", context)


def _own_practice_task(request: AuthenticatedHttpRequest, pk: int) -> PracticeTask:
    """The student's own practice task or 404 (another student's id is 404 too, not 403)."""
    return get_object_or_404(PracticeTask.objects.for_student(request.user).with_task(), pk=pk)


@require_GET
def practice_task(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _own_practice_task(request, pk)
    if not item.is_pending:
        return redirect("tasks:result", pk=item.pk)
    services.mark_shown(practice_task=item)
    return _render_task_page(request, item)


def _render_task_page(
    request: AuthenticatedHttpRequest, item: PracticeTask, *, error: str = "", status: int = 200
) -> HttpResponse:
    prediction = predict_many(user=request.user, tasks=[item.task])[0]
    now = timezone.now()
    context = {
        "item": item,
        "task": item.task,
        "prediction": prediction,
        "error": error,
        "server_now": now,
        "elapsed": max(0.0, (now - (item.shown_at or now)).total_seconds()),
        "kinds": AnswerKind,
        "submitted": request.POST.get("answer", ""),
        "unit_example": example_unit(item.task.unit),
    }
    return render(request, "tasks/practice_task.html", context, status=status)


@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _own_practice_task(request, pk)
    if item.is_completed:
        messages.info(request, "You had already answered this task: here is your first result.")
        return redirect("tasks:result", pk=item.pk)
    try:
        fields = parse_answer_form(item, request.POST)
        services.complete_practice_task(practice_task_id=item.pk, student=request.user, **fields)
    except services.NotShown:
        # Never opened (a form posted from elsewhere): show it, which starts its clock.
        messages.info(request, "Here is the task: your time starts now.")
        return redirect("tasks:practice", pk=item.pk)
    except services.AlreadyCompleted:
        # The second of two quick submits: the first one's outcome stands.
        messages.info(request, "You had already answered this task: here is your first result.")
    except services.NotPending as exc:
        messages.info(request, exc.message)
    except services.InvalidAnswer as exc:
        return _render_task_page(request, item, error=exc.message, status=400)
    return redirect("tasks:result", pk=item.pk)


def parse_answer_form(item: PracticeTask, data: QueryDict) -> dict[str, object]:
    """Turn the task page's form fields into the service's typed arguments."""
    get = data.get
    kind = item.task.answer_kind
    if kind == AnswerKind.SELF:
        raw = get("self_assessed_correct", "")
        if raw not in ("true", "false"):
            raise services.InvalidAnswer("Say whether you got it right or wrong.")
        return {"self_assessed_correct": raw == "true"}
    raw = (get("answer") or "").strip()
    if not raw:
        message = "Choose one option." if kind == AnswerKind.CHOICE else "Enter your answer."
        raise services.InvalidAnswer(message)
    # A numeric answer goes on as typed ("1200 cm", "1.2 × 10³"): tasks/answers.py reads it.
    return {"answer": raw}


@require_GET
def result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _own_practice_task(request, pk)
    if item.is_pending:
        return redirect("tasks:practice", pk=item.pk)
    next_item = PracticeTask.objects.for_student(request.user).pending().in_practice_order().first()
    options = dict(item.task.options_html())
    context = {
        "item": item,
        "task": item.task,
        "next_item": next_item,
        "kinds": AnswerKind,
        "chosen_html": options.get(item.answer),
        "correct_html": options.get(item.task.correct_option),
    }
    return render(request, "tasks/result.html", context)


@require_GET
def history(request: AuthenticatedHttpRequest) -> HttpResponse:
    finished = PracticeTask.objects.for_student(request.user).finished().with_task().newest_first()
    page = Paginator(finished, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tasks/history.html", {"page": page})


@require_GET
def progress(request: AuthenticatedHttpRequest) -> HttpResponse:
    mine = PracticeTask.objects.for_student(request.user)
    topics = mine.by_topic()
    outcomes = mine.outcomes(last=CHART_ATTEMPTS)
    # Each chart in a wide and a compact layout (the page shows one by screen width), and
    # its numbers as a table for whoever cannot see the picture.
    context = {
        "totals": mine.totals(),
        "topics": topics,
        "accuracy_chart": charts.accuracy_chart(topics),
        "accuracy_chart_compact": charts.accuracy_chart(topics, compact=True),
        "time_chart": charts.time_chart(topics),
        "time_chart_compact": charts.time_chart(topics, compact=True),
        "calibration_chart": charts.calibration_chart(outcomes),
        "calibration_chart_compact": charts.calibration_chart(outcomes, compact=True),
        "calibration_blocks": charts.calibration_blocks(outcomes),
        "chart_attempts": len(outcomes),
    }
    return render(request, "tasks/progress.html", context)
