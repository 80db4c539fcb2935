"""Writes and side effects of the AI tutor: the knowledge base, chats and the reply stream.

``stream_reply`` is the one entry point for a reply, shared by the websocket consumer and the
HTTP API. It reads everything it needs from the database in one hop before the model is asked,
runs ``tutor.pipeline.stream_reply`` with no connection or transaction held, and saves the
outcome in one hop after it — whether the reply completed, was stopped (task cancelled or
generator closed) or failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
import weakref
import zlib
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from studysmart.middleware import REDIS_ERRORS
from tutor.models import Chat, ChatMessage, KnowledgeEntry, content_hash

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from tutor.knowledge.spec import ConceptSpec
    from tutor.pipeline import ChatState, Done, PipelineConfig, Start
    from tutor.retrieval import EmbedderSpec, KnowledgeIndex
    from tutor.task_help import TaskContext

logger = logging.getLogger(__name__)

RETRY_TEXT = "Try again"
# Rows read to rebuild the conversation; the pipeline keeps the last few turns of these.
STATE_ROWS = 16
# Messages replayed when a chat is opened.
REPLAY_LIMIT = 200
# Weak topics change only when practice does: one batched prediction per student per window,
# remembered in this process (no cache round trip on a turn).
WEAK_TOPICS_TTL_SECONDS = 60.0
WEAK_TOPICS_MAX_STUDENTS = 5000
WEAK_TOPIC_BELOW = 0.6
WEAK_TOPIC_COUNT = 2
# How often a turn checks whether the knowledge base changed in another process (an edit in
# this process is seen at once).
INDEX_CHECK_SECONDS = 5.0
# Threads for the tutor's database hops. Channels' default runs every socket's hop on one
# shared thread (thread_sensitive=True), so under load every turn queued behind every other's.
# The hops keep no thread-local state, so a small pool serves them; each thread keeps its own
# connection (closed/reused by close_old_connections around every hop, as Channels does).
DB_THREADS = 4

ERROR_MESSAGES = {
    "bad_request": "That message could not be understood.",
    "too_long": "That message is too long.",
    "rate_limited": "You're sending messages very quickly. Please wait a moment and try again.",
    "busy": "The tutor is still answering in this chat. Wait for it or press stop.",
    "not_found": "That chat does not exist.",
    "unavailable": "The tutor is unavailable right now. Please try again in a moment.",
    "internal": "Something went wrong on our side. Please try again.",
}


class TutorError(Exception):
    """A reply could not be given. ``code`` is a SPEC §7 error code, ``message`` is safe to show."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or ERROR_MESSAGES.get(code, ERROR_MESSAGES["internal"])
        super().__init__(self.message)


_P = ParamSpec("_P")
_R = TypeVar("_R")
_DB_EXECUTOR = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="tutor-db")


def db_hop(fn: Callable[_P, _R]) -> Callable[_P, Awaitable[_R]]:
    """``fn`` run in the tutor's database thread pool, with connections cleaned up around it."""
    return database_sync_to_async(fn, thread_sensitive=False, executor=_DB_EXECUTOR)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------
# Knowledge base: embeddings and the per-process index


def embedder_spec() -> EmbedderSpec:
    """The embedder configured by ``TUTOR_EMBEDDINGS`` with its calibrated threshold."""
    from tutor.retrieval import GEMINI_SPEC, OFFLINE_SPEC, EmbedderSpec

    name = settings.TUTOR_EMBEDDINGS
    if name in ("offline", OFFLINE_SPEC.name):
        return OFFLINE_SPEC
    if name == GEMINI_SPEC.name:
        return GEMINI_SPEC
    # Another LangChain provider: uncalibrated, so the Gemini bar (SPEC §5) is the start point.
    return EmbedderSpec(name=name, dimensions=0, threshold=GEMINI_SPEC.threshold)


@lru_cache(maxsize=1)
def _offline_corpus_tag() -> str:
    from tutor.knowledge import CONCEPTS
    from tutor.retrieval import passage_from_concept

    text = "\n".join(passage_from_concept(c).embedding_text() for c in CONCEPTS)
    return f"{zlib.crc32(text.encode()):08x}"


