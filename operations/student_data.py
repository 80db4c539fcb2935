"""A student's data, handed over or erased (a school's GDPR / FERPA requests).

`export_student` gathers everything stored about one student as JSON-ready data. `erase_student`
deletes the account and the chats; the attempts either stay, under a new random account that
says nothing about whose they were (the student models keep learning from them), or go too
(ERASE_ATTEMPTS). An imported student leaves a tombstone — a digest of the namespaced username —
so that importing the same file again does not bring them back. Backups keep what they held
until they age out (BACKUP_KEEP): README "Operating it" states the retention to set.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models.functions import Concat
from django.utils import timezone

from operations.models import ErasedStudent, username_digest

logger = logging.getLogger(__name__)

EXPORT_FORMAT = 2
ERASED_PREFIX = "erased-"
# Apps whose rows about a student are exported beside the sections below when installed.
RELATED_APPS = ("classes",)
# The tables `export_student` reads by name, each into its own section. With RELATED_APPS and
# NOT_ABOUT_THE_STUDENT this names every table that points at a user: a test fails when a new
# one is none of the three, so a new kind of student data can't be left out of the export.
EXPORTED_TABLES = (
    "tasks.practicetask",
    "tutor.chat",
    "mlmodels.studentmodelstate",
    "mlmodels.lnirtoffset",
    "mlmodels.learningstate",
    "studysmart.preference",
)
# Tables that point at a user as staff acting (the admin's log), or Django's own permissions.
NOT_ABOUT_THE_STUDENT = ("admin.logentry", "auth.permission", "auth.group")


def export_student(*, user: User) -> dict[str, Any]:
    """Everything stored about `user`: account, classes, attempts with their predictions,
    the models' estimates of them (the overall state and every per-topic and per-task row the
    models keep), chats with every message, ratings, preferences."""
    from studysmart.models import Preference
    from tasks.models import PracticeTask
    from tutor.models import Chat

    attempts = PracticeTask.objects.filter(student=user).select_related("task__topic")
    chats = Chat.objects.filter(student=user).prefetch_related("messages")
    preference = Preference.objects.filter(user=user).first()
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "is_active": user.is_active,
        },
        "classes": related_rows(user, RELATED_APPS),
        "attempts": [_attempt(a) for a in attempts.order_by("assigned_at", "id")],
        "predictions": _model_state(user),
        "chats": [_chat(c) for c in chats.order_by("created_at", "id")],
        "ratings": [
            {"chat_id": c.pk, "message_id": m.pk, "value": m.rating}
            for c in chats
            for m in c.messages.all()
            if m.rating
        ],
        "preferences": None if preference is None else {"theme": preference.theme},
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _attempt(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "task": {"slug": a.task.slug, "title": a.task.title, "topic": a.task.topic.slug},
        "status": a.status,
        "assigned_at": _iso(a.assigned_at),
        "shown_at": _iso(a.shown_at),
        "answered_at": _iso(a.answered_at),
        "answer": a.answer,
        "is_correct": a.is_correct,
        "seconds_taken": a.seconds_taken,
        "prediction_at_assignment": {
            "p_correct": a.assigned_p_correct,
            "seconds": a.assigned_seconds,
            "source": a.assigned_source,
            "version": a.assigned_version,
            "alternatives": a.assigned_alternatives,
        },
        "import": {"source": a.source, "key": a.external_key} if a.source else None,
    }


def _model_state(user: User) -> dict[str, Any]:
    """What the student models hold about `user`: LNIRT's overall ability and speed with their
    per-topic and per-task offsets, and the learning-aware model's state per scope. Topics and
    tasks are named by slug (their ids mean nothing outside this database)."""
    from mlmodels.models import LearningState, LnirtOffset, StudentModelState
    from tasks.models import Task, Topic

    state = StudentModelState.objects.filter(student=user).first()
    offsets = list(LnirtOffset.objects.filter(student=user).order_by("scope", "key"))
    learning = list(LearningState.objects.filter(student=user).order_by("scope", "key"))
    keys = {(o.scope, o.key) for o in offsets} | {(r.scope, r.key) for r in learning}
    topics = dict(
        Topic.objects.filter(pk__in=[k for s, k in keys if s == "topic"]).values_list("pk", "slug")
    )
    tasks = dict(
        Task.objects.filter(pk__in=[k for s, k in keys if s == "task"]).values_list("pk", "slug")
    )

    def about(scope: str, key: int) -> dict[str, Any]:
        if scope == "topic":
            return {"scope": scope, "topic": topics.get(key)}
        if scope == "task":
            return {"scope": scope, "task": tasks.get(key)}
        return {"scope": scope}

    return {
        "student_model": None
        if state is None
        else {
            "ability": state.theta,
            "speed": state.tau,
            "ability_variance": state.theta_var,
            "speed_variance": state.tau_var,
            "ability_speed_covariance": state.theta_tau_cov,
            "attempts": state.attempts,
            "last_attempt_at": _iso(state.last_attempt_at),
        },
        "offsets": [
            {
                **about(o.scope, o.key),
                "ability": o.ability,
                "ability_variance": o.ability_var,
                "speed": o.speed,
                "speed_variance": o.speed_var,
                "attempts": o.attempts,
                "last_attempt_at": _iso(o.last_attempt_at),
            }
            for o in offsets
        ],
        "learning_state": [
            {
                **about(row.scope, row.key),
                "attempts": row.attempts,
                "last_attempt_at": _iso(row.last_attempt_at),
                "chance_after_last_attempt": row.p_after_last,
                "state": row.values,
                "state_layout": row.state_version,
            }
            for row in learning
        ],
        "note": "each attempt carries the prediction frozen when it was assigned",
    }


def _chat(chat: Any) -> dict[str, Any]:
    return {
        "id": chat.pk,
        "title": chat.title,
        "topic": chat.topic,
        "created_at": _iso(chat.created_at),
        "messages": [
            {
                "id": m.pk,
                "role": m.role,
                "text": m.text,
                "intent": m.intent,
                "status": m.status,
                "rating": m.rating,
                "created_at": _iso(m.created_at),
            }
            for m in sorted(chat.messages.all(), key=lambda m: (m.created_at, m.pk))
        ],
    }


def related_rows(user: User, app_labels: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows of the given apps (when installed) that point at `user`, by model: whatever those
    apps store about a student is handed over without this module knowing their models."""
    from django.core import serializers

    found: dict[str, list[dict[str, Any]]] = {}
    for label in app_labels:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            query = _user_filter(model, user)
            if query is None:
                continue
            rows = model._default_manager.filter(query).distinct()
            if rows.exists():
                found[model._meta.label_lower] = [
                    {"id": row["pk"], **row["fields"]}
                    for row in serializers.serialize("python", rows)
                ]
    return found


