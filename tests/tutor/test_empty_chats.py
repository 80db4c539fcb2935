"""A chat opened and never used is not listed, and is removed once stale."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from tests.tutor.factories import ChatFactory, ChatMessageFactory
from tutor.models import Chat
from tutor.views import EMPTY_CHAT_GRACE

pytestmark = pytest.mark.django_db


def test_it_cleans_up_stale_empty_chats_and_keeps_the_rest(
    client: Client, alice: User, bob: User
) -> None:
    long_ago = timezone.now() - EMPTY_CHAT_GRACE - timedelta(minutes=1)
    stale = ChatFactory(student=alice)
    fresh = ChatFactory(student=alice)  # a tab open right now: its socket may still ask
    used = ChatFactory(student=alice, title="Coherence")
    ChatMessageFactory(chat=used)
    bobs_stale = ChatFactory(student=bob)
    Chat.objects.filter(pk__in=[stale.pk, used.pk, bobs_stale.pk]).update(created_at=long_ago)
    client.force_login(alice)
    page = client.get("/tutor/").content.decode()
    assert set(Chat.objects.filter(student=alice).values_list("pk", flat=True)) == {
        fresh.pk,
        used.pk,
    }
    assert Chat.objects.filter(pk=bobs_stale.pk).exists()  # only the visitor's own
    assert f"/tutor/{used.pk}/" in page and f"/tutor/{fresh.pk}/" not in page