def embedder_name(spec: EmbedderSpec) -> str:
    """What a stored vector records as its embedder; a mismatch means "recompute".

    The offline embedder's IDF and vocabulary are fitted on the shipped knowledge base — a
    fixed reference corpus, like a pretrained model's vocabulary — so editing one entry leaves
    every other vector valid and only that entry is re-embedded (~7 ms). A release that ships
    a different corpus changes the fit, and this tag, and so recomputes every vector once.
    Refitting on the live corpus instead would cost ~0.8 s per admin save and a refit per
    process reload, for a vocabulary gain only on words the admin added.
    """
    from tutor.retrieval import OFFLINE_SPEC

    if spec.name == OFFLINE_SPEC.name:
        return f"{spec.name}@{_offline_corpus_tag()}"
    return spec.name


def _embeddings_for(spec: EmbedderSpec) -> Any:
    from tutor.retrieval import build_embeddings

    return build_embeddings(spec, api_key=settings.GOOGLE_API_KEY or None)


def embed_entries(*, entries: Sequence[KnowledgeEntry]) -> int:
    """Compute and store the vectors of ``entries`` with the configured embedder.

    Saved with ``bulk_update`` so ``updated_at`` keeps meaning "edited"; ``embedded_at`` moves,
    which tells every process's index cache to reload.
    """
    if not entries:
        return 0
    spec = embedder_spec()
    name = embedder_name(spec)
    texts = [e.to_passage(embedder="").embedding_text() for e in entries]
    vectors = _embed_documents(spec, name, texts)
    now = timezone.now()
    for entry, vector in zip(entries, vectors, strict=True):
        # Six decimals is float32 precision: the JSON stays a third of its full-repr size.
        entry.embedding = [round(float(x), 6) for x in vector]
        entry.embedder = name
        entry.embedding_dimensions = len(vector)
        entry.embedded_at = now
    KnowledgeEntry.objects.bulk_update(
        entries, ["embedding", "embedder", "embedding_dimensions", "embedded_at"]
    )
    recheck_knowledge_index()
    return len(entries)


# Offline vectors are a pure function of the text: remembered per process, so re-seeding (and
# every test that seeds) skips the ~7 ms per entry. Bounded by the size of a knowledge base.
_OFFLINE_VECTORS: dict[tuple[str, str], list[float]] = {}
_OFFLINE_VECTORS_MAX = 2000


def _embed_documents(spec: EmbedderSpec, name: str, texts: list[str]) -> list[list[float]]:
    from tutor.retrieval import OFFLINE_SPEC

    embeddings = _embeddings_for(spec)
    if spec.name != OFFLINE_SPEC.name:
        return embeddings.embed_documents(texts)
    todo = [t for t in dict.fromkeys(texts) if (name, t) not in _OFFLINE_VECTORS]
    if len(_OFFLINE_VECTORS) + len(todo) > _OFFLINE_VECTORS_MAX:
        _OFFLINE_VECTORS.clear()
    for text, vector in zip(todo, embeddings.embed_documents(todo), strict=True):
        _OFFLINE_VECTORS[(name, text)] = [round(float(x), 6) for x in vector]
    return [_OFFLINE_VECTORS[(name, t)] for t in texts]


def embed_entry(*, entry: KnowledgeEntry) -> None:
    """Recompute one entry's vector after an edit (called by the admin after saving it).

    A provider failure (Gemini embeddings offline, say) leaves the old vector marked with the
    time of the edit; the index loader recomputes any vector older than its entry's text.
    """
    recheck_knowledge_index()
    try:
        embed_entries(entries=[entry])
    except Exception:
        logger.warning("embedding knowledge entry %s failed; will retry on load", entry.slug)


@dataclass
class _IndexCache:
    key: tuple[Any, ...] | None = None
    index: KnowledgeIndex | None = None
    checked_at: float = float("-inf")  # time.monotonic() of the last fingerprint query
    lock: threading.Lock = field(default_factory=threading.Lock)


_INDEX = _IndexCache()


