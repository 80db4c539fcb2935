from __future__ import annotations

from tests.browser.conftest import BrowserPage


def test_it_signs_up_and_lands_on_the_dashboard_within_the_csp(browser_page: BrowserPage) -> None:
    page = browser_page.page
    browser_page.goto("/")
    # Anonymous visitors are sent to log in; the sign-up link is there.
    assert "/accounts/login/" in page.url
    page.click("text=Create a student account")
    page.fill("#id_username", "newton")
    page.fill("#id_password1", "Falling-Apple-1687")
    page.fill("#id_password2", "Falling-Apple-1687")
    page.click("button[type=submit]")
    page.wait_for_url(browser_page.server.url + "/")
    assert "Hello, newton" in page.text_content("h1")
    # The stylesheet really applied (a blocked or missing CSS would leave the default colour).
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(245, 247, 251)"
    shot = browser_page.screenshot("signup-dashboard")
    assert shot.stat().st_size > 0
    assert browser_page.csp_violations() == []
    assert browser_page.console_errors == []


def test_it_logs_in_as_the_demo_student(browser_page: BrowserPage) -> None:
    page = browser_page.page
    browser_page.goto("/accounts/login/")
    page.fill("#id_username", "student")
    page.fill("#id_password", "study-smart-demo")
    page.click("button[type=submit]")
    page.wait_for_url(browser_page.server.url + "/")
    assert "Hello, student" in page.text_content("h1")
    assert browser_page.csp_violations() == []
