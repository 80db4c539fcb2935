"""The tutor report: refused questions, replies rated not helpful and the most-asked concepts
of a class, grouped and counted, newest first; "add a note" opens a prefilled knowledge-entry
form, and after saving it the tutor answers the same question from the new note; "mark
handled" hides an item until it is asked again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from classes.models import SchoolClass
from classes.report import tutor_report
from tests.classes.conftest import logged_in
from tutor.knowledge_index import forget_knowledge_index
from tutor.models import Chat, ChatMessage
from tutor.prompts import NOT_IN_NOTES
from tutor.streaming import ask

REFUSAL = f"{NOT_IN_NOTES} Rather than guess, I'd suggest your textbook."


def turn(
    student: User, question: str, reply: str, *, minutes_ago: int = 0, **fields
) -> ChatMessage:
    chat = Chat.objects.create(student=student, title=question[:40])
    at = timezone.now() - timedelta(minutes=minutes_ago)
    ChatMessage.objects.create(chat=chat, role="user", text=question)
    message = ChatMessage.objects.create(chat=chat, role="assistant", text=reply, **fields)
    ChatMessage.objects.filter(chat=chat).update(created_at=at)
    return message


@pytest.fixture
def chats(class_a: SchoolClass, charlie: User, dave: User, class_b: SchoolClass) -> None:
    erin = User.objects.create_user("erin")
    class_a.memberships.create(student=erin)
    turn(charlie, "What is a tokamak?", REFUSAL, minutes_ago=50, intent="concept")
    turn(erin, "what is a  TOKAMAK", REFUSAL, minutes_ago=5, intent="concept")
    turn(charlie, "what is the coriolis effect", REFUSAL, minutes_ago=30, intent="concept")
    turn(charlie, "hello", REFUSAL, minutes_ago=1, intent="greeting")  # not a gap in the notes
    momentum = [{"slug": "momentum", "title": "Momentum"}]
    turn(charlie, "what is momentum", "p = mv …", minutes_ago=20, intent="concept",
         passages=momentum, rating=-1)  # fmt: skip
    turn(erin, "explain momentum", "p = mv …", minutes_ago=15, intent="concept", passages=momentum)
    turn(dave, "what is a stellarator", REFUSAL, minutes_ago=2, intent="concept")  # class B


@pytest.mark.django_db
def test_it_groups_and_counts_the_classes_refusals_newest_first(
    class_a: SchoolClass, chats: None
) -> None:
    report = tutor_report(school_class=class_a, students=class_a.students.all())
    refused = [(i.text, i.count, len(i.students)) for i in report.refused]
    assert refused == [("what is a  TOKAMAK", 2, 2), ("what is the coriolis effect", 1, 1)]
    unhelpful = report.unhelpful
    assert [(i.text, i.count, i.note_slug) for i in unhelpful] == [
        ("what is momentum", 1, "momentum")
    ]
    assert [(i.text, i.count) for i in report.concepts] == [("Momentum", 2)]
    # Class B's question is in the superuser's report over every chat, not in class A's.
    everything = tutor_report(school_class=None, students=None)
    assert "what is a stellarator" in [i.text for i in everything.refused]


@pytest.mark.django_db
def test_it_shows_the_report_to_the_classes_teacher_only(
    alice: User, bob: User, class_a: SchoolClass, chats: None
) -> None:
    url = f"/admin/classes/schoolclass/{class_a.pk}/report/"
    html = logged_in(alice).get(url).content.decode()
    assert "what is the coriolis effect" in html and "stellarator" not in html
    assert "asked 2 times by 2 students" in html
    assert logged_in(bob).get(url).status_code == 404


@pytest.mark.django_db
def test_it_hides_a_handled_item_until_it_is_asked_again(
    alice: User, class_a: SchoolClass, charlie: User, chats: None
) -> None:
    client = logged_in(alice)
    response = client.post(
        "/admin/classes/schoolclass/report/handled/",
        {"kind": "refused", "key": "what is the coriolis effect", "school_class": class_a.pk},
    )
    assert response.status_code == 302
    url = f"/admin/classes/schoolclass/{class_a.pk}/report/"
    assert "coriolis" not in client.get(url).content.decode()
    assert "tokamak" in client.get(url).content.decode().lower()
    turn(charlie, "What is the Coriolis effect?", REFUSAL, intent="concept")
    assert "What is the Coriolis effect?" in client.get(url).content.decode()
    # Bad marks are refused, not stored.
    assert (
        client.post(
            "/admin/classes/schoolclass/report/handled/", {"kind": "x", "key": "y"}
        ).status_code
        == 400
    )


@pytest.mark.django_db(transaction=True)
def test_it_leads_from_a_refusal_to_a_note_that_answers_it(
    alice: User, class_a: SchoolClass, charlie: User, chats: None
) -> None:
    cache.clear()
    forget_knowledge_index()
    client = logged_in(alice)
    report = client.get(f"/admin/classes/schoolclass/{class_a.pk}/report/").content.decode()
    start = report.index('class="button add-note" href="') + len('class="button add-note" href="')
    link = report[start : report.index('"', start)].replace("&amp;", "&")
    assert link.startswith("/admin/tutor/knowledgeentry/add/?title=")
    form = client.get(link).content.decode()
    assert 'value="what is a  TOKAMAK"' in form  # the question, prefilled
    response = client.post(
        link,
        {
            "title": "Tokamak",
            "slug": "tokamak",
            "topic": "modern-physics",
            "keywords": '["tokamak", "fusion reactor", "magnetic confinement"]',
            "explanation": "A tokamak is a fusion device that confines a hot plasma in a "
            "doughnut-shaped (toroidal) magnetic field.",
            "example": "ITER is a tokamak.",
            "simpler": "A magnetic doughnut that holds plasma.",
            "alternative": "Think of field lines wound round a ring.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    chat = Chat.objects.create(student=charlie)
    done = async_to_sync(ask)(chat_id=chat.pk, student=charlie, text="what is a tokamak")
    assert NOT_IN_NOTES not in done.text
    assert [s["slug"] for s in done.sources][:1] == ["tokamak"]
    assert "doughnut-shaped" in done.text
