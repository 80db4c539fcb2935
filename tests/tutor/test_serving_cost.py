"""What keeps many chat sockets cheap on one daphne process (bench_tutor measures the same): the
start of a
reply in one database hop of a few statements off Channels' shared sync thread, weak topics and
the knowledge index remembered in process, coalesced token frames, and new replies' first tokens
ahead of the rest of replies already streaming. Figures are in benchmarks/bench_tutor.py."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.tutor.test_consumer import ask, open_chat, reply_of
from tutor import chats, consumers, errors, knowledge_index, seeding, streaming, turns
from tutor.models import KnowledgeEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_tutor_state")]


def statements(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0] not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    ]


def test_it_starts_a_turn_with_a_two_statement_write_and_one_read(alice: User) -> None:
    seeding.seed_demo()
    chat = chats.start_chat(student=alice)
    first = turns.begin_turn(chat_id=chat.pk, student=alice, text="what is momentum")
    turns.finish_turn(
        turn=first,
        outcome=turns.Outcome("complete", "Momentum is p = mv.", None, None, 1.0, 2.0),
    )
    with CaptureQueriesContext(connection) as queries:
        turn = turns.begin_turn(chat_id=chat.pk, student=alice, text="give me an example")
    # In the write transaction only the claim (which checks ownership) and one insert of the
    # pair; the chat with its recent messages is read after the commit.
    sql = statements(queries)
    assert len(sql) == 3, sql
    assert sql[0].startswith("UPDATE") and "INSERT" in sql[1] and sql[2].startswith("SELECT")
    kinds = [q["sql"].split()[0] for q in queries.captured_queries]
    begin, commit = kinds.index("BEGIN"), kinds.index("COMMIT")
    assert kinds[begin + 1 : commit] == ["UPDATE", "INSERT"], kinds
    assert kinds[commit + 1 :] == ["SELECT"], kinds
    assert [t.role for t in turn.state.turns] == ["user", "assistant"]
    assert turn.previous_reply_id == first.reply_id and not turn.needs_title


def test_another_students_chat_is_not_found_and_a_held_one_busy(alice: User, bob: User) -> None:
    chat = chats.start_chat(student=alice)
    with pytest.raises(errors.TutorError) as caught:
        turns.begin_turn(chat_id=chat.pk, student=bob, text="hi")
    assert caught.value.code == "not_found"
    turns.begin_turn(chat_id=chat.pk, student=alice, text="hi")
    with pytest.raises(errors.TutorError) as caught:
        turns.begin_turn(chat_id=chat.pk, student=alice, text="hello")
    assert caught.value.code == "busy"


def test_the_knowledge_index_checks_for_edits_at_most_every_few_seconds() -> None:
    seeding.seed_demo()
    index = knowledge_index.knowledge_index()
    with CaptureQueriesContext(connection) as queries:
        assert knowledge_index.knowledge_index() is index
    assert statements(queries) == []
    # Another process edits an entry: seen once the check interval has passed.
    KnowledgeEntry.objects.filter(slug="quantum-coherence").update(
        title="Coherence (edited)", updated_at=timezone.now()
    )
    assert knowledge_index.knowledge_index() is index
    knowledge_index._INDEX.checked_at -= knowledge_index.INDEX_CHECK_SECONDS
    reloaded = knowledge_index.knowledge_index()
    assert reloaded is not index and reloaded.get("quantum-coherence").title == "Coherence (edited)"
    # An edit through this process (the admin re-embeds after it) is seen at once.
    entry = KnowledgeEntry.objects.get(slug="quantum-coherence")
    entry.title = "Quantum coherence"
    entry.save()
    knowledge_index.refresh_embeddings()
    assert knowledge_index.knowledge_index().get("quantum-coherence").title == "Quantum coherence"


def test_an_edit_in_the_admin_rebuilds_the_index_after_its_commit_not_in_a_turn(
    django_capture_on_commit_callbacks: Any,
) -> None:
    seeding.seed_demo()
    index = knowledge_index.knowledge_index()
    with django_capture_on_commit_callbacks(execute=True):
        KnowledgeEntry.objects.filter(slug="quantum-coherence").update(
            title="Coherence (edited)", updated_at=timezone.now()
        )
        knowledge_index.refresh_embeddings_on_commit()
    # The next turn finds the index rebuilt: no query, no fit.
    with CaptureQueriesContext(connection) as queries:
        rebuilt = knowledge_index.knowledge_index()
    assert statements(queries) == []
    assert rebuilt is not index and rebuilt.get("quantum-coherence").title == "Coherence (edited)"


def test_loading_the_index_builds_its_lexical_half_and_the_vocabulary_there() -> None:
    # The loading runs in a database thread; the first search or classification must then
    # find everything built, not build it on the event loop.
    from tutor import intents

    seeding.seed_demo()
    index = knowledge_index.knowledge_index()
    assert index._lexical is not None
    assert intents._physics_vocab.cache_info().currsize == 1
    assert intents._vocab_buckets.cache_info().currsize == 1


def test_the_asgi_application_loads_the_tutors_imports_before_it_serves() -> None:
    # In a fresh process, as daphne starts: after importing the application, the pipeline and
    # the provider's error types are loaded (~2 s that a first chat would otherwise spend
    # holding the interpreter lock against every socket and page).
    import os
    import subprocess
    import sys

    probe = (
        "import sys, django; django.setup(); "
        "assert 'tutor.pipeline' not in sys.modules; "
        "import studysmart.asgi; from tutor import pipeline; "
        "assert pipeline._PROVIDER_ERRORS is not None; print('loaded')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "studysmart.settings"}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("loaded")


@pytest.mark.asyncio
async def test_database_hops_run_in_the_tutor_pool_not_the_shared_sync_thread() -> None:
    names = await asyncio.gather(
        *(chats.db_hop(lambda: threading.current_thread().name)() for _ in range(3))
    )
    assert all(name.startswith("tutor-db") for name in names)


@pytest.mark.asyncio
async def test_a_frame_is_handled_without_a_hop_to_channels_shared_sync_thread(
    alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Channels' own dispatch hops to its one shared thread (``aclose_old_connections``) before
    every event; the tutor socket's frames do not queue there."""
    from channels import consumer as channels_consumer
    from channels.generic.websocket import AsyncWebsocketConsumer

    hops = 0
    real = channels_consumer.aclose_old_connections

    async def counted() -> None:
        nonlocal hops
        hops += 1
        await real()

    monkeypatch.setattr(channels_consumer, "aclose_old_connections", counted)
    await sync_to_async(seeding.seed_demo)()
    communicator, _ = await open_chat(alice)
    reply_of(await ask(communicator, "what is momentum"))
    await communicator.disconnect()
    assert hops == 0
    # The same events through Channels' dispatch would each have hopped.
    plain = AsyncWebsocketConsumer()
    plain.websocket_receive = lambda message: asyncio.sleep(0)  # type: ignore[method-assign]
    await plain.dispatch({"type": "websocket.receive", "text": "{}"})
    assert hops == 1


