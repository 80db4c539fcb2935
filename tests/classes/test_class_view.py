"""The class view: a heatmap of accuracy and predicted chance, struggling and inactive
students with their reasons, sorting, links, and the CSV export of the same table."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from classes.models import ChanceSnapshot, Membership, SchoolClass, TaskSet
from classes.overview import class_overview
from tasks.models import PracticeTask
from tests.classes.conftest import logged_in
from tests.tasks.factories import PracticeTaskFactory


def answered(student: User, task, *, correct: bool, days_ago: float = 0, minutes: int = 0):
    at = timezone.now() - timedelta(days=days_ago, minutes=minutes)
    return PracticeTaskFactory(
        student=student, task=task, completed=True, is_correct=correct, assigned_at=at
    )


@pytest.fixture
def classroom(alice: User, class_a: SchoolClass, charlie: User, bank) -> dict:
    """charlie: steady; erin: three wrong in a row on Waves; finn: last practised 20 days
    ago; gus: never practised."""
    kin, waves = bank["kinematics"], bank["waves"]
    people = {"charlie": charlie}
    for name in ("erin", "finn", "gus"):
        people[name] = User.objects.create_user(name)
        Membership.objects.create(school_class=class_a, student=people[name])
    for i in range(4):
        answered(charlie, kin[i % 3], correct=True, minutes=50 - i)
    answered(charlie, waves[0], correct=False, minutes=10)
    answered(erin := people["erin"], kin[0], correct=True, minutes=40)
    for i in range(3):
        answered(erin, waves[i], correct=False, minutes=30 - i)
    answered(people["finn"], kin[1], correct=True, days_ago=20.5)
    return people


@pytest.mark.django_db
def test_it_draws_both_heatmaps_with_a_cell_per_student_and_topic(
    alice: User, class_a: SchoolClass, classroom: dict
) -> None:
    html = logged_in(alice).get(f"/admin/classes/schoolclass/{class_a.pk}/view/").content.decode()
    for measure in ("accuracy", "chance"):
        start = html.index(f'id="heatmap-{measure}"')
        svg = html[start : html.index("</svg>", start)]
        assert svg.count('<g class="cell"') == 4 * 2  # 4 students × 2 topics
    charlie = classroom["charlie"]
    kin = PracticeTask.objects.filter(student=charlie).first().task.topic
    # charlie got all four kinematics tasks right: 100 %, with the count in the tooltip.
    assert f'data-student="{charlie.pk}" data-topic="{kin.pk}"' in html
    assert "charlie · Kinematics: 100% (4/4 right)" in html
    # Each name links to the history at a glance, and each row to the student's chats.
    assert f"/admin/tasks/practicetask/student/{charlie.pk}/" in html
    assert f"/admin/tutor/chat/?student__id__exact={charlie.pk}" in html


@pytest.mark.django_db
def test_it_lists_struggling_and_inactive_students_with_reasons(
    alice: User, class_a: SchoolClass, classroom: dict
) -> None:
    overview = class_overview(school_class=class_a)
    struggling = {r.student.username: r.struggling for r in overview.struggling}
    inactive = {r.student.username: r.inactive for r in overview.inactive}
    assert struggling == {"erin": ["3 wrong answers in a row (Waves)"]}
    assert set(inactive) == {"finn", "gus"}
    assert inactive["gus"] == "has not practised yet"
    assert inactive["finn"].startswith("no practice for 20 days")
    html = logged_in(alice).get(f"/admin/classes/schoolclass/{class_a.pk}/view/").content.decode()
    struggling_box = html[html.index('id="struggling"') : html.index('id="inactive"')]
    assert "erin" in struggling_box and "3 wrong answers in a row (Waves)" in struggling_box
    assert "charlie" not in struggling_box


@pytest.mark.django_db
def test_it_flags_a_falling_predicted_chance_on_an_assigned_topic(
    alice: User, class_a: SchoolClass, classroom: dict, bank
) -> None:
    charlie = classroom["charlie"]
    waves = bank["waves"][0].topic
    kin = bank["kinematics"][0].topic
    now = class_overview(school_class=class_a)
    today = {r.student.pk: r for r in now.rows}[charlie.pk].cells
    # Five days ago the models gave charlie 30 points more on both topics.
    ChanceSnapshot.objects.create(
        student=charlie,
        taken_on=timezone.localdate() - timedelta(days=5),
        chances={str(t.pk): today[t.pk].p_correct + 0.3 for t in (waves, kin)},
    )
    # Not assigned yet: no alarm.
    assert charlie.pk not in {r.student.pk for r in class_overview(school_class=class_a).struggling}
    task_set = TaskSet.objects.create(
        school_class=class_a, title="Waves", due_at=timezone.now() + timedelta(days=1)
    )
    task_set.topics.set([waves])
    reasons = {r.student.pk: r.struggling for r in class_overview(school_class=class_a).rows}
    assert len(reasons[charlie.pk]) == 1
    assert reasons[charlie.pk][0].startswith("predicted chance on Waves fell from ")
    # Today's chances were kept, once a day.
    assert (
        ChanceSnapshot.objects.filter(student=charlie, taken_on=timezone.localdate()).count() == 1
    )


@pytest.mark.django_db
def test_it_sorts_by_a_topic_and_by_name(
    alice: User, class_a: SchoolClass, classroom: dict, bank
) -> None:
    waves = bank["waves"][0].topic
    order = [
        r.student.username
        for r in class_overview(school_class=class_a, sort=f"acc:{waves.pk}").rows
    ]
    # charlie 0 % (1 try), erin 0 % (3 tries) on waves; finn and gus have none: last.
    assert order[2:] == ["finn", "gus"]
    order = [
        r.student.username for r in class_overview(school_class=class_a, sort="-accuracy").rows
    ]
    assert order == ["finn", "charlie", "erin", "gus"]
    order = [r.student.username for r in class_overview(school_class=class_a, sort="-name").rows]
    assert order == ["gus", "finn", "erin", "charlie"]
    # The page's column headings link to both directions.
    client = logged_in(alice)
    html = client.get(
        f"/admin/classes/schoolclass/{class_a.pk}/view/?sort=acc:{waves.pk}"
    ).content.decode()
    assert f"?sort=-acc%3A{waves.pk}" in html
    assert (
        client.get(f"/admin/classes/schoolclass/{class_a.pk}/view/?sort=nonsense").status_code
        == 200
    )


@pytest.mark.django_db
def test_it_exports_the_table_as_csv_with_formula_cells_escaped(
    alice: User, class_a: SchoolClass, classroom: dict
) -> None:
    sneaky = User.objects.create_user("=cmd|calc")
    Membership.objects.create(school_class=class_a, student=sneaky)
    response = logged_in(alice).get(f"/admin/classes/schoolclass/{class_a.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_name = {r["student"]: r for r in rows}
    assert set(by_name) == {"charlie", "erin", "finn", "gus", "'=cmd|calc"}
    assert by_name["charlie"]["Kinematics accuracy"] == "1.000"
    assert by_name["charlie"]["Kinematics attempts"] == "4"
    assert 0 < float(by_name["charlie"]["Kinematics chance"]) < 1
    assert by_name["erin"]["struggling"] == "3 wrong answers in a row (Waves)"
    assert by_name["gus"]["inactive"] == "has not practised yet"


@pytest.mark.django_db
def test_it_keeps_a_daily_snapshot_for_every_class_from_a_scheduled_job(
    class_a: SchoolClass, classroom: dict
) -> None:
    from django_q.models import Schedule

    from classes.jobs import record_class_chances

    assert Schedule.objects.filter(func="classes.jobs.record_class_chances").count() == 1
    assert record_class_chances() == "snapshots for 4 students in 1 classes"
    record_class_chances()  # the day's first snapshot stays; nothing doubles
    snapshots = ChanceSnapshot.objects.filter(taken_on=timezone.localdate())
    assert snapshots.count() == 4
    waves = str(PracticeTask.objects.filter(task__topic__slug="waves").first().task.topic_id)
    assert all(0 < s.chances[waves] < 1 for s in snapshots)