def knowledge_index() -> KnowledgeIndex:
    """The retrieval index over the knowledge base, built once per process.

    One aggregate query decides whether an entry changed since it was built (in this or any
    other process); only then are the entries reloaded. The query runs at most every
    ``INDEX_CHECK_SECONDS`` (an edit made through this process is seen at once: embedding an
    entry resets the clock). Entries with no vector from the configured embedder (a new entry,
    a changed embedder, a failed embed) are embedded first.
    """
    from tutor.retrieval import KnowledgeIndex

    if _INDEX.index is not None and time.monotonic() - _INDEX.checked_at < INDEX_CHECK_SECONDS:
        return _INDEX.index
    spec = embedder_spec()
    name = embedder_name(spec)
    checked_at = time.monotonic()
    key = (name, *KnowledgeEntry.objects.fingerprint())
    if _INDEX.index is not None and _INDEX.key == key:
        _INDEX.checked_at = checked_at
        return _INDEX.index
    with _INDEX.lock:
        if _INDEX.index is not None and _INDEX.key == key:
            _INDEX.checked_at = checked_at
            return _INDEX.index
        entries = list(KnowledgeEntry.objects.all())
        stale = [
            e
            for e in entries
            if e.embedder != name
            or not e.embedding
            or (e.embedded_at is not None and e.embedded_at < e.updated_at)
        ]
        if stale:
            embed_entries(entries=stale)
            key = (name, *KnowledgeEntry.objects.fingerprint())
        passages = [e.to_passage(embedder=name) for e in entries]
        index = KnowledgeIndex(passages, _embeddings_for(spec), spec)
        _INDEX.key, _INDEX.index, _INDEX.checked_at = key, index, checked_at
        logger.info("tutor knowledge index loaded: %d entries, embedder=%s", len(index), name)
        return index


def forget_knowledge_index() -> None:
    """Drop this process's index (tests; the next reply reloads it)."""
    _INDEX.key = _INDEX.index = None
    _INDEX.checked_at = float("-inf")


def recheck_knowledge_index() -> None:
    """Make the next turn check the knowledge base for changes (called after an edit)."""
    _INDEX.checked_at = float("-inf")


def seed_demo() -> str:
    """Upsert the knowledge base from ``tutor.knowledge`` and compute missing embeddings.

    Idempotent and fast on a re-run (no writes when nothing changed). An entry an admin has
    edited since it was seeded keeps the admin's text.
    """
    from tutor.knowledge import CONCEPTS

    existing = {e.slug: e for e in KnowledgeEntry.objects.all()}
    new: list[KnowledgeEntry] = []
    updated: list[KnowledgeEntry] = []
    for spec in CONCEPTS:
        values = _entry_values(spec)
        shipped = content_hash(*values.values())
        entry = existing.get(spec.slug)
        if entry is None:
            new.append(KnowledgeEntry(slug=spec.slug, seeded_hash=shipped, **values))
        elif entry.seeded_hash != shipped and entry.content_hash() in (entry.seeded_hash, ""):
            for attr, value in values.items():
                setattr(entry, attr, value)
            entry.seeded_hash = shipped
            updated.append(entry)
    with transaction.atomic():
        KnowledgeEntry.objects.bulk_create(new)
        for entry in updated:
            entry.save()
    recheck_knowledge_index()
    spec = embedder_spec()
    name = embedder_name(spec)
    stale = [
        e
        for e in KnowledgeEntry.objects.all()
        if e.embedder != name or not e.embedding or e.slug in {u.slug for u in updated}
    ]
    try:
        embedded = embed_entries(entries=stale)
    except Exception:
        # Gemini embeddings unreachable at seed time: the first reply embeds them instead.
        logger.warning("tutor: embeddings not computed at seed time; they will be on first use")
        embedded = 0
    return (
        f"tutor: {len(CONCEPTS)} knowledge entries ({len(new)} new, {len(updated)} updated, "
        f"{embedded} embedded with {name})"
    )


def _entry_values(spec: ConceptSpec) -> dict[str, Any]:
    return {
        "title": spec.title,
        "topic": spec.topic,
        "keywords": list(spec.keywords),
        "explanation": spec.explanation,
        "example": spec.example,
        "simpler": spec.simpler,
        "alternative": spec.alternative,
    }


