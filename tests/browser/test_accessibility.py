"""Every page at phone and desktop sizes, light and dark: no horizontal scrolling, and axe-core
(WCAG 2.2 A/AA rules) finds no serious or critical violation. axe comes from the test
dependencies (axe-playwright-python) and is injected by the test; it is never served.

One browser and one server for the module; one context per size and theme, reused for every
page, so the whole matrix stays around a minute or two.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS, LiveServer

VIEWPORTS = {"320x640": (320, 640), "390x844": (390, 844), "1280x800": (1280, 800)}
THEMES = ("light", "dark")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# A pending task of each kind and a finished one for the demo student, so every page has content.
PREPARE = """
from django.contrib.auth.models import User
from tasks.models import PracticeTask, Task
from tasks.services import assign_practice_tasks, complete_practice_task
student = User.objects.get(username="student")
for kind in ("numeric", "choice", "self"):
    if not PracticeTask.objects.for_student(student).pending().filter(task__answer_kind=kind):
        assign_practice_tasks(student=student, count=1, pool=Task.objects.filter(answer_kind=kind))
"""

STUDENT_PAGES = ["/", "/history/", "/progress/", "/tutor/"]
ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password-reset/"]
ADMIN_PAGES = [
    "/admin/",
    "/admin/tasks/task/",
    "/admin/tasks/practicetask/",
    "/admin/auth/user/",
    "/admin/tasks/task/add/",
]


@pytest.fixture(scope="module")
def prepared(live_server_stack: LiveServer) -> dict[str, Any]:
    live_server_stack.manage("shell", "-c", PREPARE)
    return {}


def log_in(page: Any, server: LiveServer, username: str, password: str) -> None:
    page.goto(server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return found


def overflow(page: Any) -> int:
    """How far the page scrolls sideways (0 is none)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def task_pages(page: Any, server: LiveServer) -> list[str]:
    items = page.request.get(server.url + "/api/practice-tasks/?limit=100").json()
    paths = []
    for kind in ("numeric", "choice", "self"):
        pending = next(
            i for i in items if i["answer_kind"] == kind and i["status"] in ("assigned", "shown")
        )
        paths.append(f"/practice/{pending['id']}/")
    done = next(i for i in items if i["status"] == "completed")
    paths.append(f"/practice/{done['id']}/result/")
    return paths


@pytest.fixture(
    scope="module",
    params=[(v, t) for v in VIEWPORTS for t in THEMES],
    ids=[f"{v}-{t}" for v in VIEWPORTS for t in THEMES],
)
def look(request: pytest.FixtureRequest, chromium: Any) -> Iterator[tuple[str, str, Any]]:
    viewport, theme = request.param
    width, height = VIEWPORTS[viewport]
    context = chromium.new_context(viewport={"width": width, "height": height}, color_scheme=theme)
    yield viewport, theme, context
    context.close()


def check_pages(page: Any, server: LiveServer, paths: list[str], name: str) -> list[str]:
    problems = []
    for path in paths:
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        shift = overflow(page)
        # A picture of every page at every size and theme, for a person to look at.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        slug = path.strip("/").replace("/", "-") or "dashboard"
        page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{slug}.png"), full_page=True)
        if shift > 0:
            problems.append(f"{path}: scrolls {shift}px sideways")
        problems += [f"{path}: {v}" for v in serious_violations(page)]
    return problems


def test_it_keeps_every_page_in_the_viewport_and_accessible(
    look: tuple[str, str, Any], live_server_stack: LiveServer, prepared: dict[str, Any]
) -> None:
    viewport, theme, context = look
    server = live_server_stack
    name = f"{viewport}-{theme}"
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = check_pages(page, server, ANONYMOUS_PAGES, name)
    log_in(page, server, "student", "study-smart-demo")
    problems += check_pages(page, server, STUDENT_PAGES + task_pages(page, server), name)
    page.context.clear_cookies()
    log_in(page, server, "admin", "admin-smart-demo")
    problems += check_pages(page, server, ADMIN_PAGES, name)
    page.context.clear_cookies()
    page.close()
    assert not problems, "\n".join(problems)


def test_it_collapses_the_menu_on_a_phone_and_opens_it_without_scrolling(
    chromium: Any, live_server_stack: LiveServer, prepared: dict[str, Any]
) -> None:
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    log_in(page, live_server_stack, "student", "study-smart-demo")
    links = page.locator("nav.nav a")
    assert not links.first.is_visible()  # folded away behind the button
    page.click("summary.menu-button")
    assert links.first.is_visible() and links.count() >= 4
    assert overflow(page) == 0
    # The chart shown on a phone is the compact one, and its text stays legible.
    page.goto(live_server_stack.url + "/progress/")
    wide = page.locator("#accuracy-chart .chart-wide svg")
    compact = page.locator("#accuracy-chart .chart-compact svg")
    assert compact.is_visible() and not wide.is_visible()
    box = compact.bounding_box()
    # Its 300-unit viewBox is drawn at 80 % or more: 13-unit labels stay about 10 px or larger.
    assert box is not None and box["width"] / 300 >= 0.8
    context.close()


def test_the_dark_theme_follows_the_device_and_the_users_choice(
    chromium: Any, live_server_stack: LiveServer, prepared: dict[str, Any]
) -> None:
    context = chromium.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    log_in(page, live_server_stack, "student", "study-smart-demo")

    def background() -> str:
        return str(page.evaluate("getComputedStyle(document.body).backgroundColor"))

    dark = background()
    assert dark == "rgb(15, 20, 27)"
    page.click("summary.menu-button")
    page.click("button[name=theme][value=light]")
    page.wait_for_selector('html[data-theme="light"]', state="attached")
    assert background() == "rgb(245, 247, 251)"
    page.reload()  # remembered, and rendered by the server
    assert page.get_attribute("html", "data-theme") == "light"
    page.click("summary.menu-button")
    page.click("button[name=theme][value=system]")
    page.wait_for_selector("html:not([data-theme])", state="attached")
    assert background() == dark
    context.close()
