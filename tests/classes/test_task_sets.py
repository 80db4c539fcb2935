"""Task sets through the real pages: a teacher assigns one in the admin, every student of the
class gets ordinary practice tasks, sees the set first on the dashboard with its due date and
progress, late work is accepted and marked late, and the class view shows completion."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from classes.models import AssignedTask, Membership, SchoolClass, TaskSet
from classes.services import assigned_first, join_class
from tasks.models import PracticeTask, Task
from tests.classes.conftest import logged_in


def due_fields(when: datetime) -> dict[str, str]:
    local = timezone.localtime(when, ZoneInfo("Europe/London"))
    return {"due_at_0": local.strftime("%Y-%m-%d"), "due_at_1": local.strftime("%H:%M:%S")}


def assign_in_admin(client: Client, **fields: object) -> object:
    data = {"count": "5", "target_percent": "70", **fields}
    return client.post("/admin/classes/taskset/add/", data)


def answer(client: Client, practice: PracticeTask, *, right: bool) -> None:
    client.get(f"/practice/{practice.pk}/")  # the first fetch starts the clock
    value = practice.task.numeric_answer if right else 999.0
    response = client.post(f"/practice/{practice.pk}/answer/", {"answer": str(value)})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.mark.django_db
def test_it_assigns_chosen_tasks_to_every_student_of_the_class(
    settings, alice: User, class_a: SchoolClass, charlie: User, bank
) -> None:
    settings.SCHOOL_TIME_ZONE = "Europe/London"
    erin = User.objects.create_user("erin", password="erin-password-1")
    Membership.objects.create(school_class=class_a, student=erin)
    chosen = bank["kinematics"][:2]
    due = timezone.now() + timedelta(days=3)
    response = assign_in_admin(
        logged_in(alice),
        school_class=class_a.pk,
        title="Falling bodies",
        kind="chosen",
        tasks=[t.pk for t in chosen],
        **due_fields(due),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    task_set = TaskSet.objects.get()
    assert response["Location"].endswith(f"/admin/classes/schoolclass/{class_a.pk}/view/")
    # Entered in school time, stored as the same instant, with the zone it was set in.
    assert abs((task_set.due_at - due).total_seconds()) < 1
    assert task_set.time_zone == "Europe/London" and task_set.created_by == alice
    for student in (charlie, erin):
        practice = PracticeTask.objects.filter(student=student, assignment__task_set=task_set)
        assert sorted(p.task_id for p in practice) == sorted(t.pk for t in chosen)
        # Ordinary practice tasks: predicted at assignment like any other.
        assert all(p.assigned_source and p.assigned_p_correct is not None for p in practice)


@pytest.mark.django_db
def test_it_assigns_adaptive_tasks_from_the_topics_at_the_target(
    alice: User, class_a: SchoolClass, charlie: User, bank
) -> None:
    response = assign_in_admin(
        logged_in(alice),
        school_class=class_a.pk,
        title="Waves practice",
        kind="adaptive",
        topics=[bank["waves"][0].topic_id],
        count="2",
        target_percent="60",
        **due_fields(timezone.now() + timedelta(days=2)),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    practice = PracticeTask.objects.filter(student=charlie, assignment__isnull=False)
    assert practice.count() == 2
    assert {p.task.topic.slug for p in practice} == {"waves"}


@pytest.mark.django_db
def test_it_refuses_an_incomplete_or_bad_set(alice: User, class_a: SchoolClass, bank) -> None:
    client = logged_in(alice)
    due = due_fields(timezone.now() + timedelta(days=1))
    common = {"school_class": class_a.pk, "title": "x", **due}
    cases = [
        ({"kind": "chosen"}, "Choose the tasks"),
        ({"kind": "adaptive"}, "Choose the topics"),
        (
            {"kind": "adaptive", "topics": [bank["waves"][0].topic_id], "count": "50"},
            "From 1 to 20",
        ),
        (
            {"kind": "chosen", "tasks": [Task.objects.get(slug="chess:1").pk]},
            "cannot be assigned",
        ),
    ]
    for fields, message in cases:
        response = assign_in_admin(client, **{**common, **fields})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not TaskSet.objects.exists()
    assert not PracticeTask.objects.exists()


@pytest.mark.django_db
def test_it_shows_the_set_first_on_the_dashboard_and_tracks_progress_and_lateness(
    alice: User, class_a: SchoolClass, charlie: User, bank
) -> None:
    chosen = bank["kinematics"]
    assign_in_admin(
        logged_in(alice),
        school_class=class_a.pk,
        title="Falling bodies",
        kind="chosen",
        tasks=[t.pk for t in chosen],
        **due_fields(timezone.now() + timedelta(days=3)),
    )
    task_set = TaskSet.objects.get()
    student = logged_in(charlie)
    html = student.get("/").content.decode()
    # First on the page: before the weakest topic and the self-chosen practice.
    assert html.index('id="assigned-sets"') < html.index('id="pending"')
    assert "Falling bodies" in html and "0/3 done" in html
    assert f'datetime="{task_set.due_at.isoformat()}"' in html
    first, second, third = assigned_first(student=charlie)
    answer(student, first, right=True)
    # The due date passes: late work is still accepted, and marked late.
    TaskSet.objects.filter(pk=task_set.pk).update(due_at=timezone.now())
    answer(student, second, right=False)
    html = student.get("/").content.decode()
    assert "2/3 done · 1 right · 1 late" in html
    assert "overdue" in html
    # The class view: completion, accuracy and what is overdue.
    view = logged_in(alice).get(f"/admin/classes/schoolclass/{class_a.pk}/view/").content.decode()
    assert "2/3 done · 50% right · 1 late · <strong>overdue</strong>" in view
    assert "overdue for charlie" in view
    answer(student, third, right=True)
    view = logged_in(alice).get(f"/admin/classes/schoolclass/{class_a.pk}/view/").content.decode()
    assert "3/3 done · 67% right · 2 late" in view and "everyone finished" in view


@pytest.mark.django_db
def test_a_skipped_task_finishes_its_place_in_the_set_and_shows_as_skipped(
    alice: User, class_a: SchoolClass, charlie: User, bank
) -> None:
    from classes.services import student_task_sets
    from tasks.services import skip_practice_task

    assign_in_admin(
        logged_in(alice),
        school_class=class_a.pk,
        title="Falling bodies",
        kind="chosen",
        tasks=[t.pk for t in bank["kinematics"][:2]],
        **due_fields(timezone.now() + timedelta(days=3)),
    )
    student = logged_in(charlie)
    first, second = assigned_first(student=charlie)
    skip_practice_task(practice_task_id=first.pk, student=charlie)
    (progress,) = student_task_sets(student=charlie)
    # "Continue" leads to the task still to do, never to the skipped one.
    assert progress.next_practice_id == second.pk and not progress.is_done
    dashboard = student.get("/").content.decode()
    assert "0/2 done · 1 skipped" in dashboard
    # The set was begun (a task was passed over): the button goes on, it does not start.
    assert f'href="/practice/{second.pk}/">Continue</a>' in dashboard
    answer(student, second, right=True)
    (progress,) = student_task_sets(student=charlie)
    assert progress.is_done and progress.next_practice_id is None
    # Moved past its due date (so the answer counts late) the set is finished, not overdue:
    # nothing is left to do.
    TaskSet.objects.update(due_at=timezone.now() - timedelta(hours=1))
    view = logged_in(alice).get(f"/admin/classes/schoolclass/{class_a.pk}/view/").content.decode()
    assert "1/2 done · 100% right · 1 late · 1 skipped" in view
    assert "<strong>overdue</strong>" not in view and "everyone finished" in view


@pytest.mark.django_db
def test_it_gives_open_sets_to_students_who_join_later(
    alice: User, class_a: SchoolClass, bank
) -> None:
    now = timezone.now()
    open_set = TaskSet.objects.create(
        school_class=class_a, title="Open", kind="chosen", due_at=now + timedelta(days=1)
    )
    open_set.tasks.set(bank["waves"][:2])
    closed_set = TaskSet.objects.create(
        school_class=class_a, title="Closed", kind="chosen", due_at=now - timedelta(days=1)
    )
    closed_set.tasks.set(bank["kinematics"][:1])
    late_joiner = User.objects.create_user("ivy", password="ivy-password-1")
    join_class(student=late_joiner, code=class_a.join_code)
    assert AssignedTask.objects.filter(student=late_joiner, task_set=open_set).count() == 2
    assert not AssignedTask.objects.filter(student=late_joiner, task_set=closed_set).exists()
    # Joining again hands out nothing twice.
    join_class(student=late_joiner, code=class_a.join_code)
    assert AssignedTask.objects.filter(student=late_joiner).count() == 2
    html = logged_in(late_joiner).get("/").content.decode()
    assert "Open" in html and "0/2 done" in html and "Closed" not in html


@pytest.mark.django_db
def test_it_edits_only_the_due_date_after_assignment(
    alice: User, class_a: SchoolClass, charlie: User, bank
) -> None:
    client = logged_in(alice)
    assign_in_admin(
        client,
        school_class=class_a.pk,
        title="Falling bodies",
        kind="chosen",
        tasks=[bank["kinematics"][0].pk],
        **due_fields(timezone.now() + timedelta(days=3)),
    )
    task_set = TaskSet.objects.get()
    later = timezone.now() + timedelta(days=10)
    response = client.post(
        f"/admin/classes/taskset/{task_set.pk}/change/", {"title": "Renamed", **due_fields(later)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task_set.refresh_from_db()
    assert task_set.title == "Renamed" and abs((task_set.due_at - later).total_seconds()) < 1
    assert list(task_set.tasks.all()) == [bank["kinematics"][0]]
    assert PracticeTask.objects.filter(student=charlie).count() == 1


@pytest.mark.django_db
def test_it_shows_teachers_due_dates_in_the_school_zone(
    settings, alice: User, class_a: SchoolClass, charlie: User, bank
) -> None:
    settings.SCHOOL_TIME_ZONE = "America/New_York"
    new_york = ZoneInfo("America/New_York")
    due = datetime(2031, 1, 15, 17, 0, tzinfo=new_york)  # 22:00 UTC
    response = assign_in_admin(
        logged_in(alice),
        school_class=class_a.pk,
        title="Winter set",
        kind="chosen",
        tasks=[bank["waves"][0].pk],
        due_at_0="2031-01-15",
        due_at_1="17:00:00",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task_set = TaskSet.objects.get()
    assert task_set.due_at == due and task_set.time_zone == "America/New_York"
    view = logged_in(alice).get(f"/admin/classes/schoolclass/{class_a.pk}/view/").content.decode()
    assert "due Wed 15 Jan, 17:00" in view
    listing = logged_in(alice).get("/admin/classes/taskset/").content.decode()
    assert "Wed 15 Jan 2031, 17:00 (America/New_York)" in listing
    # The student's page carries the instant; their browser shows it in their own zone.
    html = logged_in(charlie).get("/").content.decode()
    assert 'datetime="2031-01-15T22:00:00+00:00"' in html
    # Without JavaScript the text reads in the school's zone.
    assert "Wed 15 Jan 2031, 17:00 EST" in html


@pytest.mark.django_db
def test_it_answers_404_for_absurd_class_ids(alice: User) -> None:
    client = logged_in(alice)
    for url in (
        "/admin/classes/schoolclass/99999999999999999999999/view/",
        "/admin/classes/schoolclass/999999999999999999/export/",
    ):
        # (Past 18 digits the admin's catch-all redirects to a change page first: 404 too.)
        assert client.get(url, follow=True).status_code == 404
    response = client.post(
        "/admin/classes/schoolclass/report/handled/",
        {"kind": "refused", "key": "x", "school_class": "9" * 30},
    )
    assert response.status_code == 404
