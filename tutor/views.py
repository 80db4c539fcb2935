"""The tutor's chat page: the student's chats, one conversation, and the composer."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from studysmart.http import AuthenticatedHttpRequest
from tutor.chats import access_chat, chat_messages, message_payload
from tutor.errors import TutorError
from tutor.models import Chat

CHAT_LIST_LIMIT = 50
TOPIC_MAX_CHARS = 200
# Every visit to the page opens a chat (its id comes in the socket's first frame); one never
# used is removed after this long: long enough for a tab left open to still be asked in.
EMPTY_CHAT_GRACE = timedelta(hours=6)


@login_required
@require_GET
def chat_page(request: AuthenticatedHttpRequest, chat_id: int | None = None) -> HttpResponse:
    """``/tutor/`` opens a new chat (``?topic=…`` asks about that concept straight away);
    ``/tutor/<id>/`` resumes one of the student's chats, replies rendered server-side."""
    mine = Chat.objects.for_student(request.user)
    mine.empty().filter(created_at__lt=timezone.now() - EMPTY_CHAT_GRACE).delete()
    chats = list(mine.with_messages()[:CHAT_LIST_LIMIT])
    chat: Chat | None = None
    messages: list[dict[str, object]] = []
    if chat_id is not None:
        try:
            chat = access_chat(student=request.user, chat_id=chat_id)
        except TutorError:
            raise Http404("No such chat") from None
        messages = [message_payload(m) for m in chat_messages(chat=chat)]
    topic = " ".join(request.GET.get("topic", "").split())[:TOPIC_MAX_CHARS]
    practice_task, initial = _practice_task_for_chat(request) if chat is None else (None, "")
    return render(
        request,
        "tutor/chat.html",
        {
            "chats": chats,
            "chat": chat,
            "messages_payload": messages,
            "initial_question": initial or (f"Explain {topic}." if topic and chat is None else ""),
            "practice_task": practice_task,
            "max_chars": settings.TUTOR_MAX_MESSAGE_CHARS,
        },
    )


def _practice_task_for_chat(request: AuthenticatedHttpRequest) -> tuple[int | None, str]:
    """``?practice_task=<id>`` of one of the student's tasks: its id and the first question
    (a hint while it is pending, the solution once done); (None, "") otherwise."""
    from tasks.models import PracticeTask

    raw = request.GET.get("practice_task", "")
    if not raw.isdigit():
        return None, ""
    item = PracticeTask.objects.filter(student=request.user, pk=int(raw)).first()
    if item is None:
        raise Http404("No such practice task")
    if item.is_completed:
        return item.pk, "Explain the solution and what I got wrong."
    return item.pk, "Can I have a hint for this task?"