# --------------------------------------------------------------------------------------------
# Chats


def start_chat(*, student: Any, topic: str = "", practice_task_id: Any = None) -> Chat:
    """A new, empty chat for ``student``; with ``practice_task_id``, about one of the
    student's practice tasks (``TutorError("not_found")`` for anyone else's or a bad id)."""
    practice_task = None
    if practice_task_id is not None:
        from tasks.models import PracticeTask

        practice_task = (
            PracticeTask.objects.filter(student=student, pk=_chat_pk(practice_task_id))
            .select_related("task__topic")
            .first()
        )
        if practice_task is None:
            raise TutorError("not_found", "That practice task does not exist.")
    return Chat.objects.create(student=student, topic=topic, practice_task=practice_task)


def access_chat(*, student: Any, chat_id: Any) -> Chat:
    """The student's own chat; ``TutorError("not_found")`` for anyone else's or a bad id."""
    chat = Chat.objects.for_student(student).filter(pk=_chat_pk(chat_id)).first()
    if chat is None:
        raise TutorError("not_found")
    return chat


def message_payload(message: ChatMessage) -> dict[str, Any]:
    """A stored message as the chat frame and the chat page show it."""
    from studysmart.markdown import render_markdown

    data: dict[str, Any] = {
        "id": message.pk,
        "role": message.role,
        "text": message.text,
        "status": message.status,
        "created": message.created_at.isoformat() if message.created_at else None,
    }
    if message.role == ChatMessage.Role.ASSISTANT:
        data.update(
            html=render_markdown(message.text) if message.text else "",
            intent=message.intent,
            sources=[{"title": t} for t in message.source_titles()],
            usage={
                "prompt_tokens": message.prompt_tokens,
                "completion_tokens": message.completion_tokens,
            },
            ttft_ms=message.ttft_ms,
            total_ms=message.total_ms,
            rating=message.rating,
            facet=message.facet or None,
        )
    return data


def chat_messages(*, chat: Chat) -> list[ChatMessage]:
    """The last ``REPLAY_LIMIT`` messages of a chat, oldest first (one query)."""
    return list(chat.messages.order_by("-id")[:REPLAY_LIMIT])[::-1]


def chat_payload(*, chat: Chat) -> dict[str, Any]:
    """The first frame of a socket: the chat and its messages."""
    return {
        "type": "chat",
        "chat_id": chat.pk,
        "practice_task": chat.practice_task_id,
        "title": chat.display_title,
        "messages": [message_payload(m) for m in chat_messages(chat=chat)],
    }


def rate_message(*, student: Any, message_id: Any, value: int) -> ChatMessage:
    """Store the student's rating (-1, 0 or 1) of one of the tutor's replies in their chats."""
    try:
        pk = int(message_id)
    except (TypeError, ValueError):
        raise TutorError("not_found") from None
    if isinstance(message_id, bool) or not 0 < pk < 2**63:
        raise TutorError("not_found")
    message = ChatMessage.objects.for_student(student).replies().filter(pk=pk).first()
    if message is None:
        raise TutorError("not_found")
    message.rating = value
    message.save(update_fields=["rating"])
    return message


# --------------------------------------------------------------------------------------------
# Practice link


@dataclass(frozen=True)
class WeakTopic:
    """A practice topic the student models predict this student does poorly on."""

    slug: str
    name: str
    p_correct: float

    @property
    def practice_url(self) -> str:
        """The page that assigns a few tasks of this topic (``tasks:practice_topic``)."""
        return reverse("tasks:practice_topic", kwargs={"slug": self.slug})


# student key -> (monotonic expiry, topics). Per process: a turn must not pay a cache round trip.
_WEAK_TOPICS: dict[tuple[Any, ...], tuple[float, tuple[WeakTopic, ...]]] = {}
_WEAK_TOPICS_LOCK = threading.Lock()


def _student_key(student: Any) -> tuple[Any, ...]:
    # An id alone can name two students over time (a rolled-back test, a deleted and recreated
    # row); with the join time it cannot.
    return (student.pk, getattr(student, "date_joined", None))


