"""The practice journey in a real browser: get tasks, answer one of each kind, read the results
with rendered math, and see the progress charts, all within the strict CSP."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import BrowserPage

# Makes sure the demo student has a pending task of each kind: adaptive assignment may not pick
# a self-assessed task (there are few) in one batch. Uses the service's `pool` argument.
ENSURE_EACH_KIND = """
from django.contrib.auth.models import User
from tasks.models import PracticeTask, Task
from tasks.services import assign_practice_tasks
student = User.objects.get(username="student")
for kind in ("numeric", "choice", "self"):
    if not PracticeTask.objects.for_student(student).pending().filter(task__answer_kind=kind):
        assign_practice_tasks(student=student, count=1, pool=Task.objects.filter(answer_kind=kind))
"""


def log_in_as_demo_student(browser_page: BrowserPage) -> Any:
    page = browser_page.page
    browser_page.goto("/accounts/login/")
    page.fill("#id_username", "student")
    page.fill("#id_password", "study-smart-demo")
    page.click("button[type=submit]")
    page.wait_for_url(browser_page.server.url + "/")
    return page


def pending_of_kind(browser_page: BrowserPage, kind: str) -> int:
    response = browser_page.page.request.get(
        browser_page.server.url + "/api/practice-tasks/?limit=100"
    )
    assert response.status == 200
    items = [i for i in response.json() if i["status"] != "completed"]
    return next(i["id"] for i in items if i["answer_kind"] == kind)


def check_result_page(browser_page: BrowserPage, name: str) -> None:
    page = browser_page.page
    page.wait_for_selector("#verdict")
    assert page.locator("#solution math").count() > 0  # the worked solution's math is MathML
    tutor = page.locator("#ask-tutor")
    assert tutor.get_attribute("href").startswith("/tutor/?practice_task=")
    assert page.locator("#time-taken").inner_text().strip()
    browser_page.screenshot(name)


def test_it_practises_one_task_of_each_kind_and_sees_progress(browser_page: BrowserPage) -> None:
    page = log_in_as_demo_student(browser_page)
    # The seeded history shows at once: totals and a streak.
    assert int(page.inner_text("#total-completed")) > 0

    page.select_option("#id_count", "5")
    page.click("text=Get new tasks")
    page.wait_for_selector("#pending .tasks-table tbody tr")
    assert page.locator("#pending .tasks-table tbody tr").count() >= 5
    browser_page.server.manage("shell", "-c", ENSURE_EACH_KIND)
    page.reload()
    browser_page.screenshot("practice-dashboard")

    # Numeric: the statement's math renders, the timer runs, a double-click submits once.
    browser_page.goto(f"/practice/{pending_of_kind(browser_page, 'numeric')}/")
    assert page.locator("#statement math").count() > 0
    timer = page.locator("[data-timer-value]")
    first = timer.inner_text()
    page.wait_for_function(
        "t => document.querySelector('[data-timer-value]').textContent !== t", arg=first
    )
    page.fill("#id_answer", "42")
    browser_page.screenshot("practice-task-numeric")
    page.dblclick("#answer button[type=submit]")
    page.wait_for_url("**/result/")
    check_result_page(browser_page, "practice-result-numeric")

    # Multiple choice: radio buttons with rendered option texts.
    browser_page.goto(f"/practice/{pending_of_kind(browser_page, 'choice')}/")
    assert page.locator("input[type=radio][name=answer]").count() >= 2
    page.locator("label.option").first.click()
    browser_page.screenshot("practice-task-choice")
    page.click("#answer button[type=submit]")
    page.wait_for_url("**/result/")
    check_result_page(browser_page, "practice-result-choice")

    # Self-assessed: reveal the solution, then say how it went.
    browser_page.goto(f"/practice/{pending_of_kind(browser_page, 'self')}/")
    assert not page.is_visible("text=I got it right")
    page.click("text=Reveal solution")
    assert page.locator("#reveal .solution math").count() > 0
    browser_page.screenshot("practice-task-self")
    page.click("text=I got it right")
    page.wait_for_url("**/result/")
    assert "Correct" in page.inner_text("#verdict")
    check_result_page(browser_page, "practice-result-self")

    page.click("nav >> text=History")
    assert page.locator("#history tbody tr").count() >= 3
    browser_page.screenshot("practice-history")

    page.click("nav >> text=Progress")
    for chart in ("#accuracy-chart", "#time-chart", "#calibration-chart"):
        assert page.locator(f"{chart} .chart-wide svg.chart").is_visible()
        assert not page.locator(f"{chart} .chart-compact svg.chart").is_visible()
    assert page.locator("#accuracy-chart .chart-wide svg rect").count() > 3
    assert page.locator("#calibration-chart .chart-wide svg polyline").count() == 2
    browser_page.screenshot("practice-progress")

    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []
