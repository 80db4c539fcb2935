"""A reply's turn: the database work before the model is asked and after it.

``begin_turn`` claims the chat's reply slot and stores the message in a two-statement write
transaction, then reads everything the reply needs; ``finish_turn`` saves the outcome and frees
the slot. No connection or transaction is held between them (the model call happens in
``tutor.streaming``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from mlmodels.weak_topics import WeakTopic, weakest_topics
from studysmart.live_sockets import session_is_current
from studysmart.outages import REDIS_ERRORS
from tutor.chats import chat_pk
from tutor.errors import TutorError
from tutor.knowledge_index import knowledge_index
from tutor.models import Chat, ChatMessage

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from tutor.pipeline import ChatState, Done, Start
    from tutor.retrieval import KnowledgeIndex
    from tutor.task_help import TaskContext

logger = logging.getLogger(__name__)

# Rows read to rebuild the conversation; the pipeline keeps the last few turns of these.
STATE_ROWS = 16


@dataclass(frozen=True)
class ReplyStart:
    chat_id: int
    message_id: int
    user_message_id: int
    intent: str

    def frame(self) -> dict[str, Any]:
        return {
            "type": "start",
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "user_message_id": self.user_message_id,
            "intent": self.intent,
        }


@dataclass(frozen=True)
class ReplyToken:
    message_id: int
    text: str

    def frame(self) -> dict[str, Any]:
        return {"type": "token", "text": self.text, "message_id": self.message_id}


@dataclass(frozen=True)
class ReplyDone:
    chat_id: int
    message_id: int
    intent: str
    sources: tuple[dict[str, str], ...]
    prompt_tokens: int
    completion_tokens: int
    ttft_ms: float
    total_ms: float
    text: str
    html: str
    supersedes: int | None
    practice: WeakTopic | None = None
    facet: str | None = None

    def frame(self) -> dict[str, Any]:
        return {
            "type": "done",
            "message_id": self.message_id,
            "chat_id": self.chat_id,
            "intent": self.intent,
            "facet": self.facet,
            "sources": [{"title": s["title"], "slug": s["slug"]} for s in self.sources],
            "usage": {
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
            },
            "ttft_ms": round(self.ttft_ms, 1),
            "total_ms": round(self.total_ms, 1),
            "html": self.html,
            "supersedes": self.supersedes,
            "practice": (
                {
                    "topic": self.practice.slug,
                    "name": self.practice.name,
                    "url": self.practice.practice_url,
                }
                if self.practice
                else None
            ),
        }


ReplyEvent = ReplyStart | ReplyToken | ReplyDone


@dataclass
class Turn:
    """What one reply needs from the database, read before the model is asked."""

    chat_id: int
    user_message_id: int
    reply_id: int
    lock: str
    state: ChatState
    index: KnowledgeIndex
    weak_topics: tuple[WeakTopic, ...]
    text: str = ""  # the student's message (the chat's title if it has none)
    needs_title: bool = False
    previous_reply_id: int | None = None  # the last complete reply: what a retry supersedes
    task: TaskContext | None = None  # the practice task a task chat is about


def _lock_stale_after() -> timedelta:
    # A reply cannot outlive the model deadline by much; a lock older than this was left by
    # a process that died mid-reply.
    return timedelta(seconds=2 * float(settings.TUTOR_TIMEOUT_SECONDS) + 30)


def begin_turn(*, chat_id: Any, student: User, text: str) -> Turn:
    """Claim the chat's reply slot, store the message and a reply placeholder, read the state.

    The write transaction is two statements: the claim (which also checks the chat is the
    student's) and one insert of the message and the placeholder. Every turn of the process
    queues for the database's writer there (SQLite has one; PostgreSQL locks the chat row), so
    in a burst of questions its length is what spaces the replies' first tokens. The chat's
    recent messages are read after the commit, outside any transaction: holding the slot, no
    one else writes them until ``finish_turn`` frees it. The knowledge index and the weak
    topics come from this process's memory (``INDEX_CHECK_SECONDS``,
    ``WEAK_TOPICS_TTL_SECONDS``).
    """
    pk = chat_pk(chat_id)
    lock = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Chat.objects.for_student(student)
            .filter(pk=pk)
            .filter(Q(reply_lock="") | Q(reply_locked_at__lt=now - _lock_stale_after()))
            .update(reply_lock=lock, reply_locked_at=now)
        )
        if claimed:
            asked, reply = _insert_pair(pk, text)
    if not claimed:
        exists = Chat.objects.for_student(student).filter(pk=pk).exists()
        raise TutorError("busy" if exists else "not_found")
    try:
        return _read_turn(
            pk=pk, lock=lock, student=student, text=text, asked=asked.pk, reply=reply.pk
        )
    except BaseException:
        _abandon(pk, lock, reply.pk)
        raise


def _read_turn(*, pk: int, lock: str, student: User, text: str, asked: int, reply: int) -> Turn:
    """The rest of ``begin_turn``, once the slot is held and the new pair stored."""
    # The new pair is among the newest rows: it brings the chat along, and is then dropped.
    newest = list(
        ChatMessage.objects.filter(chat_id=pk)
        .select_related("chat")
        .order_by("-id")[: STATE_ROWS + 2]
    )
    chat = newest[0].chat
    rows = [m for m in newest if m.pk < asked][:STATE_ROWS][::-1]
    # We hold the slot, so a reply still "streaming" belongs to a holder that died.
    orphans = [m.pk for m in rows if m.status == ChatMessage.Status.STREAMING]
    if orphans:
        ChatMessage.objects.filter(pk__in=orphans).update(status=ChatMessage.Status.ERROR)
        for m in rows:
            if m.pk in orphans:
                m.status = ChatMessage.Status.ERROR
    state = _chat_state(chat, rows)
    task = _task_of(chat)
    previous = next(
        (
            m.pk
            for m in reversed(rows)
            if m.role == ChatMessage.Role.ASSISTANT and m.status == ChatMessage.Status.COMPLETE
        ),
        None,
    )
    if previous is None and len(rows) >= STATE_ROWS:  # a long run of stopped replies
        previous = (
            chat.messages.replies()
            .filter(status=ChatMessage.Status.COMPLETE, pk__lt=rows[0].pk)
            .order_by("-id")
            .values_list("pk", flat=True)
            .first()
        )
    return Turn(
        chat_id=pk,
        user_message_id=asked,
        reply_id=reply,
        lock=lock,
        state=state,
        index=knowledge_index(),
        weak_topics=weakest_topics(student=student),
        text=text,
        needs_title=not chat.title,
        previous_reply_id=previous,
        task=task,
    )


def _abandon(chat_id: int, lock: str, reply_id: int) -> None:
    """A turn that failed before its reply started: the placeholder is an error, the slot free."""
    ChatMessage.objects.filter(pk=reply_id, status=ChatMessage.Status.STREAMING).update(
        status=ChatMessage.Status.ERROR
    )
    _release(chat_id, lock)


def _task_of(chat: Chat) -> TaskContext | None:
    """The practice task of a task chat, as the pipeline needs it (None for other chats)."""
    if chat.practice_task_id is None:
        return None
    from tasks.models import PracticeTask
    from tutor.task_help import task_context

    practice_task = (
        PracticeTask.objects.filter(pk=chat.practice_task_id).select_related("task__topic").first()
    )
    return task_context(practice_task=practice_task) if practice_task is not None else None


def _insert_pair(chat_id: int, text: str) -> tuple[ChatMessage, ChatMessage]:
    """The student's message and the reply placeholder: one INSERT where the database returns
    the new ids (SQLite >= 3.35, PostgreSQL), else two."""
    asked = ChatMessage(chat_id=chat_id, role=ChatMessage.Role.USER, text=text)
    reply = ChatMessage(
        chat_id=chat_id, role=ChatMessage.Role.ASSISTANT, status=ChatMessage.Status.STREAMING
    )
    if connection.features.can_return_rows_from_bulk_insert:
        ChatMessage.objects.bulk_create([asked, reply])
    else:  # pragma: no cover - older SQLite
        asked.save()
        reply.save()
    return asked, reply


_NOT_A_QUESTION = ("", "retry", "greeting", "off_topic")


def _chat_state(chat: Chat, rows: list[ChatMessage]) -> ChatState:
    """The pipeline's view of a chat from its last ``STATE_ROWS`` messages, oldest first."""
    from tutor.pipeline import ChatState
    from tutor.pipeline import Turn as PipelineTurn

    turns = [
        PipelineTurn(
            role="user" if m.role == ChatMessage.Role.USER else "assistant",
            text=m.text,
            intent=m.intent or None,
            passages=tuple(str(p.get("slug", "")) for p in m.passages or ()),
            angle=m.angle or None,
            facet=m.facet or None,
        )
        for m in rows
        # A stopped, failed or replaced reply is not what the student was last told.
        if m.role == ChatMessage.Role.USER or m.status == ChatMessage.Status.COMPLETE
    ]
    question = next(
        (
            m
            for m in reversed(rows)
            if m.role == ChatMessage.Role.USER and m.intent not in _NOT_A_QUESTION
        ),
        None,
    )
    if question is None and len(rows) >= STATE_ROWS:
        # A long run of retries and greetings: the question is further back.
        question = (
            chat.messages.filter(role=ChatMessage.Role.USER, pk__lt=rows[0].pk)
            .exclude(intent__in=_NOT_A_QUESTION)
            .order_by("-id")
            .first()
        )
    return ChatState(
        topic=chat.topic or None,
        turns=turns,
        last_question=question.text if question else None,
        last_intent=question.intent if question else None,
    )