def weakest_topics(*, student: Any) -> tuple[WeakTopic, ...]:
    """The student's weakest practice topics by mean predicted P(correct), weakest first.

    One batched ``predict_many`` over the assignable tasks, remembered in this process for
    ``WEAK_TOPICS_TTL_SECONDS``. Topics predicted only by the default prior say nothing about
    this student and are left out, so a newcomer is told nothing rather than that the
    alphabetically first topic is weak.
    """
    key = _student_key(student)
    now = time.monotonic()
    hit = _WEAK_TOPICS.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    from mlmodels.services import predict_many
    from tasks.models import Task

    tasks = list(Task.objects.assignable().select_related("topic"))
    found: tuple[WeakTopic, ...] = ()
    if tasks:
        by_topic: dict[tuple[str, str], list[float]] = defaultdict(list)
        for task, prediction in zip(tasks, predict_many(user=student, tasks=tasks), strict=True):
            if prediction.source != "default":
                by_topic[(task.topic.slug, task.topic.name)].append(float(prediction.p_correct))
        means = sorted((sum(ps) / len(ps), slug, name) for (slug, name), ps in by_topic.items())
        found = tuple(
            WeakTopic(slug, name, round(mean, 3))
            for mean, slug, name in means[:WEAK_TOPIC_COUNT]
            if mean < WEAK_TOPIC_BELOW
        )
    with _WEAK_TOPICS_LOCK:
        if len(_WEAK_TOPICS) >= WEAK_TOPICS_MAX_STUDENTS:
            for stale in [k for k, (until, _) in _WEAK_TOPICS.items() if until <= now]:
                del _WEAK_TOPICS[stale]
            if len(_WEAK_TOPICS) >= WEAK_TOPICS_MAX_STUDENTS:
                _WEAK_TOPICS.clear()
        _WEAK_TOPICS[key] = (now + WEAK_TOPICS_TTL_SECONDS, found)
    return found


def weak_topics(*, student: Any) -> tuple[str, ...]:
    """The names of ``weakest_topics`` (what a prompt shows the model)."""
    return tuple(t.name for t in weakest_topics(student=student))


def forget_weak_topics(*, student: Any | None = None) -> None:
    """Drop remembered weak topics: one student's (after their practice changed) or all."""
    with _WEAK_TOPICS_LOCK:
        if student is None:
            _WEAK_TOPICS.clear()
        else:
            _WEAK_TOPICS.pop(_student_key(student), None)


def practice_offer(
    *, intent: str, topic: str | None, weak: Sequence[WeakTopic]
) -> WeakTopic | None:
    """The topic a reply suggests practising, if any.

    On a concept or problem reply (once per question: under every follow-up it would nag),
    only when the topic the reply is about is one of the student's weak topics: a suggestion
    about another topic reads as noise. ``topic`` is the topic slug of the reply's top passage.
    """
    if not weak or intent not in ("concept", "problem"):
        return None
    return next((t for t in weak if t.slug == topic), None)


def practice_link_markdown(offer: WeakTopic) -> str:
    """The line a reply ends with: a link to the page that assigns tasks of ``offer``."""
    return f"\n\n[Practise {offer.name} now →]({offer.practice_url})"


# --------------------------------------------------------------------------------------------
# A reply: events, the turn before the stream and the turn after it


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


def _chat_pk(chat_id: Any) -> int:
    try:
        pk = int(chat_id)
    except (TypeError, ValueError):
        raise TutorError("not_found") from None
    if isinstance(chat_id, bool) or not 0 < pk < 2**63:
        raise TutorError("not_found")
    return pk


