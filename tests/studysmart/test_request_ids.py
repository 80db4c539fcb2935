"""A request id on every log line: in the response, in the jobs enqueued, in chat turns."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django_q.tasks import async_task
from pythonjsonlogger.json import JsonFormatter

from studysmart.request_context import (
    HEADER,
    NO_REQUEST,
    RequestIdFilter,
    create_task_with_request_id,
    current_request_id,
    request_id_var,
)

ROOT = Path(__file__).resolve().parents[2]


def report_request_id() -> str:
    """A job: what its own log lines would carry."""
    return current_request_id()


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The root logger writing JSON lines with the request-id filter, as LOG_FORMAT=json does."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def records(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_it_gives_each_request_an_id_and_logs_it(db: None, json_lines: io.StringIO) -> None:
    response = Client().get("/no-such-page/")
    request_id = response[HEADER]
    assert len(request_id) == 32
    lines = [r for r in records(json_lines) if r["name"] == "django.request"]
    assert lines and all(r["request_id"] == request_id for r in lines)
    assert Client().get("/no-such-page/")[HEADER] != request_id


@pytest.mark.parametrize(
    ("incoming", "honoured"),
    [
        ("proxy-2f6c1e0a-77", True),
        ("short", False),
        ("evil\nFAKE LOG LINE", False),
        ("x" * 129, False),
        ("id with spaces in it", False),
    ],
)
def test_it_honours_an_incoming_request_id_only_when_sane(
    db: None, incoming: str, honoured: bool
) -> None:
    answered = Client().get("/api/health/", HTTP_X_REQUEST_ID=incoming)[HEADER]
    assert (answered == incoming) is honoured
    assert "\n" not in answered


def test_it_carries_the_request_id_into_the_job_it_enqueues(db: None) -> None:
    token = request_id_var.set("req-from-the-page-1")
    try:
        # sync=True runs the task through the worker's own path (signed package included).
        task_id = async_task("tests.studysmart.test_request_ids.report_request_id", sync=True)
    finally:
        request_id_var.reset(token)
    from django_q.tasks import result

    assert result(task_id) == "req-from-the-page-1"
    assert current_request_id() == NO_REQUEST


def test_it_gives_a_job_enqueued_outside_a_request_an_id_of_its_own(db: None) -> None:
    from django_q.tasks import result

    task_id = async_task("tests.studysmart.test_request_ids.report_request_id", sync=True)
    assert result(task_id) not in (NO_REQUEST, "", None)


def test_it_gives_each_chat_turn_its_own_id() -> None:
    async def turn() -> str:
        logging.getLogger("tutor.test").info("a line of the turn")
        return current_request_id()

    async def main() -> tuple[str, str, str]:
        first = await create_task_with_request_id(turn())
        second = await create_task_with_request_id(turn())
        return first, second, current_request_id()

    first, second, after = asyncio.run(main())
    assert NO_REQUEST not in (first, second) and first != second
    assert after == NO_REQUEST


def test_it_writes_json_lines_when_log_format_is_json(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "DEBUG": "1",
        "STUDYSMART_DATA_DIR": str(tmp_path),
        "GOOGLE_API_KEY": "AIzaSyFAKE-key-for-the-json-log-test-0123",
    }
    code = (
        "import logging; log = logging.getLogger('ops.test'); log.warning('disk at %s%%', 91);"
        "log.error('provider said %s', 'bad key AIzaSyFAKE-key-for-the-json-log-test-0123')"
    )
    proc = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    ours = [line for line in lines if line.get("logger") == "ops.test"]
    assert ours[0] == {
        "time": ours[0]["time"],
        "level": "WARNING",
        "logger": "ops.test",
        "message": "disk at 91%",
        "request_id": "-",
    }
    # The same redaction as every other log path: JSON lines pass the handler's filters too.
    assert ours[1]["message"] == "provider said bad key [redacted]"
    assert "AIzaSyFAKE" not in proc.stderr
