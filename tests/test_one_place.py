"""Decisions made in one place: what an outage is, how a file is written atomically, which code a
difficulty has. Each test fails when a second copy of the decision appears in the apps."""

from __future__ import annotations

import ast
import html
import os
from pathlib import Path

import pytest
from django.db import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from mlmodels.data import DIFFICULTIES, AttemptRecord, difficulty_code, table_from_records
from studysmart import atomic, middleware, outages
from tasks.models import Difficulty
from tutor import consumers

ROOT = Path(__file__).resolve().parent.parent
APPS = ("studysmart", "tasks", "mlmodels", "tutor")


def app_sources() -> list[Path]:
    return [p for app in APPS for p in sorted((ROOT / app).rglob("*.py"))]


# -- outages ---------------------------------------------------------------------------------


def test_it_answers_every_outage_from_one_list() -> None:
    assert middleware.OUTAGE_ERRORS is outages.OUTAGE_ERRORS
    assert consumers.OUTAGE_ERRORS is outages.OUTAGE_ERRORS


def test_it_counts_unreachable_services_as_outages_and_nothing_else() -> None:
    assert outages.is_outage(OperationalError("server closed the connection"))
    assert outages.is_outage(RedisConnectionError("Connection refused"))
    assert not outages.is_outage(ResponseError("WRONGTYPE"))
    assert not outages.is_outage(ValueError())
    assert outages.service_name(OperationalError()) == "database"
    assert outages.service_name(RedisConnectionError()) == "cache"


def test_no_other_module_imports_redis_connection_errors() -> None:
    wrong = [
        str(path.relative_to(ROOT))
        for path in app_sources()
        if path.name != "outages.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        and node.module == "redis.exceptions"
        and {a.name for a in node.names} & {"ConnectionError", "TimeoutError"}
    ]
    assert wrong == []


# -- atomic files ----------------------------------------------------------------------------


def os_replace_calls() -> list[str]:
    found = []
    for path in app_sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("replace", "rename")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "os"
            ):
                found.append(str(path.relative_to(ROOT)))
    return found


def test_it_renames_files_into_place_in_one_module_only() -> None:
    assert os_replace_calls() == ["studysmart/atomic.py"]


def test_it_writes_the_whole_file_or_leaves_the_old_one(tmp_path: Path) -> None:
    final = tmp_path / "deep" / "model.npz"
    assert atomic.write_atomically(final, lambda tmp: tmp.write_bytes(b"v1")) == final

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic.write_atomically(final, broken)
    assert final.read_bytes() == b"v1"
    assert os.listdir(final.parent) == ["model.npz"]


def test_its_temporary_name_keeps_the_suffix_and_the_sweepable_prefix(tmp_path: Path) -> None:
    tmp = atomic.temporary_name(tmp_path / "sequence-v2.keras")
    assert tmp.parent == tmp_path
    assert tmp.name.startswith(atomic.TEMPORARY_PREFIX) and tmp.name.endswith(".keras")


# -- difficulty codes ------------------------------------------------------------------------


def test_the_student_models_code_difficulties_in_the_order_tasks_defines() -> None:
    assert DIFFICULTIES == ("", *Difficulty.values)
    assert [difficulty_code(d) for d in Difficulty.values] == [1, 2, 3]
    assert difficulty_code("") == difficulty_code(None) == difficulty_code("extreme") == 0


def test_every_caller_uses_the_one_difficulty_code() -> None:
    table = table_from_records([AttemptRecord("u", "i", "t", "hard", True, 30.0, 1.0)])
    assert table.difficulty.tolist() == [difficulty_code("hard")]
    # No second copy of the mapping: only mlmodels/data.py looks a difficulty up by position.
    copies = [
        str(path.relative_to(ROOT))
        for path in app_sources()
        if "DIFFICULTIES.index(" in path.read_text()
    ]
    assert copies == ["mlmodels/data.py"]


# -- Markdown + math -------------------------------------------------------------------------

MARKDOWN_AND_MATH = (
    "**Answer:** $v = 22\\,\\mathrm{m/s}$, since\n\n$$v = \\sqrt{2 g h}$$\n\n"
    "| quantity | unit |\n|---|---|\n| $F$ | N |\n\nIt costs $5 and $10; see `$x_1$`."
)


def test_it_renders_a_tutor_reply_exactly_like_a_task_statement() -> None:
    from tasks.models import Task
    from tutor.chats import message_payload
    from tutor.models import ChatMessage

    task = Task(statement=MARKDOWN_AND_MATH, solution=MARKDOWN_AND_MATH)
    reply = ChatMessage(role=ChatMessage.Role.ASSISTANT, text=MARKDOWN_AND_MATH)
    tutor_html = message_payload(reply)["html"]
    assert "<math" in tutor_html and "<strong>Answer:</strong>" in tutor_html
    assert tutor_html == str(task.statement_html) == str(task.solution_html)


def test_no_module_but_the_renderer_converts_markdown_or_math() -> None:
    renderers = {"markdown_it", "mdit_py_plugins", "latex2mathml", "nh3"}
    wrong = sorted(
        str(path.relative_to(ROOT))
        for path in app_sources()
        if path.relative_to(ROOT).as_posix() != "studysmart/markdown.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if (isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in renderers)
        or (
            isinstance(node, ast.Import)
            and any(a.name.split(".")[0] in renderers for a in node.names)
        )
    )
    assert wrong == []


def test_no_script_renders_markdown_or_math_in_the_browser() -> None:
    scripts = {p: p.read_text() for p in sorted((ROOT / "static").rglob("*.js"))}
    for path, source in scripts.items():
        for marker in ("katex", "MathJax", "marked(", "markdownit", "latex"):
            assert marker not in source, f"{path.relative_to(ROOT)} renders {marker}"


# -- training-status wording ------------------------------------------------------------------


def test_it_words_the_training_status_on_the_server_only() -> None:
    from mlmodels.services import describe_training_status

    status = {
        "state": "idle",
        "completed_since_training": 2,
        "threshold": 5,
        "champion": {"version": "lnirt v3", "auc": 0.71234},
    }
    assert describe_training_status(status) == (
        "Model lnirt v3, AUC 0.71 · 3 tasks until the next retraining"
    )
    script = (ROOT / "static" / "mlmodels" / "updates.js").read_text()
    for wording in ("retrain", "tasks until", "Predictions from", "Model updated", "AUC"):
        assert wording not in script, f"updates.js words the status itself: {wording!r}"
    assert ".summary" in script and "frame.message" in script


@pytest.mark.django_db
def test_it_sends_the_summary_the_dashboard_shows(alice: object) -> None:
    from django.test import Client

    client = Client()
    client.force_login(alice)  # type: ignore[arg-type]
    summary = client.get("/models/status/", HTTP_ACCEPT="application/json").json()["summary"]
    # A student reads what their predictions do; model names and the counter are for staff.
    assert "AUC" not in summary and "retraining" not in summary
    assert html.escape(summary) in client.get("/").content.decode()
