"""A student's chats: opening one, its messages as frames, ratings, and the database hop."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from channels.db import database_sync_to_async

from tutor.errors import TutorError
from tutor.models import Chat, ChatMessage

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Messages replayed when a chat is opened.
REPLAY_LIMIT = 200
# Threads for the tutor's database hops. Channels' default runs every socket's hop on one
# shared thread (thread_sensitive=True), so under load every turn queued behind every other's.
# The hops keep no thread-local state, so a small pool serves them; each thread keeps its own
# connection (closed/reused by close_old_connections around every hop, as Channels does).
DB_THREADS = 4


_P = ParamSpec("_P")
_R = TypeVar("_R")
_DB_EXECUTOR = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="tutor-db")


def db_hop(fn: Callable[_P, _R]) -> Callable[_P, Awaitable[_R]]:
    """``fn`` run in the tutor's database thread pool, with connections cleaned up around it."""
    return database_sync_to_async(fn, thread_sensitive=False, executor=_DB_EXECUTOR)


def chat_pk(chat_id: Any) -> int:
    """A chat id from a client as a primary key; ``TutorError("not_found")`` if it is not one."""
    try:
        pk = int(chat_id)
    except (TypeError, ValueError):
        raise TutorError("not_found") from None
    if isinstance(chat_id, bool) or not 0 < pk < 2**63:
        raise TutorError("not_found")
    return pk


def start_chat(*, student: User, topic: str = "", practice_task_id: Any = None) -> Chat:
    """A new, empty chat for ``student``; with ``practice_task_id``, about one of the
    student's practice tasks (``TutorError("not_found")`` for anyone else's or a bad id)."""
    practice_task = None
    if practice_task_id is not None:
        from tasks.models import PracticeTask

        practice_task = (
            PracticeTask.objects.filter(student=student, pk=chat_pk(practice_task_id))
            .select_related("task__topic")
            .first()
        )
        if practice_task is None:
            raise TutorError("not_found", "That practice task does not exist.")
    return Chat.objects.create(student=student, topic=topic, practice_task=practice_task)


def access_chat(*, student: User, chat_id: Any) -> Chat:
    """The student's own chat; ``TutorError("not_found")`` for anyone else's or a bad id."""
    chat = Chat.objects.for_student(student).filter(pk=chat_pk(chat_id)).first()
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


def rate_message(*, student: User, message_id: Any, value: int) -> ChatMessage:
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
