"""A concept added in the admin is found, read as physics and cited by the next reply."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.test import Client

from tutor import chats, seeding, streaming

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_tutor_state")]


@pytest.mark.asyncio
async def test_a_concept_added_in_the_admin_is_retrieved_and_cited(
    alice: User, charlie_admin: User
) -> None:
    await sync_to_async(seeding.seed_demo)()
    chat = await sync_to_async(chats.start_chat)(student=alice)
    before = await streaming.ask(chat_id=chat.pk, student=alice, text="what is a quorblix")
    assert before.sources == ()

    def add() -> int:
        client = Client()
        client.force_login(charlie_admin)
        return client.post(
            "/admin/tutor/knowledgeentry/add/",
            {
                "title": "Quorblix resonance",
                "slug": "quorblix-resonance",
                "topic": "waves",
                "keywords": '["quorblix"]',
                "explanation": "A quorblix is a made-up standing wave in a crystal lattice.",
                "example": "",
                "simpler": "",
                "alternative": "",
                "facets": "{}",
            },
        ).status_code

    assert await sync_to_async(add)() == 302
    chat = await sync_to_async(chats.start_chat)(student=alice)
    after = await streaming.ask(chat_id=chat.pk, student=alice, text="what is a quorblix")
    assert after.intent == "concept"
    assert after.sources[0]["slug"] == "quorblix-resonance"
    assert "Source: Quorblix resonance" in after.text