def _release(chat_id: int, lock: str) -> None:
    Chat.objects.filter(pk=chat_id, reply_lock=lock).update(reply_lock="", reply_locked_at=None)


@dataclass
class Outcome:
    status: str
    text: str
    start: Start | None
    done: Done | None
    ttft_ms: float | None
    total_ms: float
    practice: WeakTopic | None = None


def finish_turn(*, turn: Turn, outcome: Outcome) -> ReplyDone:
    """Save the reply as it ended, move the chat's topic, supersede, and free the reply slot."""
    from studysmart.markdown import render_markdown

    start, done = outcome.start, outcome.done
    intent = start.intent if start else ""
    passages = [{"slug": p.slug, "title": p.title} for p in start.passages] if start else []
    prompt_tokens = done.usage.prompt_tokens if done else 0
    completion_tokens = done.usage.completion_tokens if done else max(0, len(outcome.text) // 4)
    supersedes: int | None = None
    now = timezone.now()
    with transaction.atomic():
        ChatMessage.objects.filter(pk=turn.reply_id).update(
            text=outcome.text,
            status=outcome.status,
            intent=intent,
            angle=(start.angle or "") if start else "",
            facet=(start.facet or "") if start else "",
            passages=passages,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            ttft_ms=outcome.ttft_ms,
            total_ms=outcome.total_ms,
        )
        if start:
            ChatMessage.objects.filter(pk=turn.user_message_id).update(intent=intent)
        if (
            outcome.status == ChatMessage.Status.COMPLETE
            and intent == "retry"
            and turn.previous_reply_id is not None
        ):
            # We held the reply slot since reading it, so it is still the last complete reply.
            ChatMessage.objects.filter(pk=turn.previous_reply_id).update(
                status=ChatMessage.Status.SUPERSEDED
            )
            supersedes = turn.previous_reply_id
        chat_values: dict[str, Any] = {
            "reply_lock": "",
            "reply_locked_at": None,
            "updated_at": now,
        }
        # A stopped reply still tells us what the student is asking about.
        if start and start.topic and outcome.status != ChatMessage.Status.ERROR:
            chat_values["topic"] = start.topic
        if turn.needs_title:
            chat_values["title"] = _title_for(turn, start)
        Chat.objects.filter(pk=turn.chat_id, reply_lock=turn.lock).update(**chat_values)
        if (
            outcome.status == ChatMessage.Status.COMPLETE
            and start is not None
            and start.facet == "hint"
            and turn.task is not None
        ):
            from django.db.models import F

            from tasks.models import PracticeTask

            # Counted only while the task is still open: a hint after submitting is none.
            PracticeTask.objects.filter(pk=turn.task.practice_task_id).exclude(
                status=PracticeTask.Status.COMPLETED
            ).update(hints_used=F("hints_used") + 1)
    return ReplyDone(
        chat_id=turn.chat_id,
        message_id=turn.reply_id,
        intent=intent,
        sources=tuple(passages),
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        ttft_ms=outcome.ttft_ms or 0.0,
        total_ms=outcome.total_ms,
        text=outcome.text,
        html=render_markdown(outcome.text) if outcome.text else "",
        supersedes=supersedes,
        practice=outcome.practice,
        facet=start.facet if start else None,
    )


def _title_for(turn: Turn, start: Start | None) -> str:
    if start and start.passages and start.intent not in ("greeting", "off_topic"):
        return start.passages[0].title[:200]
    first = turn.text.strip().splitlines()[0:1]
    title = first[0] if first else ""
    return title[:60] + ("…" if len(title) > 60 else "")


def check_text(text: Any) -> str:
    """The student's message, stripped; ``bad_request`` / ``too_long`` otherwise."""
    if not isinstance(text, str) or not text.strip():
        message = "Type a question for the tutor."
        raise TutorError("bad_request", message, fields={"text": message})
    limit = int(settings.TUTOR_MAX_MESSAGE_CHARS)
    if len(text) > limit:
        message = f"Messages can be at most {limit} characters long."
        raise TutorError("too_long", message, fields={"text": message})
    return text.strip()


def check_rate_limit(*, student: User) -> None:
    """Count one message against the student's per-minute allowance (shared cache, so every
    process and socket of the student draws from the same allowance)."""
    limit = int(settings.TUTOR_RATE_LIMIT_PER_MINUTE)
    if limit <= 0:
        return
    key = f"tutor:rate:{student.pk}:{int(time.time() // 60)}"
    try:
        count = _count_message(key)
    except REDIS_ERRORS as exc:
        # The allowance lives in Redis: while it is unreachable the tutor answers unmetered
        # rather than not at all (an outage lasts seconds; the LLM has its own quotas).
        logger.warning("tutor rate limit not applied: the cache is unreachable (%s)", exc)
        return
    if count > limit:
        raise TutorError("rate_limited")


class _ProcessAllowance:
    """Per-minute message counts kept in this process, for the embedded stack.

    Its cache is the database's (``DatabaseCache``): an add and an increment there are eleven
    statements and two write transactions per message, all queueing for SQLite's one writer
    behind the turns themselves; its increment is not atomic either. That stack has one web
    process (``start_all`` refuses more without Redis), so the process is the whole allowance.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.minute = ""
        self.counts: dict[str, int] = {}

    def count(self, key: str) -> int:
        """``key`` ends with the minute (``tutor:rate:<student>:<minute>``)."""
        minute = key.rsplit(":", 1)[-1]
        with self.lock:
            if minute != self.minute:
                # A new minute: the earlier minute's counts are done with.
                self.minute = minute
                self.counts.clear()
            self.counts[key] = self.counts.get(key, 0) + 1
            return self.counts[key]


_PROCESS_ALLOWANCE = _ProcessAllowance()


def _count_message(key: str) -> int:
    """This minute's message count of one student, this message included."""
    if isinstance(caches["default"], DatabaseCache):
        return _PROCESS_ALLOWANCE.count(key)
    if cache.add(key, 1, timeout=90):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        return 1


class SessionEnded(Exception):
    """The login behind a socket ended (logout, expiry, password change): no reply is given."""


@dataclass(frozen=True)
class SessionCheck:
    """Re-read a socket's session before its reply (``None`` key: it has none, so it fails)."""

    session_key: str | None


def claim_turn(
    *, chat_id: Any, student: User, text: str, session: SessionCheck | None = None
) -> Turn:
    """The session re-check (sockets), the rate limit, then ``begin_turn``: the whole start of
    a reply in one database hop."""
    if session is not None and not session_is_current(
        session_key=session.session_key, user=student
    ):
        raise SessionEnded
    check_rate_limit(student=student)
    return begin_turn(chat_id=chat_id, student=student, text=text)
