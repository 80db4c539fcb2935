"""Browser tests: a real daphne server in a subprocess, driven by Debian's Chromium.

The server runs with DEBUG off against a fresh database (SQLite in a temporary folder, or the
DATABASE_URL of the run), seeded like `make run` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.daphne import free_port, running_daphne

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
    # Last: Playwright's sync API runs an event loop in the main thread while it is open,
    # which would break every asyncio test that ran after it.
    items.sort(key=lambda item: "tests/browser/" in str(item.fspath))


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def manage(self, *args: str, timeout: float = 600) -> str:
        proc = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout


@pytest.fixture(scope="session")
def live_server_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_chromium()
    data = tmp_path_factory.mktemp("browser-data")
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "studysmart.settings",
            "STUDYSMART_DATA_DIR": str(data),
            "SECRET_KEY": "browser-test-secret-" + "k" * 40,
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "RETRAIN_MIN_INTERVAL_SECONDS": "0",
        }
    )
    server = LiveServer(url=f"http://127.0.0.1:{port}", env=env)
    for command in (
        ["migrate"],
        ["createcachetable"],
        ["collectstatic", "--noinput"],
        ["seed_demo"],
    ):
        server.manage(*command)
    with running_daphne(env, port=port, log_path=data / "daphne.log") as process:
        server.process = process
        yield server


def require_chromium() -> None:
    """Skip without Debian's Chromium (a fresh machine), unless REQUIRE_BROWSER=1 (CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium (REQUIRE_BROWSER=1 to fail)")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class BrowserPage:
    """A fresh browser context and page that records console errors and CSP violations."""

    page: object
    console_errors: list[str]
    server: LiveServer

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)  # type: ignore[attr-defined]

    def csp_violations(self) -> list[str]:
        return [m for m in self.console_errors if "Content Security Policy" in m]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
        return path


@pytest.fixture
def browser_page(chromium: object, live_server_stack: LiveServer) -> Iterator[BrowserPage]:
    context = chromium.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.set_default_timeout(15_000)
    yield BrowserPage(page=page, console_errors=errors, server=live_server_stack)
    context.close()


@pytest.fixture
def chromium_available() -> bool:
    return shutil.which("chromium") is not None
