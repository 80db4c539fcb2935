"""`seed_demo` gives the demo teacher a class where every view has something to show."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from classes.models import AssignedTask, SchoolClass, TaskSet
from classes.overview import class_overview
from classes.report import tutor_report
from classes.services import DEMO_TEACHER


@pytest.mark.django_db
def test_it_seeds_the_demo_teacher_and_class_once() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    teacher = User.objects.get(username=DEMO_TEACHER[0])
    assert teacher.check_password(DEMO_TEACHER[1])
    assert teacher.is_staff and not teacher.is_superuser
    assert teacher.groups.filter(name="Teachers").exists()
    school_class = SchoolClass.objects.get()
    assert list(school_class.teachers.all()) == [teacher]
    usernames = set(school_class.students.values_list("username", flat=True))
    assert "student" in usernames and len(usernames) == 7
    task_set = TaskSet.objects.get()
    assert task_set.due_at.tzinfo is not None
    assert AssignedTask.objects.filter(task_set=task_set).values("student").distinct().count() == 7
    report = tutor_report(school_class=school_class, students=school_class.students.all())
    assert len(report.refused) >= 3
    overview = class_overview(school_class=school_class)
    assert overview.struggling and all(r.struggling for r in overview.struggling)
    # A second run creates nothing.
    call_command("seed_demo", stdout=io.StringIO())
    assert SchoolClass.objects.count() == 1 and TaskSet.objects.count() == 1
    assert AssignedTask.objects.count() == AssignedTask.objects.filter(task_set=task_set).count()
    assert len(tutor_report(school_class=school_class, students=None).refused) == len(
        report.refused
    )


def test_it_prints_the_demo_teachers_login_with_the_others() -> None:
    from studysmart.management.commands.start_all import Command

    out = io.StringIO()
    command = Command(stdout=out)
    command.announce("127.0.0.1", 8000)
    text = out.getvalue()
    assert "student:  student / study-smart-demo" in text
    assert f"teacher:  {DEMO_TEACHER[0]} / {DEMO_TEACHER[1]}" in text