def begin_turn(*, chat_id: Any, student: Any, text: str) -> Turn:
    """Claim the chat's reply slot, read its state, store the message and a reply placeholder.

    One transaction of three statements on the hot path: the claim (which also checks the
    chat is the student's), one read of the chat with its recent messages, and one insert of
    the message and the placeholder. The knowledge index and the weak topics come from this
    process's memory (``INDEX_CHECK_SECONDS``, ``WEAK_TOPICS_TTL_SECONDS``).
    """
    pk = _chat_pk(chat_id)
    lock = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Chat.objects.for_student(student)
            .filter(pk=pk)
            .filter(Q(reply_lock="") | Q(reply_locked_at__lt=now - _lock_stale_after()))
            .update(reply_lock=lock, reply_locked_at=now)
        )
        if not claimed:
            exists = Chat.objects.for_student(student).filter(pk=pk).exists()
            raise TutorError("busy" if exists else "not_found")
        rows = list(
            ChatMessage.objects.filter(chat_id=pk)
            .select_related("chat")
            .order_by("-id")[:STATE_ROWS]
        )[::-1]
        chat = rows[-1].chat if rows else Chat.objects.get(pk=pk)
        # We hold the slot, so a reply still "streaming" belongs to a holder that died.
        orphans = [m.pk for m in rows if m.status == ChatMessage.Status.STREAMING]
        if orphans:
            ChatMessage.objects.filter(pk__in=orphans).update(status=ChatMessage.Status.ERROR)
            for m in rows:
                if m.pk in orphans:
                    m.status = ChatMessage.Status.ERROR
        state = _chat_state(chat, rows)
        task = _task_of(chat)
        asked, reply = _insert_pair(chat, text)
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
    try:
        index = knowledge_index()
        weak = weakest_topics(student=student)
    except BaseException:
        _release(pk, lock)
        raise
    return Turn(
        chat_id=pk,
        user_message_id=asked.pk,
        reply_id=reply.pk,
        lock=lock,
        state=state,
        index=index,
        weak_topics=weak,
        text=text,
        needs_title=not chat.title,
        previous_reply_id=previous,
        task=task,
    )


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


def _insert_pair(chat: Chat, text: str) -> tuple[ChatMessage, ChatMessage]:
    """The student's message and the reply placeholder: one INSERT where the database returns
    the new ids (SQLite >= 3.35, PostgreSQL), else two."""
    asked = ChatMessage(chat=chat, role=ChatMessage.Role.USER, text=text)
    reply = ChatMessage(
        chat=chat, role=ChatMessage.Role.ASSISTANT, status=ChatMessage.Status.STREAMING
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


# --------------------------------------------------------------------------------------------
# The reply stream


# A reply already streaming waits this long at most for the replies still waiting for their
# first token (so under any load it keeps moving).
MAX_YIELD_TO_NEW_REPLIES_SECONDS = 0.25


class FirstTokenGate:
    """New replies go first: while any reply in this process still waits for its first token,
    replies that are already streaming pause between tokens (for at most
    ``MAX_YIELD_TO_NEW_REPLIES_SECONDS`` at a time).

    The event loop and the GIL are shared by every socket. Without this, a reply's start (its
    database hop and the pipeline) queues behind every token of every reply in flight, so a
    burst of questions waits for all their answers to be nearly written. With it the rest of a
    reply arrives a little later under load, and its first token much sooner (the usual
    "prefill first" rule of LLM servers).
    """

    def __init__(self) -> None:
        self.waiting = 0
        self.clear = asyncio.Event()
        self.clear.set()

    def enter(self) -> None:
        self.waiting += 1
        self.clear.clear()

    def leave(self) -> None:
        self.waiting -= 1
        if self.waiting <= 0:
            self.waiting = 0
            self.clear.set()

    async def give_way(self) -> None:
        if not self.waiting:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(MAX_YIELD_TO_NEW_REPLIES_SECONDS):
                await self.clear.wait()


# One per event loop (daphne has one; tests start a loop per test).
_GATES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FirstTokenGate] = (
    weakref.WeakKeyDictionary()
)


def first_token_gate() -> FirstTokenGate:
    loop = asyncio.get_running_loop()
    gate = _GATES.get(loop)
    if gate is None:
        gate = _GATES[loop] = FirstTokenGate()
    return gate


def chat_model() -> BaseChatModel:
    """The configured chat model, built once per process (per event loop) and then awaited."""
    from tutor.llm import build_chat_model

    return build_chat_model(
        model=settings.TUTOR_MODEL,
        api_key=settings.GOOGLE_API_KEY or None,
        timeout_s=float(settings.TUTOR_TIMEOUT_SECONDS),
        max_retries=int(settings.TUTOR_MAX_RETRIES),
        base_url=settings.TUTOR_BASE_URL or None,
    )


