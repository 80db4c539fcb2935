"""Authoring in the admin: the options editor, the live preview, the import buttons."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from tasks.admin import MAX_PREVIEW_CHARS
from tasks.models import Task
from tests.tasks.factories import TaskFactory

TASKS = "/admin/tasks/task/"
PREVIEW = "/admin/tasks/task/preview/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(client: Client, charlie_admin: User) -> Client:
    client.force_login(charlie_admin)
    return client


@pytest.fixture
def choice() -> Task:
    return TaskFactory(choice=True, slug="waves-which-speed", title="Which speed?")


def form_of(task: Task, **changes: Any) -> dict[str, Any]:
    data = {
        "topic": task.topic_id, "slug": task.slug, "title": task.title,
        "difficulty": task.difficulty, "is_active": "on", "concept": task.concept,
        "statement": task.statement, "answer_kind": task.answer_kind, "solution": task.solution,
        "numeric_answer": task.numeric_answer or "", "unit": task.unit,
        "tolerance": task.tolerance, "params": "{}", "correct_option": task.correct_option,
        "source": "", "external_id": "",
    }  # fmt: skip
    return {**data, **changes}


def test_it_edits_options_as_rows_not_json(teacher: Client, choice: Task) -> None:
    page = teacher.get(f"{TASKS}{choice.pk}/change/").content.decode()
    assert 'name="options_0_id" value="a"' in page
    assert 'name="options_3_text" value="$4\\,\\mathrm{s}$"' in page
    assert 'name="options"' not in page  # no raw JSON box
    response = teacher.post(
        f"{TASKS}{choice.pk}/change/",
        form_of(
            choice,
            correct_option="b",
            options_0_id="a",
            options_0_text="$v = f\\lambda$",
            options_1_id="b",
            options_1_text="$v = \\lambda / T$",
            options_2_id="",
            options_2_text="",  # an empty row is no option
        ),
    )
    assert response.status_code == 302
    choice.refresh_from_db()
    assert choice.options == [
        {"id": "a", "text": "$v = f\\lambda$"},
        {"id": "b", "text": "$v = \\lambda / T$"},
    ]
    assert choice.correct_option == "b"


@pytest.mark.parametrize(
    ("rows", "correct", "message"),
    [
        ({"options_0_id": "a", "options_0_text": "x", "options_1_id": "a",
          "options_1_text": "y"}, "a", "Option ids must be different"),
        ({"options_0_id": "a", "options_0_text": "x", "options_1_id": "b",
          "options_1_text": ""}, "a", "needs both an id"),
        ({"options_0_id": "a", "options_0_text": "x", "options_1_id": "b",
          "options_1_text": "y"}, "c", "Choose one of the option ids: a, b"),
        ({"options_0_id": "a", "options_0_text": "x"}, "a", "at least two options"),
    ],
)  # fmt: skip
def test_it_refuses_bad_options_and_saves_nothing(
    teacher: Client, choice: Task, rows: dict[str, str], correct: str, message: str
) -> None:
    before = list(choice.options)
    response = teacher.post(
        f"{TASKS}{choice.pk}/change/", form_of(choice, correct_option=correct, **rows)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    choice.refresh_from_db()
    assert choice.options == before


def test_it_previews_the_saved_task_on_its_change_form(teacher: Client, choice: Task) -> None:
    response = teacher.get(f"{TASKS}{choice.pk}/change/")
    html = response.content.decode()
    preview = html[html.index("data-task-preview") :]
    assert f'data-preview-url="{PREVIEW}"' in html
    assert "<math" in preview and "(correct)" in preview
    assert 'src="/static/tasks/admin_task.js"' in html
    # The site's CSP allows no inline script or style: the preview's behaviour is a static file.
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "style=" not in html


def test_it_previews_unsaved_texts_as_students_see_them(teacher: Client) -> None:
    response = teacher.post(
        PREVIEW,
        {
            "title": "Draft",
            "statement": "Find $x^2$ when <script>alert(1)</script> $x = 3$.",
            "answer_kind": "choice",
            "options_0_id": "a",
            "options_0_text": "$9$",
            "options_1_id": "b",
            "options_1_text": "**6**",
            "correct_option": "a",
            "solution": "$$x^2 = 9$$",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<math") >= 4  # statement (2), option a, solution
    assert "<strong>6</strong>" in html and "(correct)" in html
    assert "<script" not in html  # sanitised, as on the practice page


def test_it_previews_a_half_typed_numeric_answer(teacher: Client) -> None:
    response = teacher.post(
        PREVIEW, {"statement": "$v$", "answer_kind": "numeric", "numeric_answer": "4.", "unit": "m"}
    )
    assert response.status_code == 200 and "4 m" in response.content.decode()
    response = teacher.post(PREVIEW, {"answer_kind": "numeric", "numeric_answer": "-"})
    assert response.status_code == 200 and "(none)" in response.content.decode()


def test_it_refuses_a_preview_too_long_or_not_posted(teacher: Client) -> None:
    assert teacher.post(PREVIEW, {"statement": "x" * (MAX_PREVIEW_CHARS + 1)}).status_code == 400
    assert teacher.get(PREVIEW).status_code == 405


def test_it_refuses_previews_to_staff_without_permission(client: Client, bob: User) -> None:
    bob.is_staff = True
    bob.save()
    client.force_login(bob)
    assert client.post(PREVIEW, {"statement": "$x$"}).status_code == 403
    bob.user_permissions.add(
        Permission.objects.get(codename="change_task", content_type__app_label="tasks")
    )
    assert client.post(PREVIEW, {"statement": "$x$"}).status_code == 200


@pytest.mark.parametrize("changelist", ["/admin/tasks/topic/", TASKS])
def test_it_links_the_csv_import_from_the_changelists(
    teacher: Client, changelist: str, bob: User, client: Client
) -> None:
    html = teacher.get(changelist).content.decode()
    assert f'href="{changelist}import/"' in html and "Import CSV" in html
    # Staff who may only look get the export, not the import.
    bob.is_staff = True
    bob.save()
    model = changelist.rstrip("/").rsplit("/", 1)[1]
    bob.user_permissions.add(
        Permission.objects.get(codename=f"view_{model}", content_type__app_label="tasks")
    )
    client.force_login(bob)
    html = client.get(changelist).content.decode()
    assert "Export CSV" in html and "Import CSV" not in html
