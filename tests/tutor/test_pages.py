"""The chat page: the student's own chats, server-rendered replies, no inline code."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.tutor.factories import ChatFactory, ChatMessageFactory, ReplyFactory


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get("/tutor/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_lists_only_the_students_own_used_chats(client: Client, alice: User, bob: User) -> None:
    mine = ChatFactory(student=alice, title="Quantum coherence")
    ChatMessageFactory(chat=mine)
    ChatFactory(student=alice, title="Never used")  # opened, never asked: not listed
    theirs = ChatFactory(student=bob, title="Bob's secret chat")
    ChatMessageFactory(chat=theirs)
    client.force_login(alice)
    page = client.get("/tutor/").content.decode()
    assert "Quantum coherence" in page
    assert "Never used" not in page and "Bob&#x27;s secret chat" not in page
    assert f'href="/tutor/{mine.pk}/"' in page
    assert 'href="/tutor/"' in page  # the nav link


@pytest.mark.django_db
def test_it_renders_stored_replies_with_math_and_sources(client: Client, alice: User) -> None:
    chat = ChatFactory(student=alice)
    ChatMessageFactory(chat=chat, text="what is <b>energy</b>?")
    ReplyFactory(
        chat=chat,
        text="Energy: $$E = mc^2$$ and **more**.",
        passages=[{"slug": "mass-energy", "title": "Mass–energy equivalence"}],
    )
    ReplyFactory(chat=chat, text="Half an answer", status="stopped")
    client.force_login(alice)
    page = client.get(f"/tutor/{chat.pk}/").content.decode()
    assert "<math" in page and "<strong>more</strong>" in page
    assert "what is &lt;b&gt;energy&lt;/b&gt;?" in page  # the student's text is escaped
    assert "Mass–energy equivalence" in page
    assert "Stopped." in page
    assert f'data-chat-id="{chat.pk}"' in page


@pytest.mark.django_db
def test_another_students_chat_is_a_404(client: Client, alice: User, bob: User) -> None:
    chat = ChatFactory(student=alice)
    client.force_login(bob)
    assert client.get(f"/tutor/{chat.pk}/").status_code == 404
    assert client.get("/tutor/999999/").status_code == 404


@pytest.mark.django_db
def test_a_topic_link_opens_a_new_chat_that_asks_about_it(client: Client, alice: User) -> None:
    client.force_login(alice)
    page = client.get("/tutor/", {"topic": "Carnot efficiency"}).content.decode()
    assert 'data-initial-question="Explain Carnot efficiency."' in page
    assert 'data-chat-id=""' in page
    hostile = client.get("/tutor/", {"topic": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)" not in hostile


@pytest.mark.django_db
def test_the_page_has_no_inline_code_and_a_bounded_number_of_queries(
    client: Client, alice: User
) -> None:
    for _ in range(5):
        chat = ChatFactory(student=alice)
        for _ in range(4):
            ChatMessageFactory(chat=chat)
            ReplyFactory(chat=chat)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/tutor/{chat.pk}/").content.decode()
    assert len(queries) <= 8, [q["sql"] for q in queries]
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page and "<style" not in page
    assert "/static/tutor/chat.js" in page and "/static/tutor/chat.css" in page