def pipeline_config() -> PipelineConfig:
    from tutor.pipeline import PipelineConfig

    return PipelineConfig(
        deadline_s=float(settings.TUTOR_TIMEOUT_SECONDS),
        history_budget=int(settings.TUTOR_HISTORY_TOKEN_BUDGET),
        secrets=tuple(s for s in (settings.GOOGLE_API_KEY,) if s),
    )


def check_text(text: Any) -> str:
    """The student's message, stripped; ``bad_request`` / ``too_long`` otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise TutorError("bad_request", "Type a question for the tutor.")
    limit = int(settings.TUTOR_MAX_MESSAGE_CHARS)
    if len(text) > limit:
        raise TutorError("too_long", f"Messages can be at most {limit} characters long.")
    return text.strip()


def check_rate_limit(*, student: Any) -> None:
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


def _count_message(key: str) -> int:
    """This minute's message count of one student, this message included."""
    if cache.add(key, 1, timeout=90):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        return 1


def claim_turn(*, chat_id: Any, student: Any, text: str) -> Turn:
    """The rate limit, then ``begin_turn``: the whole start of a reply in one database hop."""
    check_rate_limit(student=student)
    return begin_turn(chat_id=chat_id, student=student, text=text)


async def stream_reply(
    *, chat_id: Any, student: Any, text: str | None = None, retry: bool = False
) -> AsyncIterator[ReplyEvent]:
    """Answer one message in a chat: yield ``ReplyStart``, ``ReplyToken``s, then ``ReplyDone``.

    ``retry=True`` asks for another take on the last answer (the earlier reply is kept and
    marked superseded once the new one completes). Raises ``TutorError`` before any event
    for a bad, rate-limited or busy request, and after ``ReplyStart`` when the model fails
    (the partial reply is stored with status ``error``). Cancelling the consuming task or
    closing the generator stores what was streamed with status ``stopped``.
    """
    message = RETRY_TEXT if retry else check_text(text)
    gate = first_token_gate()
    gate.enter()
    waiting = True
    try:
        events = _stream_reply(chat_id=chat_id, student=student, message=message, retry=retry)
        async with aclosing(events):
            async for event in events:
                if isinstance(event, ReplyToken):
                    if waiting:
                        waiting = False
                        gate.leave()
                    else:
                        await gate.give_way()
                yield event
    finally:
        if waiting:
            gate.leave()


