"""The admin's CSV import previews a dry run and writes only what was previewed, on confirm."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core import signing
from django.test import Client

from classes.services import ensure_teachers_group
from tasks.models import Task, Topic
from tests.tasks.csv_flow import confirm_csv, confirm_token, upload_csv
from tests.tasks.factories import TaskFactory

TOPICS = "/admin/tasks/topic/import/"
TASKS = "/admin/tasks/task/import/"


@pytest.fixture
def bank(db) -> dict[str, Any]:
    kin = Topic.objects.create(slug="kinematics", name="Kinematics", description="Motion.")
    waves = Topic.objects.create(slug="waves", name="Waves", description="Oscillations.")
    optics = Topic.objects.create(slug="optics", name="Optics", description="Light.")
    return {"kinematics": kin, "waves": waves, "optics": optics}


@pytest.fixture
def admin_client(client: Client, charlie_admin: User) -> Client:
    client.force_login(charlie_admin)
    return client


def topic_rows() -> dict[str, tuple[str, str]]:
    return {t.slug: (t.name, t.description) for t in Topic.objects.all()}


TOPICS_CSV = (
    "slug,name,description\n"
    "kinematics,Kinematics 1D,Motion.\n"  # name changes
    "waves,Waves,Wave motion.\n"  # description changes
    "optics,Optics,Light.\n"  # unchanged
    "thermo,Thermodynamics,Heat.\n"  # new
)


def text_of(response: Any) -> str:
    return response.content.decode()


def plan_of(response: Any) -> Any:
    return response.context["plan"]


@pytest.mark.django_db
def test_it_shows_the_counts_and_changed_fields_and_writes_nothing(
    admin_client: Client, bank: dict[str, Topic]
) -> None:
    before = topic_rows()

    response = upload_csv(admin_client, TOPICS, TOPICS_CSV)

    assert response.status_code == 200
    plan = plan_of(response)
    assert plan.rows == 4
    assert [r.slug for r in plan.created] == ["thermo"]
    assert [(r.slug, r.changed) for r in plan.updated] == [
        ("kinematics", ("name",)),
        ("waves", ("description",)),
    ]
    assert [r.slug for r in plan.unchanged] == ["optics"]
    html = text_of(response)
    assert '<strong id="csv-row-count">4</strong>' in html
    assert '<strong id="csv-created">1</strong>' in html
    assert '<strong id="csv-updated">2</strong>' in html
    assert '<strong id="csv-unchanged">1</strong>' in html
    assert "<td>description</td>" in html and "<td>name</td>" in html
    assert 'id="csv-confirm"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert topic_rows() == before


@pytest.mark.django_db
def test_it_writes_exactly_the_previewed_changes_on_confirm(
    admin_client: Client, bank: dict[str, Topic]
) -> None:
    optics_before = Topic.objects.filter(slug="optics").values().get()
    preview = upload_csv(admin_client, TOPICS, TOPICS_CSV)

    response = confirm_csv(admin_client, TOPICS, preview)

    assert response.status_code == 302
    assert topic_rows() == {
        "kinematics": ("Kinematics 1D", "Motion."),
        "waves": ("Waves", "Wave motion."),
        "optics": ("Optics", "Light."),
        "thermo": ("Thermodynamics", "Heat."),
    }
    assert Topic.objects.filter(slug="optics").values().get() == optics_before
    message = [str(m) for m in response.wsgi_request._messages][-1]
    assert "1 created, 2 updated, 1 unchanged" in message
    # The confirmed upload is gone: the same confirm cannot be replayed.
    replay = admin_client.post(TOPICS, {"confirm": confirm_token(preview)})
    assert replay.status_code == 400 and "upload the file again" in text_of(replay)


@pytest.mark.django_db
def test_it_previews_task_updates_with_their_changed_columns(
    admin_client: Client, bank: dict[str, Topic]
) -> None:
    TaskFactory(slug="t-1", topic=bank["kinematics"], title="Old", tolerance=0.02)
    text = "slug,topic,title,tolerance\nt-1,waves,New,0.05\n"

    preview = upload_csv(admin_client, TASKS, text)

    assert [(r.slug, r.changed) for r in plan_of(preview).updated] == [
        ("t-1", ("title", "tolerance", "topic"))
    ]
    assert Task.objects.get(slug="t-1").title == "Old"
    assert confirm_csv(admin_client, TASKS, preview).status_code == 302
    task = Task.objects.get(slug="t-1")
    assert (task.title, task.tolerance, task.topic_id) == ("New", 0.05, bank["waves"].pk)


@pytest.mark.django_db
def test_it_shows_the_lower_row_count_of_a_file_with_a_swallowed_row(
    admin_client: Client, bank: dict[str, Topic]
) -> None:
    # Four lines of rows, but the quote opened in "optics" closes on the next line: the
    # "thermo" line becomes part of optics' description, and valid CSV says three rows.
    text = (
        "slug,name,description\n"
        "kinematics,Kinematics,Motion.\n"
        'optics,Optics,"Light and\n'
        'thermo Thermodynamics heat."\n'
        "waves,Waves,Oscillations.\n"
    )

    response = upload_csv(admin_client, TOPICS, text)

    assert response.status_code == 200
    assert plan_of(response).rows == 3
    assert '<strong id="csv-row-count">3</strong>' in text_of(response)
    assert [(r.slug, r.changed) for r in plan_of(response).updated] == [
        ("optics", ("description",))
    ]
    assert not Topic.objects.filter(slug="thermo").exists()


@pytest.mark.django_db
def test_it_shows_a_broken_files_line_and_column_and_no_confirm_button(
    admin_client: Client, bank: dict[str, Topic]
) -> None:
    text = 'slug,name,description\nthermo,"Thermo\ndynamics",Heat.\n'

    response = upload_csv(admin_client, TOPICS, text)

    assert response.status_code == 200
    html = text_of(response)
    assert "line 3, column &#x27;name&#x27;: a line break in a one-line column" in html
    assert confirm_token(response) is None and 'id="csv-confirm"' not in html
    assert not Topic.objects.filter(slug="thermo").exists()


@pytest.mark.django_db
def test_it_refuses_a_tampered_confirm(admin_client: Client, bank: dict[str, Topic]) -> None:
    preview = upload_csv(admin_client, TOPICS, TOPICS_CSV)
    token = confirm_token(preview)
    assert token
    before = topic_rows()
    payload = signing.loads(token, salt="tasks.bank_csv.preview")
    forged_plan = signing.dumps({**payload, "plan": "0" * 64}, salt="another-salt")

    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged_plan, ""):
        response = admin_client.post(TOPICS, {"confirm": bad})
        assert response.status_code == 400, bad
        assert "Nothing was imported" in text_of(response)
        assert topic_rows() == before


@pytest.mark.django_db
def test_it_refuses_a_confirm_for_another_upload(
    admin_client: Client, bank: dict[str, Topic]
) -> None:
    first = upload_csv(admin_client, TOPICS, TOPICS_CSV)
    upload_csv(admin_client, TOPICS, "slug,name\nother,Other\n")
    before = topic_rows()

    response = admin_client.post(TOPICS, {"confirm": confirm_token(first)})

    assert response.status_code == 400 and "another upload" in text_of(response)
    assert topic_rows() == before


@pytest.mark.django_db
def test_it_refuses_an_expired_confirm(
    admin_client: Client, bank: dict[str, Topic], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The preview is signed two hours ago (signing's clock only; the request's is real).
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: time.time() - 7200))
    preview = upload_csv(admin_client, TOPICS, TOPICS_CSV)
    monkeypatch.undo()
    before = topic_rows()

    response = admin_client.post(TOPICS, {"confirm": confirm_token(preview)})

    assert response.status_code == 400 and "expired" in text_of(response)
    assert topic_rows() == before


@pytest.mark.django_db
def test_it_shows_the_preview_again_when_the_rows_changed_before_confirm(
    admin_client: Client, bank: dict[str, Topic]
) -> None:
    preview = upload_csv(admin_client, TOPICS, TOPICS_CSV)
    Topic.objects.filter(slug="waves").update(description="Edited meanwhile.")
    Topic.objects.filter(slug="optics").update(name="Geometric optics")

    stale = admin_client.post(TOPICS, {"confirm": confirm_token(preview)})

    assert stale.status_code == 409 and 'id="csv-stale"' in text_of(stale)
    assert Topic.objects.get(slug="waves").description == "Edited meanwhile."
    assert not Topic.objects.filter(slug="thermo").exists()
    assert [r.slug for r in plan_of(stale).updated] == ["kinematics", "waves", "optics"]
    # The re-shown preview is the current plan, and confirming it applies.
    stale.status_code = 200
    assert confirm_csv(admin_client, TOPICS, stale).status_code == 302
    assert Topic.objects.get(slug="optics").name == "Optics"
    assert Topic.objects.filter(slug="thermo").exists()


@pytest.mark.django_db
def test_it_lets_a_teacher_preview_and_confirm_like_an_admin(
    client: Client, bank: dict[str, Topic]
) -> None:
    dana = User.objects.create_user("dana", password="dana-password-1", is_staff=True)
    dana.groups.add(ensure_teachers_group())
    client.force_login(dana)

    preview = upload_csv(client, TOPICS, TOPICS_CSV)
    tasks_preview = upload_csv(
        client,
        TASKS,
        ("slug,topic,title,difficulty,answer_kind,statement\nt-9,waves,T,easy,self,Explain.\n"),
    )

    assert preview.status_code == 200 and plan_of(preview).rows == 4
    assert confirm_csv(client, TOPICS, preview).status_code == 302
    assert Topic.objects.get(slug="thermo").name == "Thermodynamics"
    assert [r.slug for r in plan_of(tasks_preview).created] == ["t-9"]
    assert confirm_csv(client, TASKS, tasks_preview).status_code == 302
    assert Task.objects.get(slug="t-9").topic == bank["waves"]


@pytest.mark.django_db
def test_it_refuses_preview_and_confirm_without_the_permissions(
    client: Client, bank: dict[str, Topic]
) -> None:
    viewer = User.objects.create_user("eve", password="eve-password-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_topic"))
    client.force_login(viewer)

    assert upload_csv(client, TOPICS, TOPICS_CSV).status_code == 403
    assert client.post(TOPICS, {"confirm": "x"}).status_code == 403
    assert not Topic.objects.filter(slug="thermo").exists()
