"""The demo teacher in a real browser: the class view (heatmaps, sorting, lists, export) and
assigning a set, which appears on the demo student's open dashboard without a reload."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import BrowserPage, LiveServer


def log_in(page: Any, server: LiveServer, username: str, password: str, path: str) -> None:
    page.goto(server.url + path)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[type=submit]")


def accuracy_column(page: Any) -> list[int]:
    """The first topic's accuracy per row, in row order (students with none left out)."""
    topic = page.get_attribute("#heatmap-accuracy g.cell >> nth=0", "data-topic")
    texts = page.locator(
        f'#heatmap-accuracy g.cell[data-topic="{topic}"] > text'
    ).all_text_contents()
    return [int(t.rstrip("%")) for t in texts if t.endswith("%")]


def test_the_demo_teacher_reads_the_class_view_and_assigns_a_set(
    browser_page: BrowserPage, chromium: Any
) -> None:
    server = browser_page.server
    # The demo student has the dashboard open the whole time.
    student_context = chromium.new_context(timezone_id="America/New_York")
    student = student_context.new_page()
    student.set_default_timeout(15_000)
    student_errors: list[str] = []
    student.on("console", lambda m: student_errors.append(m.text) if m.type == "error" else None)
    log_in(student, server, "student", "study-smart-demo", "/accounts/login/")
    student.wait_for_url(server.url + "/")
    student.wait_for_selector("#assigned-sets .set")
    # The due date is shown in the browser's own zone (static/classes/assigned.js).
    student.wait_for_function(
        "() => /EST|GMT-5/.test(document.querySelector('#assigned-sets time').textContent)"
    )
    assert student.locator("#assigned-sets .set").count() == 1

    page = browser_page.page
    log_in(page, server, "teacher", "teacher-smart-demo", "/admin/login/?next=/admin/")
    page.wait_for_url(server.url + "/admin/")
    assert "Model versions" not in page.inner_text("#content-main")
    page.click("#teacher-classes >> text=Class view")
    page.wait_for_selector("#heatmap-accuracy")
    cells = page.locator("#heatmap-chance g.cell").count()
    assert cells == 7 * 9  # six simulated students and the demo student × nine topics
    assert page.locator("#heatmap-accuracy g.cell").count() == cells
    assert page.locator("#students .student-row").count() == 7
    browser_page.screenshot("teacher-class-view")

    # Sorting by a topic's accuracy: a click sorts ascending, a second one descending.
    heading = page.locator("#heatmap-accuracy a:has(.sort-topic)").first
    heading.click()
    page.wait_for_url("**sort=acc*")
    assert accuracy_column(page) == sorted(accuracy_column(page))
    page.locator("#heatmap-accuracy a:has(.sort-topic)").first.click()
    page.wait_for_url("**sort=-acc*")
    assert accuracy_column(page) == sorted(accuracy_column(page), reverse=True)

    export = page.get_attribute("#export-csv", "href")
    response = page.request.get(server.url + export)
    assert response.status == 200 and response.text().startswith("student,attempts,accuracy")

    # Assign a set of adaptive Waves tasks.
    page.click("#assign-set")
    page.wait_for_selector("#id_title")
    page.fill("#id_title", "Waves before Friday")
    page.select_option("#id_kind", "adaptive")
    page.select_option("#id_topics_from", label="Waves")
    page.click("#id_topics_add")
    page.fill("#id_count", "3")
    page.click("input[name=_save]")
    page.wait_for_selector("#heatmap-accuracy")
    assert "Waves before Friday" in (page.text_content("#students") or "")
    browser_page.screenshot("teacher-class-view-after-assigning")

    # The student's open dashboard shows it without a reload.
    student.wait_for_selector("#assigned-sets .set-title:has-text('Waves before Friday')")
    assert "0/3 done" in student.inner_text("#assigned-sets")
    # The panel meets WCAG 2.x AA by axe-core's rules (the rest of the page has its own tests).
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(student, context="#assigned-sets")
    assert results.violations_count == 0, results.generate_report()
    assert browser_page.csp_violations() == []
    assert [m for m in student_errors if "Content Security Policy" in m] == []
    student_context.close()