async def _stream_reply(
    *, chat_id: Any, student: Any, message: str, retry: bool
) -> AsyncIterator[ReplyEvent]:
    from tutor.pipeline import Done, Start, Token, TutorUnavailable
    from tutor.pipeline import stream_reply as pipeline_stream

    claim = asyncio.ensure_future(
        db_hop(claim_turn)(chat_id=chat_id, student=student, text=message)
    )
    try:
        turn = await asyncio.shield(claim)
    except asyncio.CancelledError:
        # Stopped while claiming: the claim finishes in its thread, so give the slot back.
        with contextlib.suppress(Exception):
            claimed = await claim
            stopped = Outcome(ChatMessage.Status.STOPPED, "", None, None, None, 0.0)
            await db_hop(finish_turn)(turn=claimed, outcome=stopped)
        raise

    began = time.perf_counter()
    first_at: float | None = None
    pieces: list[str] = []
    start: Start | None = None
    done: Done | None = None
    status = ChatMessage.Status.ERROR
    failure: TutorError | None = None
    delay = settings.TUTOR_STREAM_DELAY_SECONDS
    saved: ReplyDone | None = None
    offer: WeakTopic | None = None
    link = ""
    try:
        events = pipeline_stream(
            state=turn.state,
            text=message,
            index=turn.index,
            model=chat_model(),
            config=pipeline_config(),
            weak_topics=turn.weak_topics,
            task=turn.task,
        )
        async with aclosing(events):
            async for event in events:
                if isinstance(event, Token):
                    if first_at is None:
                        first_at = time.perf_counter()
                    pieces.append(event.text)
                    yield ReplyToken(turn.reply_id, event.text)
                    if delay:
                        await asyncio.sleep(delay)  # pacing for demos and human-speed tests
                elif isinstance(event, Start):
                    start = event
                    top = event.passages[0].topic if event.passages else None
                    offer = (
                        practice_offer(intent=event.intent, topic=top, weak=turn.weak_topics)
                        if turn.task is None
                        else None
                    )
                    yield ReplyStart(
                        turn.chat_id, turn.reply_id, turn.user_message_id, event.intent
                    )
                elif isinstance(event, Done):
                    done = event
        if offer is not None and done is not None:
            # The link is ours, not the model's: whatever the model said, the reply ends
            # with a real practice action for the topic (SPEC §5 "Linked to practice").
            link = practice_link_markdown(offer)
            yield ReplyToken(turn.reply_id, link)
        status = ChatMessage.Status.COMPLETE
    except TutorUnavailable as exc:
        failure = TutorError("unavailable", exc.message)
    except (asyncio.CancelledError, GeneratorExit):
        status = ChatMessage.Status.STOPPED
        raise
    except Exception:
        logger.exception("tutor reply failed in chat %s", turn.chat_id)
        failure = TutorError("internal")
    finally:
        elapsed = (time.perf_counter() - began) * 1000
        complete = status == ChatMessage.Status.COMPLETE
        outcome = Outcome(
            status=status,
            # The model's reply as the pipeline settled it (it may withhold what streamed).
            text=done.text + link if done else "".join(pieces),
            start=start,
            done=done,
            ttft_ms=done.ttft_ms if done else ((first_at - began) * 1000 if first_at else None),
            total_ms=done.total_ms if done else elapsed,
            practice=offer if complete else None,
        )
        saved = await _save_outcome(turn, outcome)
        _log_turn(turn, saved, status)
    if failure is not None:
        raise failure
    yield saved


async def _save_outcome(turn: Turn, outcome: Outcome) -> ReplyDone:
    """Save how the reply ended, even if the task is cancelled meanwhile.

    A stop that lands during the save of a *complete* reply is too late: the reply stays
    complete and the task carries on to yield its done frame, so the page, the database and a
    reconnect agree (the consumer answers that stop with "nothing to stop"). Any other
    cancellation is re-raised once the save is done, never before it.
    """
    save = asyncio.ensure_future(db_hop(finish_turn)(turn=turn, outcome=outcome))
    cancelled = False
    while True:
        try:
            saved = await asyncio.shield(save)
            break
        except asyncio.CancelledError:
            if save.cancelled():
                raise
            cancelled = True
    if cancelled:
        task = asyncio.current_task()
        if outcome.status == ChatMessage.Status.COMPLETE and task is not None:
            task.uncancel()
        else:
            raise asyncio.CancelledError
    return saved


def _log_turn(turn: Turn, saved: ReplyDone, status: str) -> None:
    # Never the message text at INFO: students type personal things into chat boxes.
    fields = {
        "chat_id": turn.chat_id,
        "message_id": turn.reply_id,
        "status": status,
        "intent": saved.intent,
        "passages": [s["slug"] for s in saved.sources],
        "prompt_tokens": saved.prompt_tokens,
        "completion_tokens": saved.completion_tokens,
        "ttft_ms": round(saved.ttft_ms, 1),
        "total_ms": round(saved.total_ms, 1),
    }
    logger.info(
        "tutor turn %s", " ".join(f"{k}={v}" for k, v in fields.items()), extra={"tutor": fields}
    )


async def ask(*, chat_id: Any, student: Any, text: str | None, retry: bool = False) -> ReplyDone:
    """The whole reply at once (the HTTP API): ``stream_reply`` drained."""
    result: ReplyDone | None = None
    async with aclosing(
        stream_reply(chat_id=chat_id, student=student, text=text, retry=retry)
    ) as events:
        async for event in events:
            if isinstance(event, ReplyDone):
                result = event
    if result is None:  # pragma: no cover - stream_reply always ends with done or raises
        raise TutorError("internal")
    return result
