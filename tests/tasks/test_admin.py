from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks.models import PracticeTask, Task, Topic
from tests.tasks.csv_flow import import_csv

TOPICS = "/admin/tasks/topic/"
TASKS = "/admin/tasks/task/"
PRACTICE = "/admin/tasks/practicetask/"


@pytest.fixture
def catalog(db) -> dict[str, Task]:
    mech = Topic.objects.create(slug="kinematics", name="Kinematics", description="Motion.")
    waves = Topic.objects.create(slug="waves", name="Waves")
    imported_topic = Topic.objects.create(slug="chess-tactical", name="tactical", source="chess")
    return {
        "numeric": Task.objects.create(
            topic=mech,
            slug="kin-easy-1",
            title="Falling stone",
            difficulty="easy",
            statement="A stone falls for $t = 2\\,\\mathrm{s}$.\nHow far?",
            answer_kind="numeric",
            numeric_answer=19.62,
            unit="m",
            tolerance=0.02,
            solution="$$s = \\tfrac12 g t^2$$",
            concept="free fall",
        ),
        "choice": Task.objects.create(
            topic=waves,
            slug="waves-medium-1",
            title="Wave speed",
            difficulty="medium",
            statement='Which is right? "quotes", commas, and ünïcode',
            answer_kind="choice",
            options=[{"id": "a", "text": "$v = f\\lambda$"}, {"id": "b", "text": "v = f/λ"}],
            correct_option="a",
            solution="Speed is frequency times wavelength.",
        ),
        "imported": Task.objects.create(
            topic=imported_topic, slug="chess:1", source="chess", external_id="1"
        ),
    }


def post_csv(client: Client, url: str, text: str) -> object:
    """Upload and confirm, as an admin who accepts the preview."""
    return import_csv(client, url, text)


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        TOPICS,
        f"{TOPICS}?q=kin&source=__bank__",
        TASKS,
        f"{TASKS}?q=stone&difficulty__exact=easy&answer_kind__exact=numeric&is_active__exact=1",
        f"{TASKS}?source=chess",
        f"{TASKS}?topic__id__exact=1",
        PRACTICE,
        f"{PRACTICE}?status__exact=completed&task__difficulty__exact=easy&source=__bank__",
        f"{TOPICS}import/",
    ],
)
def test_it_loads_admin_pages_with_filters_and_search(
    client: Client, charlie_admin: User, catalog: dict[str, Task], url: str
) -> None:
    client.force_login(charlie_admin)
    response = client.get(url)
    assert response.status_code == 200, url


