"""A tutor chat opened from a practice task: hints while it is pending, never the answer; the
solution and the student's mistake once it is completed."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from tasks.models import PracticeTask
from tests.tasks.factories import PracticeTaskFactory, TaskFactory
from tests.tutor.test_consumer import connect, open_chat, until_final
from tutor import chats, seeding, streaming
from tutor.task_help import WORK_IT_OUT, AnswerGuard, TaskContext, solution_steps

STEPPED_SOLUTION = (
    "Free fall from rest covers $h = \\tfrac12 g t^2$.\n\n"
    "Rearrange for the time: $$t = \\sqrt{2h/g}$$\n\n"
    "Substitute: $$t = \\sqrt{2 \\cdot 20 / 9.81} = 2.02\\,\\mathrm{s}$$\n\n"
    "**Answer:** $t = 2.02\\,\\mathrm{s}$."
)


def context(**overrides: Any) -> TaskContext:
    values: dict[str, Any] = {
        "practice_task_id": 1,
        "title": "Falling ball",
        "topic": "kinematics",
        "topic_name": "Kinematics",
        "statement": r"A ball falls from $h = 20\,\mathrm{m}$. How long does it take?",
        "concept": "free fall",
        "answer_kind": "numeric",
        "numeric_answer": 2.02,
        "unit": "s",
        "tolerance": 0.02,
        "options": (),
        "correct_option": "",
        "solution": STEPPED_SOLUTION,
        "pending": True,
    }
    values.update(overrides)
    return TaskContext(**values)


def test_the_guard_replaces_a_sentence_with_the_answer_and_keeps_the_givens() -> None:
    text = "From 20 m up it falls freely. It takes 2.0 s to land. Check the units."
    guard = AnswerGuard(context())
    out = guard.release(text) + guard.finish()
    assert "2.0 s" not in out and WORK_IT_OUT in out
    assert "From 20 m up it falls freely." in out and "Check the units." in out
    assert guard.replaced == 1


@pytest.mark.parametrize(
    "leak",
    ["t = 2.02 s.", "about 2.03 seconds.", r"$t = 2.02\,\mathrm{s}$.", "2.02e0 s."],
)
def test_the_guard_catches_the_value_in_any_notation(leak: str) -> None:
    guard = AnswerGuard(context())
    assert WORK_IT_OUT in guard.release(f"So {leak} ") + guard.finish()


def test_the_guard_catches_the_correct_option_by_id_or_text() -> None:
    choice = context(
        answer_kind="choice",
        numeric_answer=None,
        options=(("a", "1 s"), ("b", "about two seconds"), ("c", "3 s")),
        correct_option="b",
    )
    for leak in ("It is option b.", "Pick (b) here.", "It takes about two seconds."):
        guard = AnswerGuard(choice)
        assert guard.release(leak + " ") + guard.finish() == WORK_IT_OUT + " ", leak
    guard = AnswerGuard(choice)
    fine = "Option a is too fast for a 20 m drop. "
    assert guard.release(fine) + guard.finish() == fine


def test_the_solution_is_split_into_steps_without_the_answer_line() -> None:
    steps = solution_steps(STEPPED_SOLUTION)
    assert len(steps) == 3 and not any("Answer" in s for s in steps)


def test_a_pending_task_prompt_carries_no_value_and_only_the_next_step() -> None:
    prompt = context(hints_used=1).to_prompt()
    assert prompt["next_step"].startswith("Rearrange")
    assert "2.02" not in repr(prompt)
    # The last step holds the value: it is never handed out as a hint.
    assert "next_step" not in context(hints_used=2).to_prompt()


@pytest.fixture
def kb(fresh_tutor_state: None) -> None:
    seeding.seed_demo()


@pytest.fixture
def alices_task(alice: User) -> PracticeTask:
    return PracticeTaskFactory(student=alice, task=TaskFactory(solution=STEPPED_SOLUTION))


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_another_students_task_is_not_found(alice: User, bob: User, kb: None) -> None:
    bobs = await sync_to_async(PracticeTaskFactory)(student=bob)
    communicator = await connect(alice, f"/ws/tutor/?practice_task={bobs.pk}")
    frame = await communicator.receive_json_from(timeout=5)
    assert frame["type"] == "error" and frame["code"] == "not_found"
    closed = await communicator.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_hints_on_a_pending_task_go_step_by_step_never_give_the_answer_and_are_counted(
    alice: User, kb: None, alices_task: PracticeTask
) -> None:
    communicator, first = await open_chat(alice, f"/ws/tutor/?practice_task={alices_task.pk}")
    assert first["practice_task"] == alices_task.pk
    texts = []
    for _ in range(3):
        await communicator.send_json_to({"type": "ask", "text": "can i get a hint"})
        frames = await until_final(communicator)
        done = frames[-1]
        assert done["type"] == "done" and done["facet"] == "hint", done
        text = "".join(f["text"] for f in frames if f["type"] == "token")
        assert "2.02" not in text and "2.0 s" not in text
        texts.append(text)
    assert "Free fall from rest" in texts[0] and "Rearrange" in texts[1]
    assert "every step now" in texts[2]
    await alices_task.arefresh_from_db()
    assert alices_task.hints_used == 3
    await communicator.disconnect()


class Blurter(GenericFakeChatModel):
    """A model that ignores its instructions and states the answer."""


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_model_that_blurts_the_answer_is_guarded(
    alice: User, kb: None, alices_task: PracticeTask, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply = "Think about free fall. The time is 2.02 s exactly. Now check your units."
    monkeypatch.setattr(
        streaming, "chat_model", lambda: Blurter(messages=iter([AIMessage(content=reply)]))
    )
    chat = await sync_to_async(chats.start_chat)(student=alice, practice_task_id=alices_task.pk)
    done = await streaming.ask(chat_id=chat.pk, student=alice, text="what's the answer?")
    assert "2.02" not in done.text and WORK_IT_OUT in done.text
    assert "Think about free fall." in done.text and "Now check your units." in done.text


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_after_completion_it_explains_the_solution_and_the_mistake(
    alice: User, kb: None
) -> None:
    item = await sync_to_async(PracticeTaskFactory)(
        student=alice,
        task=await sync_to_async(TaskFactory)(solution=STEPPED_SOLUTION),
        completed=True,
        is_correct=False,
        answer="1.01",
    )
    chat = await sync_to_async(chats.start_chat)(student=alice, practice_task_id=item.pk)
    done = await streaming.ask(chat_id=chat.pk, student=alice, text="why was i wrong?")
    assert done.facet == "solution"
    assert "2.02" in done.text and "1.01 s" in done.text
    assert "half the correct one" in done.text
    await item.arefresh_from_db()
    assert item.hints_used == 0