def _user_filter(model: type[models.Model], user: User) -> models.Q | None:
    query = models.Q()
    matched = False
    for field in model._meta.get_fields():
        related = getattr(field, "related_model", None)
        if related is User and (field.many_to_one or field.many_to_many or field.one_to_one):
            if getattr(field, "concrete", False) or field.many_to_many:
                query |= models.Q(**{field.name: user})
                matched = True
    return query if matched else None


@dataclass(frozen=True)
class Erasure:
    username_digest: str
    chats: int
    attempts_kept: int
    attempts_deleted: int
    tombstone: bool


@transaction.atomic
def erase_student(*, user: User, attempts: str | None = None) -> Erasure:
    """Delete `user`'s account and chats; keep their attempts under a random account or delete
    them (`attempts`: "keep" | "delete", default ERASE_ATTEMPTS). Staff accounts are refused:
    an admin is removed by another admin, not erased as a student."""
    from mlmodels.models import StudentModelState
    from tasks.models import PracticeTask
    from tutor.models import Chat

    mode = attempts or settings.ERASE_ATTEMPTS
    if mode not in ("keep", "delete"):
        raise ValueError(f"attempts must be keep or delete, got {mode!r}")
    if user.is_staff or user.is_superuser:
        raise ValueError(f"{user.username} is staff: not erased as a student")
    own = PracticeTask.objects.filter(student=user)
    sources = sorted(set(own.exclude(source="").values_list("source", flat=True)))
    digest = username_digest(user.username)
    if sources:
        ErasedStudent.objects.get_or_create(digest=digest, defaults={"source": sources[0]})
    chats, _ = Chat.objects.filter(student=user).delete()
    kept = deleted = 0
    if mode == "keep":
        stand_in = User.objects.create(
            username=f"{ERASED_PREFIX}{secrets.token_hex(8)}",
            password=make_password(None),
            is_active=False,
        )
        # The import key embeds the external student id: replaced by one that means nothing.
        kept = own.update(student=stand_in, answer="")
        PracticeTask.objects.filter(student=stand_in).exclude(source="").update(
            external_key=Concat(
                models.Value("erased:"),
                models.F("id"),
                models.Value(f":{uuid.uuid4().hex}"),
                output_field=models.CharField(),
            )
        )
    else:
        deleted, _ = own.delete()
    StudentModelState.objects.filter(student=user).delete()
    forget_traces(user)
    user.delete()
    logger.info(
        "erased a student (%s): %d chats deleted, %d attempts kept, %d deleted",
        digest[:12],
        chats,
        kept,
        deleted,
    )
    return Erasure(
        username_digest=digest,
        chats=chats,
        attempts_kept=kept,
        attempts_deleted=deleted,
        tombstone=bool(sources),
    )


def forget_traces(user: User) -> None:
    """Rows elsewhere that name the student without a foreign key: login throttling records and
    the admin's history of edits to the account."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).delete()
    if apps.is_installed("axes"):
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username=user.username).delete()
