"""One JSON error shape for every API answer: {"error": {"code", "message", "fields"?}}.

The codes live in ``studysmart.errors.STATUS_FOR_CODE`` and in docs/errors.md; these tests fail
when the two drift apart, when a view builds an error body of its own, or when one of Django's
own refusals reaches an API client as an HTML page.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import RequestDataTooBig
from django.test import Client, RequestFactory

from studysmart import errors
from tutor.errors import ERROR_MESSAGES, TutorError

ROOT = Path(__file__).resolve().parents[2]
SNAKE = re.compile(r"^[a-z]+(_[a-z]+)*$")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    error = json.loads(response.content)["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"code", "message", "fields"}
    return error


def test_it_builds_the_shape_with_fields_only_when_a_field_is_at_fault() -> None:
    plain = errors.error_response(status=400, code="bad_request", message="No.")
    assert json.loads(plain.content) == {"error": {"code": "bad_request", "message": "No."}}
    named = errors.ApiError("bad_request", "count is wrong.", fields={"count": "Too many."})
    assert named.status == 400
    assert json.loads(named.response().content) == {
        "error": {
            "code": "bad_request",
            "message": "count is wrong.",
            "fields": {"count": "Too many."},
        }
    }


def test_every_code_is_snake_case_and_documented_with_its_status() -> None:
    doc = (ROOT / "docs" / "errors.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| (\d{3}) \|", doc, re.MULTILINE))
    assert rows == {code: str(status) for code, status in errors.STATUS_FOR_CODE.items()}
    assert all(SNAKE.match(code) for code in errors.STATUS_FOR_CODE)


def test_the_tutors_codes_are_codes_of_the_api() -> None:
    assert set(ERROR_MESSAGES) <= set(errors.STATUS_FOR_CODE)
    assert TutorError("busy").status == 409 and TutorError("rate_limited").status == 429


def keys_of(node: ast.Dict) -> set[object]:
    return {k.value for k in node.keys if isinstance(k, ast.Constant)}


def test_no_view_builds_an_error_body_of_its_own() -> None:
    """A ``JsonResponse({"error": …})`` outside studysmart/errors.py is a second shape."""
    wrong = []
    for app in ("studysmart", "tasks", "mlmodels", "tutor"):
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "studysmart" / "errors.py":
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", "")) == "JsonResponse"
                    and node.args
                    and isinstance(node.args[0], ast.Dict)
                    and any(
                        isinstance(k, ast.Constant) and k.value == "error"
                        for k in node.args[0].keys
                    )
                ):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


@pytest.mark.django_db
def test_it_names_the_fields_at_fault_in_the_practice_api(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.post(
        "/api/practice-tasks/assign/", json.dumps({"count": 99}), content_type="application/json"
    )
    assert "count" in assert_error(response, 400, "bad_request")["fields"]
    response = client.post(
        "/api/practice-tasks/assign/", json.dumps({"cuont": 2}), content_type="application/json"
    )
    assert assert_error(response, 400, "bad_request")["fields"] == {"cuont": "Unknown field."}
    response = client.get("/api/practice-tasks/?limit=x")
    assert set(assert_error(response, 400, "bad_request")["fields"]) == {"limit"}
    response = client.post(
        "/api/practice-tasks/assign/", "{not json", content_type="application/json"
    )
    assert "fields" not in assert_error(response, 400, "bad_request")


@pytest.mark.django_db
def test_it_answers_method_not_allowed_in_json_with_allow(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.delete("/api/practice-tasks/")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET"
    response = client.get("/api/tutor/ask/")
    assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "POST"
    assert_error(client.post("/api/health/"), 405, "method_not_allowed")


@pytest.mark.django_db
def test_a_csrf_failure_is_json_for_the_api_and_a_page_for_a_browser(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/tutor/ask/", "{}", content_type="application/json")
    assert "CSRF" in assert_error(response, 403, "csrf_failed")["message"]
    page = client.post("/accounts/logout/")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404_and_a_page_path_an_html_one(
    client: Client, alice: User
) -> None:
    client.force_login(alice)
    assert_error(client.get("/api/no-such-thing/"), 404, "not_found")
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_djangos_400_for_an_oversized_body_is_a_json_413() -> None:
    request = RequestFactory().post("/api/practice-tasks/assign/")
    assert_error(
        errors.bad_request(request, RequestDataTooBig("too big")), 413, "payload_too_large"
    )
    assert_error(errors.bad_request(request, ValueError("bad")), 400, "bad_request")
    assert_error(errors.server_error(request), 500, "internal")
    assert_error(errors.permission_denied(request), 403, "forbidden")
