"""A student chats with the tutor in Chromium: streaming, stop, try again, math, sources."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, BrowserPage
from tests.tutor.test_chat_flow import TutorServer, run_tutor_server


@pytest.fixture(scope="module")
def tutor_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TutorServer]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium (REQUIRE_BROWSER=1 to fail)")
    # The tutor gets its own server, paced so that a human-speed click on Stop lands mid-reply.
    yield from run_tutor_server(tmp_path_factory.mktemp("tutor-browser"), delay=0.02, static=True)


@pytest.fixture
def tutor_page(chromium: object, tutor_server: TutorServer) -> Iterator[BrowserPage]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.set_default_timeout(20_000)
    yield BrowserPage(page=page, console_errors=errors, server=tutor_server)  # type: ignore[arg-type]
    context.close()


def log_in(browser: BrowserPage, username: str = "alice") -> None:
    page = browser.page
    browser.goto("/accounts/login/")
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", f"{username}-password-1")  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # type: ignore[attr-defined]


def ask(page: object, text: str) -> None:
    page.fill("#question", text)  # type: ignore[attr-defined]
    page.click("#send")  # type: ignore[attr-defined]


# The page's CSP has no 'unsafe-eval', so Playwright's wait_for_function (an eval) cannot run:
# wait with locators and attribute reads instead.
def wait_for_chat(page: object) -> None:
    page.locator("#tutor:not([data-chat-id=''])").wait_for(state="attached")  # type: ignore[attr-defined]


def wait_for_tokens(page: object, n: int, timeout_s: float = 20) -> None:
    streaming = page.locator(".msg.assistant.status-streaming")  # type: ignore[attr-defined]
    streaming.wait_for(state="attached")
    deadline = time.monotonic() + timeout_s
    while int(streaming.get_attribute("data-tokens") or 0) < n:
        assert time.monotonic() < deadline, "the reply did not stream"
        page.wait_for_timeout(10)  # type: ignore[attr-defined]


def replies(page: object, status: str) -> int:
    return page.locator(f"#conversation .msg.assistant.status-{status}").count()  # type: ignore[attr-defined]


def test_a_student_chats_stops_retries_and_sees_math_and_sources(
    tutor_page: BrowserPage,
) -> None:
    page = tutor_page.page
    log_in(tutor_page)
    page.click("nav >> text=Tutor")  # type: ignore[attr-defined]
    page.wait_for_url("**/tutor/")  # type: ignore[attr-defined]
    wait_for_chat(page)

    # 1. The reply streams in, then is replaced by rendered Markdown + MathML and its sources.
    ask(page, "what is quantum coherence")
    streaming = page.locator("#conversation .msg.assistant.status-streaming")  # type: ignore[attr-defined]
    wait_for_tokens(page, 5)
    assert streaming.count() == 1
    partial = streaming.inner_text()
    tutor_page.screenshot("tutor-streaming")
    page.wait_for_selector("#conversation .msg.assistant.status-complete")  # type: ignore[attr-defined]
    first = page.locator("#conversation .msg.assistant").first  # type: ignore[attr-defined]
    assert first.locator("math").count() >= 1
    assert len(first.inner_text()) > len(partial)
    assert "Quantum coherence" in first.locator(".sources").inner_text()

    # 2. Stop a reply mid-stream.
    ask(page, "give me an example")
    wait_for_tokens(page, 3)
    page.click("#stop")  # type: ignore[attr-defined]
    page.wait_for_selector("#conversation .msg.assistant.status-stopped")  # type: ignore[attr-defined]
    assert "Stopped." in page.locator(".msg.assistant.status-stopped").inner_text()  # type: ignore[attr-defined]

    # 3. Try again: a new take on the last complete answer; the old one stays, marked replaced.
    page.wait_for_selector("#retry:not([disabled])")  # type: ignore[attr-defined]
    page.click("#retry")  # type: ignore[attr-defined]
    page.wait_for_selector("#conversation .msg.assistant.status-superseded")  # type: ignore[attr-defined]
    page.locator(".msg.assistant.status-streaming").wait_for(state="detached")  # type: ignore[attr-defined]
    last = page.locator("#conversation .msg.assistant").last  # type: ignore[attr-defined]
    assert "different angle" in last.inner_text()
    assert last.locator(".meta").count() == 0  # intent, tokens and timings: admin only
    assert "Quantum coherence" in last.locator(".sources").inner_text()

    # 4. Rate it.
    last.locator("button.rate[data-value='1']").click()
    page.wait_for_selector(".msg.assistant >> nth=-1 >> button.rate[aria-pressed='true']")  # type: ignore[attr-defined]
    tutor_page.screenshot("tutor-conversation")

    # 5. Reloaded, the chat is listed and its replies are server-rendered with their math.
    url = page.url  # type: ignore[attr-defined]
    assert "/tutor/" in url and url.rstrip("/").split("/")[-1].isdigit()
    page.reload()  # type: ignore[attr-defined]
    assert page.locator("#conversation math").count() >= 1  # type: ignore[attr-defined]
    assert page.locator("#chat-list a[aria-current='page']").count() == 1  # type: ignore[attr-defined]
    assert replies(page, "superseded") == 1 and replies(page, "stopped") == 1

    assert tutor_page.csp_violations() == []
    assert tutor_page.console_errors == []


def test_a_practice_result_link_opens_the_tutor_on_its_concept(tutor_page: BrowserPage) -> None:
    page = tutor_page.page
    log_in(tutor_page, "bob")
    tutor_page.goto("/tutor/?topic=quantum%20entanglement")
    page.wait_for_selector("#conversation .msg.assistant.status-complete")  # type: ignore[attr-defined]
    assert "Explain quantum entanglement." in page.locator(".msg.user").first.inner_text()  # type: ignore[attr-defined]
    assert "Quantum entanglement" in page.locator(".sources").first.inner_text()  # type: ignore[attr-defined]
    assert "?topic" not in page.url  # type: ignore[attr-defined]  # a reload does not ask again
    # The panel's last lines sit inside its edges, like the composer above them.
    panel = page.locator("#teachers-note").evaluate(  # type: ignore[attr-defined]
        "el => { const p = el.parentElement.getBoundingClientRect();"
        " const r = el.getBoundingClientRect(); const s = getComputedStyle(el);"
        " return [r.left - p.left + parseFloat(s.paddingLeft),"
        " p.bottom - r.bottom + parseFloat(s.paddingBottom)]; }"
    )
    assert panel[0] >= 8 and panel[1] >= 8, panel
    assert tutor_page.csp_violations() == []


def test_a_dropped_socket_shows_a_reconnect_button(tutor_page: BrowserPage) -> None:
    page = tutor_page.page
    sockets: list[object] = []

    def through(ws: object) -> None:
        ws.connect_to_server()  # type: ignore[attr-defined]
        sockets.append(ws)

    page.route_web_socket(re.compile(r"/ws/tutor/"), through)  # type: ignore[attr-defined]
    log_in(tutor_page, "bob")
    tutor_page.goto("/tutor/")
    wait_for_chat(page)
    sockets[-1].close(code=1011, reason="network down")  # type: ignore[attr-defined]
    banner = page.locator("#tutor-banner")  # type: ignore[attr-defined]
    banner.wait_for(state="visible")
    assert "connection to the tutor was lost" in banner.inner_text()
    tutor_page.screenshot("tutor-connection-lost")
    page.click("#reconnect")  # type: ignore[attr-defined]
    banner.wait_for(state="hidden")
    ask(page, "hi")
    page.wait_for_selector("#conversation .msg.assistant.status-complete")  # type: ignore[attr-defined]
    assert len(sockets) == 2
    assert tutor_page.csp_violations() == []
