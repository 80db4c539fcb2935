"""The tutor report: what the tutor could not answer from its notes, replies students rated
"not helpful", and the concepts asked about most — grouped, counted, newest first.

Each group has a key (the normalised question, or a concept's slug); a teacher who marks it
handled hides it until it is asked again after that moment.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from classes.models import HandledReportItem, SchoolClass
from tutor.models import ChatMessage

# The report covers this much recent history, and reads at most this many replies per list.
REPORT_DAYS = 90
MAX_REPLIES = 2000
MAX_GROUPS = 50
# Intents that ask about physics (a refusal of a greeting or small talk is not a gap in the notes).
PHYSICS_INTENTS = ("concept", "example", "simpler", "retry", "problem")


@dataclass
class ReportItem:
    kind: str
    key: str
    text: str  # what to show: the question as first asked, or the concept's title
    count: int = 0
    last_at: datetime | None = None
    students: set[int] = field(default_factory=set)
    note_slug: str = ""  # the note a "not helpful" reply used (to improve it)
    note_title: str = ""
    example_reply: str = ""
    chat_ids: list[int] = field(default_factory=list)


@dataclass
class TutorReport:
    refused: list[ReportItem]
    unhelpful: list[ReportItem]
    concepts: list[ReportItem]


def question_key(text: str) -> str:
    """Questions that differ only in case, spacing or punctuation are one item."""
    words = re.findall(r"[\w$=+\-*/^]+", text.lower())
    return " ".join(words)[:300]


def _replies(students: QuerySet[Any] | None) -> QuerySet[ChatMessage]:
    since = timezone.now() - timedelta(days=REPORT_DAYS)
    question = ChatMessage.objects.filter(
        chat=OuterRef("chat"), role=ChatMessage.Role.USER, id__lt=OuterRef("id")
    ).order_by("-id")
    replies = ChatMessage.objects.replies().filter(created_at__gte=since)
    if students is not None:
        replies = replies.filter(chat__student__in=students)
    return replies.annotate(question=Subquery(question.values("text")[:1])).order_by("-id")


def tutor_report(
    *, school_class: SchoolClass | None, students: QuerySet[Any] | None
) -> TutorReport:
    """The report over the chats of `students` (None: every chat). Three queries for the lists
    and one for what was marked handled."""
    from tutor.prompts import NOT_IN_NOTES

    # Any: the "question" annotation is added in _replies (django-stubs loses it on return).
    replies: Any = _replies(students)
    refused_rows = replies.filter(
        intent__in=PHYSICS_INTENTS, passages=[], text__contains=NOT_IN_NOTES
    ).values_list("question", "created_at", "chat__student_id", "chat_id")[:MAX_REPLIES]
    unhelpful_rows = replies.filter(rating=-1).values_list(
        "question", "created_at", "chat__student_id", "chat_id", "passages", "text"
    )[:MAX_REPLIES]
    concept_rows = (
        replies.filter(intent__in=PHYSICS_INTENTS)
        .exclude(passages=[])
        .values_list("passages", "created_at", "chat__student_id")[:MAX_REPLIES]
    )

    refused: dict[str, ReportItem] = {}
    for question, at, student_id, chat_id in refused_rows:
        _count(refused, "refused", question or "", at, student_id, chat_id)
    unhelpful: dict[str, ReportItem] = {}
    for question, at, student_id, chat_id, passages, text in unhelpful_rows:
        item = _count(unhelpful, "unhelpful", question or "", at, student_id, chat_id)
        if not item.example_reply:
            item.example_reply = (text or "")[:300]
            top = passages[0] if passages and isinstance(passages[0], dict) else {}
            item.note_slug, item.note_title = str(top.get("slug", "")), str(top.get("title", ""))
    concepts: dict[str, ReportItem] = {}
    counts: Counter[str] = Counter()
    for passages, at, student_id in concept_rows:
        top = passages[0] if isinstance(passages[0], dict) else {}
        slug = str(top.get("slug", ""))
        if not slug:
            continue
        counts[slug] += 1
        item = concepts.setdefault(
            slug, ReportItem("concept", slug, str(top.get("title", slug)), note_slug=slug)
        )
        item.count += 1
        item.students.add(student_id)
        item.last_at = max(item.last_at or at, at)

    handled = {
        (h.kind, h.key): h.handled_at
        for h in HandledReportItem.objects.filter(school_class=school_class)
    }

    def visible(items: dict[str, ReportItem], *, by_count: bool = False) -> list[ReportItem]:
        shown = [
            i
            for i in items.values()
            if i.last_at is None
            or (i.kind, i.key) not in handled
            or i.last_at > handled[(i.kind, i.key)]
        ]
        shown.sort(key=lambda i: i.last_at or timezone.now(), reverse=True)
        if by_count:
            shown.sort(key=lambda i: i.count, reverse=True)  # stable: ties stay newest first
        return shown[:MAX_GROUPS]

    return TutorReport(
        refused=visible(refused),
        unhelpful=visible(unhelpful),
        concepts=visible(concepts, by_count=True),
    )


def _count(
    items: dict[str, ReportItem],
    kind: str,
    question: str,
    at: datetime,
    student_id: int,
    chat_id: int,
) -> ReportItem:
    key = question_key(question) or "(no question)"
    # Rows come newest first: the first seen is the newest wording.
    item = items.setdefault(key, ReportItem(kind, key, question.strip()[:300] or key))
    item.count += 1
    item.students.add(student_id)
    item.last_at = max(item.last_at or at, at)
    if len(item.chat_ids) < 5 and chat_id not in item.chat_ids:
        item.chat_ids.append(chat_id)
    return item
