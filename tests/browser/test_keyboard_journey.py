"""A student's session with the keyboard only, on a phone-sized screen: log in, get tasks,
answer a numeric and a choice task, open the tutor, ask, stop, ask again and rate. At every
stop the focused element must be visible: outlined, on screen, and not covered by anything.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, require_chromium
from tests.tutor.test_chat_flow import TutorServer, run_tutor_server

# Two tasks of a topic for alice to be given (a numeric and a choice one).
TASKS = r"""
from tasks.models import Task, Topic
topic = Topic.objects.create(slug="kinematics", name="Kinematics")
Task.objects.create(topic=topic, slug="fall-time", title="Falling time", difficulty="easy",
    statement=r"A ball falls $h = 20\,\mathrm{m}$. How long does it take?", answer_kind="numeric",
    numeric_answer=2.02, unit="s", tolerance=0.02, solution=r"$t = \sqrt{2h/g}$",
    concept="free fall")
Task.objects.create(topic=topic, slug="top-acceleration", title="At the top", difficulty="easy",
    statement="What is the acceleration at the top of a throw?", answer_kind="choice",
    options=[{"id": "a", "text": "zero"}, {"id": "b", "text": "$g$, downwards"}],
    correct_option="b", solution="Gravity never stops.", concept="free fall")
"""

FOCUS = """() => {
  const el = document.activeElement;
  // Past the last control the focus leaves the page for the browser's own UI: not a stop.
  if (!el || el === document.body) return {ok: true, left: true};
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const r = el.getBoundingClientRect();
  const inView = r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight
    && r.right > 0 && r.left < innerWidth;
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const uncovered = !!hit && (hit === el || el.contains(hit) || hit.contains(el)
    || (el.labels && [...el.labels].some((l) => l.contains(hit))));
  return {ok: outlined && inView && uncovered, outlined, inView, uncovered,
          what: el.outerHTML.slice(0, 80)};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TutorServer]:
    require_chromium()
    # Paced replies, so that a keyboard "Stop" lands mid-reply.
    for running in run_tutor_server(
        Path(tmp_path_factory.mktemp("keyboard")), delay=0.03, static=True
    ):
        running.manage("shell", "-c", TASKS)
        yield running


def press(page: Any, key: str) -> None:
    page.keyboard.press(key)
    state = page.evaluate(FOCUS)
    assert state["ok"], f"after {key}, the focus is not visible: {state}"


def tab_to(page: Any, selector: str, *, limit: int = 80) -> None:
    """Tab forward until `selector` has the focus, checking every stop on the way."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        press(page, "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_student_does_a_whole_session_with_the_keyboard(
    chromium: Any, server: TutorServer
) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url + "/accounts/login/")

    # Log in.
    tab_to(page, "#id_username")
    page.keyboard.type("alice")
    press(page, "Tab")
    page.keyboard.type("alice-password-1")
    page.keyboard.press("Enter")
    page.wait_for_url(server.url + "/")

    # Get new tasks (both of them).
    tab_to(page, "#id_count")
    page.keyboard.press("Home")  # 1 …
    page.keyboard.press("ArrowDown")  # … 3
    tab_to(page, "#pending button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#pending .tasks-table tbody tr >> nth=1")

    # A numeric task, with a unit.
    tab_to(page, "a.task-link:text('Falling time')")
    page.keyboard.press("Enter")
    page.wait_for_selector("#id_answer")
    tab_to(page, "#id_answer")
    page.keyboard.type("2020 ms")
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/")
    assert "Correct!" in page.inner_text("#verdict")

    # The next one, a choice: arrows pick an option, Enter submits.
    tab_to(page, "#next-task")
    page.keyboard.press("Enter")
    page.wait_for_selector("input[type=radio]")
    tab_to(page, "input[type=radio]")
    press(page, "ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/")
    assert "Correct!" in page.inner_text("#verdict")

    # The tutor, through the folded menu.
    tab_to(page, "summary.menu-button")
    page.keyboard.press("Enter")
    tab_to(page, "nav.nav a:text('Tutor')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tutor/")
    page.locator("#tutor:not([data-chat-id=''])").wait_for(state="attached")

    # Ask, then stop the reply with the keyboard.
    tab_to(page, "#question")
    page.keyboard.type("what is quantum coherence")
    page.keyboard.press("Enter")
    streaming = page.locator(".msg.assistant.status-streaming")
    streaming.wait_for(state="attached")
    deadline = time.monotonic() + 20
    while int(streaming.get_attribute("data-tokens") or 0) < 3:
        assert time.monotonic() < deadline
        page.wait_for_timeout(10)
    assert page.inner_text("#tutor-live") == "The tutor is answering…"
    press(page, "Tab")  # from the question box, Stop is next (Ask is disabled while streaming)
    assert page.evaluate("() => document.activeElement.id") == "stop"
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.assistant.status-stopped")
    assert page.inner_text("#tutor-live") == "Reply stopped."

    # Ask again, let it finish (read out once, whole), and rate it.
    tab_to(page, "#question")
    page.keyboard.type("give me an example")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.assistant.status-complete")
    assert page.inner_text("#tutor-live").startswith("Tutor: ")
    assert "tokens" not in page.inner_text("#conversation")  # counts are for the admin
    tab_to(page, ".msg.assistant.status-complete button.rate[data-value='1']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".msg.assistant.status-complete button.rate[aria-pressed='true']")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "keyboard-journey-tutor.png"), full_page=True)
    assert [e for e in errors if "Content Security Policy" in e] == []
    context.close()
