"""The tutor's practice link ("linked to practice"): weak topics as (slug, name) from the
student models, and a concept/problem reply that ends with a link to ``tasks:practice_topic``."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User

from mlmodels import weak_topics
from mlmodels.services import Prediction
from tests.tasks.factories import TaskFactory, TopicFactory
from tutor import chats, seeding, streaming
from tutor.models import ChatMessage
from tutor.pipeline import weak_topic_names
from tutor.retrieval import passage_from_concept

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_tutor_state")]

ENERGY_LINK = "/practice/topic/energy-momentum/"
WAVES_LINK = "/practice/topic/waves/"


@pytest.fixture
def weak_in_waves_and_energy(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Waves is alice's weakest topic, Energy & Momentum her second weakest."""
    energy = TopicFactory(slug="energy-momentum", name="Energy & Momentum")
    waves = TopicFactory(slug="waves", name="Waves")
    optics = TopicFactory(slug="optics", name="Optics")
    for topic in (energy, waves, optics):
        TaskFactory.create_batch(2, topic=topic)
    p = {"energy-momentum": 0.4, "waves": 0.3, "optics": 0.9}
    calls: list[int] = []

    def fake_predict_many(*, user: Any, tasks: list[Any], **kw: Any) -> list[Prediction]:
        calls.append(len(tasks))
        return [Prediction(p[t.topic.slug], 60.0, "lnirt") for t in tasks]

    monkeypatch.setattr("mlmodels.services.predict_many", fake_predict_many)
    return calls


async def new_chat(student: User) -> int:
    await sync_to_async(seeding.seed_demo)()
    chat = await sync_to_async(chats.start_chat)(student=student)
    return chat.pk


def test_weak_topics_are_slugs_with_names_remembered_in_process(
    alice: User, weak_in_waves_and_energy: list[int]
) -> None:
    weak = weak_topics.weakest_topics(student=alice)
    assert [(t.slug, t.name) for t in weak] == [
        ("waves", "Waves"),
        ("energy-momentum", "Energy & Momentum"),
    ]
    assert weak[1].practice_url == ENERGY_LINK
    assert weak_topics.weakest_topics(student=alice) == weak
    assert weak_topics.weak_topics(student=alice) == ("Waves", "Energy & Momentum")
    assert weak_in_waves_and_energy == [6]  # one batched prediction, then memory
    weak_topics.forget_weak_topics(student=alice)
    weak_topics.weakest_topics(student=alice)
    assert weak_in_waves_and_energy == [6, 6]


@pytest.mark.asyncio
async def test_a_reply_about_a_weak_topic_links_to_practising_that_topic(
    alice: User, weak_in_waves_and_energy: list[int]
) -> None:
    chat_id = await new_chat(alice)
    done = await streaming.ask(chat_id=chat_id, student=alice, text="what is momentum")
    assert done.intent == "concept" and done.sources[0]["slug"].startswith("momentum")
    # One suggestion, the link, matched through the topic's slug (not its display name).
    assert done.text.count("/practice/topic/") == 1 and "Practice suggestion" not in done.text
    assert done.text.rstrip().endswith(f"({ENERGY_LINK})")
    assert f'<a href="{ENERGY_LINK}"' in done.html
    assert done.frame()["practice"] == {
        "topic": "energy-momentum",
        "name": "Energy & Momentum",
        "url": ENERGY_LINK,
    }
    # Stored as streamed, so the link is there when the chat is opened again.
    stored = await ChatMessage.objects.aget(pk=done.message_id)
    assert stored.text == done.text
    assert ENERGY_LINK in chats.message_payload(stored)["html"]


@pytest.mark.asyncio
async def test_a_reply_on_a_topic_the_student_is_not_weak_in_gets_no_link(
    alice: User, weak_in_waves_and_energy: list[int]
) -> None:
    chat_id = await new_chat(alice)
    done = await streaming.ask(chat_id=chat_id, student=alice, text="what is quantum coherence")
    # Waves is alice's weakest topic, but the reply is about quantum physics.
    assert done.practice is None and "/practice/topic/" not in done.text


@pytest.mark.asyncio
async def test_follow_ups_greetings_and_newcomers_get_no_link(
    alice: User, bob: User, weak_in_waves_and_energy: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    chat_id = await new_chat(alice)
    await streaming.ask(chat_id=chat_id, student=alice, text="what is momentum")
    for text in ("give me an example", "hello"):
        done = await streaming.ask(chat_id=chat_id, student=alice, text=text)
        assert done.practice is None and "/practice/topic/" not in done.text
        assert done.frame()["practice"] is None
    # bob has no evidence of his own: the models fall back to the default prior.
    monkeypatch.setattr(
        "mlmodels.services.predict_many",
        lambda *, user, tasks, **kw: [Prediction(0.7, 60.0, "default") for _ in tasks],
    )
    chat_id = await new_chat(bob)
    done = await streaming.ask(chat_id=chat_id, student=bob, text="what is momentum")
    assert done.practice is None and "Practice suggestion" not in done.text


def test_the_prompt_lists_the_weak_topic_of_the_reply_first() -> None:
    class Weak:
        def __init__(self, slug: str, name: str) -> None:
            self.slug, self.name = slug, name

    momentum = passage_from_concept(_concept("energy-momentum"))
    weak = [Weak("waves", "Waves"), Weak("energy-momentum", "Energy & Momentum")]
    assert weak_topic_names(weak, [momentum]) == ("Energy & Momentum", "Waves")
    assert weak_topic_names(weak, []) == ("Waves", "Energy & Momentum")
    assert weak_topic_names(["Waves", "Optics"], [momentum]) == ("Waves", "Optics")


def _concept(topic: str) -> Any:
    from tutor.content import shipped_concepts

    return next(c for c in shipped_concepts() if c.topic == topic and "momentum" in c.slug)
