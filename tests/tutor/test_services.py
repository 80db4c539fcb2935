"""The tutor's knowledge base, its embeddings and index, weak topics and a turn's record
(tutor.knowledge_index, tutor.chats, tutor.turns, tutor.streaming, mlmodels.weak_topics)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from mlmodels import weak_topics
from mlmodels.services import Prediction
from tests.tasks.factories import TaskFactory, TopicFactory
from tutor import chats, errors, knowledge_index, seeding, streaming, turns
from tutor.models import Chat, ChatMessage, KnowledgeEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clean(transactional_db: None) -> Iterator[None]:
    cache.clear()
    knowledge_index.forget_knowledge_index()
    yield
    cache.clear()


def test_seeding_is_idempotent_and_embeds_every_entry() -> None:
    first = seeding.seed_demo()
    assert "77 knowledge entries (77 new" in first
    assert KnowledgeEntry.objects.count() == 77
    entry = KnowledgeEntry.objects.get(slug="quantum-coherence")
    assert entry.embedder.startswith("offline-hashed-tfidf-v1@")
    assert entry.embedding_dimensions == len(entry.embedding) == 2048
    before = list(KnowledgeEntry.objects.values_list("slug", "updated_at", "embedded_at"))
    second = seeding.seed_demo()
    assert "0 new, 0 updated, 0 embedded" in second
    assert list(KnowledgeEntry.objects.values_list("slug", "updated_at", "embedded_at")) == before


def test_an_admins_edit_survives_the_next_seed() -> None:
    seeding.seed_demo()
    entry = KnowledgeEntry.objects.get(slug="quantum-coherence")
    entry.simpler = "A teacher's own simpler explanation."
    entry.save()
    seeding.seed_demo()
    entry.refresh_from_db()
    assert entry.simpler == "A teacher's own simpler explanation."


def test_editing_an_entry_in_the_admin_re_embeds_it_and_the_index_reloads(
    charlie_admin: User,
) -> None:
    seeding.seed_demo()
    index = knowledge_index.knowledge_index()
    before = index.search("zorbulon flux capacitance", threshold=0.3)
    assert all(p.slug != "quantum-coherence" for p, _ in before)
    entry = KnowledgeEntry.objects.get(slug="quantum-coherence")
    old_vector, old_time = entry.embedding, entry.embedded_at
    client = Client()
    client.force_login(charlie_admin)
    response = client.post(
        f"/admin/tutor/knowledgeentry/{entry.pk}/change/",
        {
            "title": "Zorbulon flux capacitance",
            "slug": entry.slug,
            "topic": entry.topic,
            "keywords": '["zorbulon", "flux capacitance"]',
            "explanation": "Zorbulon flux capacitance is a made-up quantity for this test.",
            "example": entry.example,
            "simpler": entry.simpler,
            "alternative": entry.alternative,
            "formula": "{}",
            "applications": "[]",
            "misconceptions": "[]",
            "prerequisites": "[]",
            "see_also": "[]",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.embedding != old_vector and entry.embedded_at > old_time
    reloaded = knowledge_index.knowledge_index()
    assert reloaded is not index
    hits = reloaded.search("zorbulon flux capacitance")
    assert hits and hits[0][0].slug == "quantum-coherence"
    assert knowledge_index.knowledge_index() is reloaded  # unchanged: the cached index is reused


def test_weak_topics_come_from_one_batched_prediction(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    waves, optics, dynamics = (TopicFactory(name=n) for n in ("Waves", "Optics", "Dynamics"))
    tasks = [TaskFactory(topic=t) for t in (waves, waves, optics, dynamics, dynamics)]
    p = {waves.pk: 0.3, optics.pk: 0.5, dynamics.pk: 0.9}
    calls: list[int] = []

    def fake_predict_many(*, user: Any, tasks: list[Any], **kw: Any) -> list[Prediction]:
        calls.append(len(tasks))
        return [Prediction(p[t.topic_id], 60.0, "lnirt") for t in tasks]

    monkeypatch.setattr("mlmodels.services.predict_many", fake_predict_many)
    assert weak_topics.weak_topics(student=alice) == ("Waves", "Optics")
    assert weak_topics.weak_topics(student=alice) == ("Waves", "Optics")  # cached
    assert calls == [len(tasks)]


def test_default_predictions_make_no_topic_weak(alice: User) -> None:
    TaskFactory()
    assert weak_topics.weak_topics(student=alice) == ()


@pytest.mark.asyncio
async def test_a_turn_is_logged_without_the_message_text(
    alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    await sync_to_async(seeding.seed_demo)()
    chat = await sync_to_async(chats.start_chat)(student=alice)
    caplog.set_level(logging.INFO, logger="tutor")
    secret = "what is quantum coherence, asks Alice Smith from 221B Baker Street"
    done = await streaming.ask(chat_id=chat.pk, student=alice, text=secret)
    logged = [r for r in caplog.records if r.getMessage().startswith("tutor turn")]
    assert len(logged) == 1
    line = logged[0].getMessage()
    assert f"chat_id={chat.pk}" in line and "intent=concept" in line
    assert "quantum-coherence" in line and "prompt_tokens=" in line and "ttft_ms=" in line
    assert "Baker" not in caplog.text
    assert logged[0].tutor["completion_tokens"] == done.completion_tokens  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_closing_the_stream_mid_reply_stores_it_as_stopped(alice: User) -> None:
    await sync_to_async(seeding.seed_demo)()
    chat = await sync_to_async(chats.start_chat)(student=alice)
    got = []
    stream = streaming.stream_reply(chat_id=chat.pk, student=alice, text="what is momentum")
    async for event in stream:
        if isinstance(event, turns.ReplyToken):
            got.append(event.text)
            if len(got) == 5:
                break
    await stream.aclose()
    reply = await ChatMessage.objects.replies().aget(chat=chat)
    assert reply.status == "stopped" and reply.text == "".join(got)
    assert (await Chat.objects.aget(pk=chat.pk)).reply_lock == ""


@pytest.mark.asyncio
async def test_a_retry_supersedes_and_keeps_the_earlier_reply(alice: User) -> None:
    await sync_to_async(seeding.seed_demo)()
    chat = await sync_to_async(chats.start_chat)(student=alice)
    first = await streaming.ask(chat_id=chat.pk, student=alice, text="what is quantum coherence")
    second = await streaming.ask(chat_id=chat.pk, student=alice, text=None, retry=True)
    assert second.intent == "retry" and second.supersedes == first.message_id
    earlier = await ChatMessage.objects.aget(pk=first.message_id)
    assert earlier.status == "superseded" and earlier.text == first.text
    assert second.text != first.text


@pytest.mark.asyncio
async def test_a_claim_left_by_a_dead_process_is_overtaken_once_stale(alice: User) -> None:
    await sync_to_async(seeding.seed_demo)()
    chat = await sync_to_async(chats.start_chat)(student=alice)
    turn = await sync_to_async(turns.begin_turn)(chat_id=chat.pk, student=alice, text="hi")
    with pytest.raises(errors.TutorError) as caught:
        await streaming.ask(chat_id=chat.pk, student=alice, text="hello")
    assert caught.value.code == "busy"
    # The process holding it died an hour ago.
    await Chat.objects.filter(pk=chat.pk).aupdate(
        reply_locked_at=timezone.now() - timedelta(hours=1)
    )
    done = await streaming.ask(chat_id=chat.pk, student=alice, text="hello")
    assert done.intent == "greeting"
    orphan = await ChatMessage.objects.aget(pk=turn.reply_id)
    assert orphan.status == "error"
    await asyncio.sleep(0)