# -- token frames ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_tokens_are_coalesced_into_few_frames_that_add_up_to_the_reply() -> None:
    sent: list[dict[str, Any]] = []

    async def send(frame: dict[str, Any]) -> None:
        sent.append(frame)

    batcher = consumers.TokenBatcher(send)
    words = [f"word{i} " for i in range(200)]
    for word in words:
        await batcher.add(7, word)
    await batcher.flush()
    assert sent[0] == {"type": "token", "text": "word0 ", "message_id": 7}  # at once
    assert len(sent) <= 2 + len("".join(words)) // consumers.FLUSH_CHARS
    assert all(f["type"] == "token" and f["message_id"] == 7 for f in sent)
    assert "".join(f["text"] for f in sent) == "".join(words)


@pytest.mark.asyncio
async def test_text_from_a_slow_model_is_flushed_by_the_timer_in_order() -> None:
    sent: list[str] = []

    async def send(frame: dict[str, Any]) -> None:
        sent.append(frame["text"])

    batcher = consumers.TokenBatcher(send)
    await batcher.add(1, "first ")
    await batcher.add(1, "second ")  # within FLUSH_SECONDS: held
    assert sent == ["first "]
    await asyncio.sleep(consumers.FLUSH_SECONDS * 3)
    assert sent == ["first ", "second "]  # the model went quiet: the timer sent it
    await batcher.add(1, "third ")
    await batcher.flush()
    assert "".join(sent) == "first second third "


@pytest.mark.asyncio
async def test_a_socket_gets_a_reply_in_few_frames(alice: User) -> None:
    await sync_to_async(seeding.seed_demo)()
    communicator, _ = await open_chat(alice)
    frames = await ask(communicator, "what is quantum coherence")
    text, done = reply_of(frames)
    tokens = [f for f in frames if f["type"] == "token"]
    assert len(text.split()) > 100
    assert len(tokens) <= 2 + len(text) // consumers.FLUSH_CHARS
    assert "Quantum coherence" in text and done["intent"] == "concept"
    await communicator.disconnect()


# -- first tokens first ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_streaming_reply_gives_way_while_another_waits_for_its_first_token() -> None:
    gate = streaming.first_token_gate()
    assert gate is streaming.first_token_gate()
    started = time.perf_counter()
    await gate.give_way()
    assert time.perf_counter() - started < 0.05  # nobody waiting: no pause

    gate.enter()  # a new reply is in its database hop
    paused = asyncio.create_task(gate.give_way())
    await asyncio.sleep(0.02)
    assert not paused.done()
    gate.leave()  # its first token went out
    await asyncio.wait_for(paused, 1)

    gate.enter()  # a reply that never gets its first token cannot stall the others
    started = time.perf_counter()
    await gate.give_way()
    waited = time.perf_counter() - started
    assert streaming.MAX_YIELD_TO_NEW_REPLIES_SECONDS * 0.8 <= waited < 2
    gate.leave()
    assert gate.waiting == 0


@pytest.mark.asyncio
async def test_a_failed_start_releases_the_gate(alice: User, bob: User) -> None:
    chat = await sync_to_async(chats.start_chat)(student=alice)
    with pytest.raises(errors.TutorError):
        await streaming.ask(chat_id=chat.pk, student=bob, text="what is momentum")
    assert streaming.first_token_gate().waiting == 0