@pytest.mark.django_db
def test_it_loads_change_pages(
    client: Client, charlie_admin: User, alice: User, catalog: dict[str, Task]
) -> None:
    practice = PracticeTask.objects.create(student=alice, task=catalog["numeric"])
    client.force_login(charlie_admin)
    for url in [
        f"{TASKS}{catalog['choice'].pk}/change/",
        f"{TASKS}add/",
        f"{TOPICS}{catalog['numeric'].topic_id}/change/",
        f"{PRACTICE}{practice.pk}/change/",
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_it_keeps_the_strict_csp_on_its_own_admin_pages(
    client: Client, charlie_admin: User, alice: User, catalog: dict[str, Task]
) -> None:
    client.force_login(charlie_admin)
    for url in [f"{TASKS}import/", f"{PRACTICE}student/{alice.pk}/", TASKS]:
        response = client.get(url)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        html = response.content.decode()
        assert "<script>" not in html and "style=" not in html and "<style" not in html, url


@pytest.mark.django_db
def test_it_filters_practice_tasks_by_student_topic_and_difficulty(
    client: Client, charlie_admin: User, alice: User, bob: User, catalog: dict[str, Task]
) -> None:
    PracticeTask.objects.create(student=alice, task=catalog["numeric"])
    PracticeTask.objects.create(student=bob, task=catalog["choice"], status="completed")
    client.force_login(charlie_admin)

    by_student = client.get(f"{PRACTICE}?student__id__exact={alice.pk}")
    by_topic = client.get(f"{PRACTICE}?task__topic__id__exact={catalog['choice'].topic_id}")
    by_difficulty = client.get(f"{PRACTICE}?task__difficulty__exact=easy")

    assert by_student.context["cl"].result_count == 1
    assert by_topic.context["cl"].result_list[0].student == bob
    assert [p.task for p in by_difficulty.context["cl"].result_list] == [catalog["numeric"]]
    assert "student__id__exact" in by_student.content.decode()  # the filter sidebar


@pytest.mark.django_db
def test_it_exports_topics_and_tasks_as_csv(
    client: Client, charlie_admin: User, catalog: dict[str, Task]
) -> None:
    client.force_login(charlie_admin)

    topics = client.get(f"{TOPICS}export/")
    tasks = client.get(f"{TASKS}export/?source=__bank__")

    assert topics["Content-Type"].startswith("text/csv")
    assert "attachment" in topics["Content-Disposition"]
    assert [r["slug"] for r in rows(topics.content)] == ["chess-tactical", "kinematics", "waves"]
    exported = rows(tasks.content)
    assert [r["slug"] for r in exported] == ["kin-easy-1", "waves-medium-1"]  # filtered
    assert exported[0]["topic"] == "kinematics" and exported[0]["numeric_answer"] == "19.62"


@pytest.mark.django_db
def test_it_exports_selected_tasks_with_an_admin_action(
    client: Client, charlie_admin: User, catalog: dict[str, Task]
) -> None:
    client.force_login(charlie_admin)
    response = client.post(
        TASKS,
        {"action": "export_selected_csv", "_selected_action": [catalog["choice"].pk]},
    )
    assert [r["slug"] for r in rows(response.content)] == ["waves-medium-1"]


@pytest.mark.django_db
def test_it_round_trips_tasks_through_export_and_import_losslessly(
    client: Client, charlie_admin: User, catalog: dict[str, Task]
) -> None:
    client.force_login(charlie_admin)
    fields = ["slug", "title", "difficulty", "statement", "answer_kind", "numeric_answer"]
    fields += ["unit", "tolerance", "options", "correct_option", "solution", "concept"]
    fields += ["source", "external_id", "is_active", "topic_id"]
    before = list(Task.objects.order_by("slug").values(*fields))
    exported = client.get(f"{TASKS}export/").content.decode()
    Task.objects.all().delete()

    response = post_csv(client, f"{TASKS}import/", exported)

    assert response.status_code == 302
    assert list(Task.objects.order_by("slug").values(*fields)) == before
    again = post_csv(client, f"{TASKS}import/", exported)
    assert again.status_code == 302
    message = [str(m) for m in again.wsgi_request._messages][-1]  # type: ignore[attr-defined]
    assert "0 created, 0 updated, 3 unchanged" in message


@pytest.mark.django_db
def test_it_upserts_topics_by_slug_from_csv(
    client: Client, charlie_admin: User, catalog: dict[str, Task]
) -> None:
    client.force_login(charlie_admin)
    text = "slug,name,description\nkinematics,Kinematics 1D,Motion in a line.\noptics,Optics,\n"

    response = post_csv(client, f"{TOPICS}import/", text)

    assert response.status_code == 302
    assert Topic.objects.get(slug="kinematics").name == "Kinematics 1D"
    assert Topic.objects.get(slug="optics").name == "Optics"
    assert Topic.objects.count() == 4


@pytest.mark.django_db
def test_it_updates_a_task_from_csv_and_keeps_unlisted_columns(
    client: Client, charlie_admin: User, catalog: dict[str, Task]
) -> None:
    client.force_login(charlie_admin)
    text = "slug,topic,tolerance\nkin-easy-1,kinematics,0.05\n"

    response = post_csv(client, f"{TASKS}import/", text)

    assert response.status_code == 302
    task = Task.objects.get(slug="kin-easy-1")
    assert task.tolerance == 0.05 and task.numeric_answer == 19.62 and task.unit == "m"


@pytest.mark.django_db
def test_it_shows_every_error_with_its_line_and_changes_nothing(
    client: Client, charlie_admin: User, catalog: dict[str, Task]
) -> None:
    client.force_login(charlie_admin)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["slug", "topic", "title", "difficulty", "answer_kind", "statement"])
    writer.writerow(["kin-easy-1", "kinematics", "Renamed", "easy", "self", "Fine."])  # line 2
    writer.writerow(["new-1", "nowhere", "New", "easy", "self", "Text"])  # line 3
    writer.writerow(["new-2", "waves", "New", "impossible", "self", "Text"])  # line 4
    writer.writerow(["new-3", "waves", "New", "hard", "numeric", "No answer"])  # line 5

    response = post_csv(client, f"{TASKS}import/", out.getvalue())

    assert response.status_code == 200
    html = response.content.decode()
    assert "3 problems in the file: nothing was imported" in html
    assert "line 3: topic &#x27;nowhere&#x27; does not exist" in html
    assert "line 4: difficulty:" in html
    assert "line 5: numeric_answer: a numeric task needs one" in html
    assert "line 2" not in html
    assert Task.objects.get(slug="kin-easy-1").title == "Falling stone"
    assert not Task.objects.filter(slug__startswith="new-").exists()


@pytest.mark.django_db
def test_it_reports_bad_options_json_and_missing_columns(
    client: Client, charlie_admin: User, catalog: dict[str, Task]
) -> None:
    client.force_login(charlie_admin)

    bad_json = post_csv(client, f"{TASKS}import/", 'slug,topic,options\nx,waves,"[{""id"": 1"\n')
    no_slug = post_csv(client, f"{TOPICS}import/", "name\nOptics\n")
    not_utf8 = client.post(
        f"{TOPICS}import/",
        {"file": SimpleUploadedFile("t.csv", "slug,name\né,É\n".encode("latin-1"))},
    )

    assert "line 2: options: not valid JSON" in bad_json.content.decode()
    assert "line 1: missing column &#x27;slug&#x27;" in no_slug.content.decode()
    assert "not UTF-8" in not_utf8.content.decode()
    assert Topic.objects.count() == 3


@pytest.mark.django_db
def test_it_shows_a_students_history_at_a_glance(
    client: Client, charlie_admin: User, alice: User, bob: User, catalog: dict[str, Task]
) -> None:
    now = timezone.now()
    for i, correct in enumerate([True, True, False]):
        PracticeTask.objects.create(
            student=alice,
            task=catalog["numeric"],
            status="completed",
            is_correct=correct,
            seconds_taken=30.0,
            assigned_at=now - timedelta(minutes=10 - i),
            answered_at=now - timedelta(minutes=9 - i),
        )
    PracticeTask.objects.create(
        student=alice,
        task=catalog["choice"],
        status="completed",
        is_correct=False,
        seconds_taken=60,
    )
    PracticeTask.objects.create(student=alice, task=catalog["choice"])  # pending
    PracticeTask.objects.create(
        student=bob, task=catalog["choice"], status="completed", is_correct=True
    )
    client.force_login(charlie_admin)
    client.get(f"{PRACTICE}student/{alice.pk}/")  # warm the session and content types

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{PRACTICE}student/{alice.pk}/")

    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals["completed"], totals["correct"], totals["pending"]) == (4, 2, 1)
    assert totals["accuracy"] == pytest.approx(0.5)
    per_topic = {r["task__topic__name"]: r for r in response.context["per_topic"]}
    assert per_topic["Kinematics"]["attempts"] == 3
    assert per_topic["Kinematics"]["accuracy"] == pytest.approx(2 / 3)
    assert per_topic["Waves"]["accuracy"] == 0
    assert len(response.context["recent"]) == 5
    html = response.content.decode()
    assert "67 %" in html and "Falling stone" in html
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert len(queries) <= 8  # session, user, three history queries: no N+1


@pytest.mark.django_db
def test_it_links_a_users_change_page_to_their_history(
    client: Client, charlie_admin: User, alice: User
) -> None:
    client.force_login(charlie_admin)
    response = client.get(f"/admin/auth/user/{alice.pk}/change/")
    assert f"{PRACTICE}student/{alice.pk}/" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [f"{TOPICS}import/", f"{TOPICS}export/", f"{TASKS}export/", f"{PRACTICE}student/1/", TASKS],
)
def test_it_refuses_non_staff(client: Client, alice: User, url: str) -> None:
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_it_refuses_staff_without_permission(client: Client, bob: User, alice: User) -> None:
    bob.is_staff = True
    bob.save()
    bob.user_permissions.add(Permission.objects.get(codename="view_topic"))
    client.force_login(bob)

    assert client.get(f"{TOPICS}export/").status_code == 200  # may view: may export
    assert client.get(f"{TOPICS}import/").status_code == 403
    assert post_csv(client, f"{TOPICS}import/", "slug,name\nx,X\n").status_code == 403
    assert client.get(f"{PRACTICE}student/{alice.pk}/").status_code == 403
    assert not Topic.objects.filter(slug="x").exists()


@pytest.mark.django_db
def test_it_shows_an_empty_history_for_a_student_without_tasks(
    client: Client, charlie_admin: User, bob: User
) -> None:
    client.force_login(charlie_admin)
    response = client.get(f"{PRACTICE}student/{bob.pk}/")
    assert response.status_code == 200
    assert "No completed tasks yet." in response.content.decode()
    assert client.get(f"{PRACTICE}student/999999/").status_code == 404
