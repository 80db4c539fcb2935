"""A teacher's admin shows their own classes and those classes' students, practice tasks and
chats only; another class's ids are 404 on every page and export. Superusers see everything;
model versions and "retrain now" are theirs alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from classes.models import TaskSet
from tests.classes.conftest import World, logged_in


def class_pages(world: World, which: str) -> list[str]:
    school_class = getattr(world, which)
    student = school_class.students.get()
    task = world.charlie_task if which == "class_a" else world.dave_task
    chat = world.charlie_chat if which == "class_a" else world.dave_chat
    pk = school_class.pk
    return [
        f"/admin/classes/schoolclass/{pk}/change/",
        f"/admin/classes/schoolclass/{pk}/view/",
        f"/admin/classes/schoolclass/{pk}/export/",
        f"/admin/classes/schoolclass/{pk}/report/",
        f"/admin/auth/user/{student.pk}/change/",
        f"/admin/tasks/practicetask/student/{student.pk}/",
        f"/admin/tasks/practicetask/{task.pk}/change/",
        f"/admin/tutor/chat/{chat.pk}/change/",
    ]


@pytest.mark.django_db
def test_it_opens_every_page_of_the_teachers_own_class(alice: User, world: World) -> None:
    client = logged_in(alice)
    for url in class_pages(world, "class_a"):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_it_answers_404_for_every_page_of_another_teachers_class(alice: User, world: World) -> None:
    client = logged_in(alice)
    for url in class_pages(world, "class_b"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"dave" not in response.content, url
    # The other change-form pages of those rows too.
    dave = world.class_b.students.get()
    for url in (
        f"/admin/auth/user/{dave.pk}/history/",
        f"/admin/auth/user/{dave.pk}/password/",
        f"/admin/tutor/chat/{world.dave_chat.pk}/history/",
        f"/admin/tasks/practicetask/{world.dave_task.pk}/delete/",
        f"/admin/classes/schoolclass/{world.class_b.pk}/history/",
    ):
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.django_db
def test_it_lists_only_the_teachers_own_rows(alice: User, world: World) -> None:
    client = logged_in(alice)
    pages = {
        "/admin/classes/schoolclass/": ("Class A", "Class B"),
        "/admin/auth/user/": ("charlie", "dave"),
        "/admin/tasks/practicetask/": ("charlie", "dave"),
        "/admin/tutor/chat/": ("charlie&#x27;s chat", "dave&#x27;s chat"),
    }
    for url, (mine, theirs) in pages.items():
        html = client.get(url).content.decode()
        assert mine in html, url
        assert theirs not in html, url


@pytest.mark.django_db
def test_it_narrows_list_filters_and_lookups_to_the_teachers_students(
    alice: User, world: World
) -> None:
    from classes.models import Membership
    from tests.tasks.factories import PracticeTaskFactory

    erin = User.objects.create_user("erin")
    Membership.objects.create(school_class=world.class_a, student=erin)
    PracticeTaskFactory(student=erin, task=world.charlie_task.task, completed=True)
    client = logged_in(alice)
    dave = world.class_b.students.get()
    # A guessed filter on another class's student shows nothing of theirs.
    html = client.get(f"/admin/tasks/practicetask/?student__id__exact={dave.pk}").content.decode()
    assert f'href="?id={world.dave_task.pk}' not in html
    assert "0 practice tasks" in html or "0 results" in html or "dave" not in html
    # The student filter offers alice's students only (RelatedOnlyFieldListFilter).
    html = client.get("/admin/tasks/practicetask/").content.decode()
    assert f"student__id__exact={erin.pk}" in html
    assert f"student__id__exact={dave.pk}" not in html
    # The raw-id lookup popup for a student lists the user changelist: scoped too.
    html = client.get("/admin/auth/user/?_to_field=id&_popup=1").content.decode()
    assert "charlie" in html and "dave" not in html
    # Chats filtered by another class's student: none.
    html = client.get(f"/admin/tutor/chat/?student__id__exact={dave.pk}").content.decode()
    assert "dave" not in html


@pytest.mark.django_db
def test_it_keeps_model_versions_and_retraining_with_superusers(
    alice: User, admin_user: User, world: World
) -> None:
    client = logged_in(alice)
    assert client.get("/admin/mlmodels/modelversion/performance/").status_code == 403
    assert client.post("/admin/mlmodels/modelversion/retrain/").status_code == 403
    assert client.get("/admin/mlmodels/modelversion/").status_code == 403
    assert client.get("/admin/classes/schoolclass/report/").status_code == 403
    index = client.get("/admin/").content.decode()
    assert "Model versions" not in index
    # The bank and the notes are the teachers' to edit, like an admin's.
    assert client.get("/admin/tasks/task/add/").status_code == 200
    assert client.get("/admin/tutor/knowledgeentry/add/").status_code == 200
    admin = logged_in(admin_user)
    assert admin.get("/admin/mlmodels/modelversion/performance/").status_code == 200
    assert admin.get("/admin/classes/schoolclass/report/").status_code == 200


@pytest.mark.django_db
def test_it_shows_a_superuser_every_class_and_student(admin_user: User, world: World) -> None:
    client = logged_in(admin_user)
    for which in ("class_a", "class_b"):
        for url in class_pages(world, which):
            assert client.get(url).status_code == 200, url
    html = client.get("/admin/auth/user/").content.decode()
    assert "charlie" in html and "dave" in html


@pytest.mark.django_db
def test_it_refuses_task_sets_and_handled_marks_on_another_class(alice: User, world: World) -> None:
    from django.utils import timezone

    theirs = TaskSet.objects.create(
        school_class=world.class_b, title="B's set", due_at=timezone.now()
    )
    client = logged_in(alice)
    response = client.get(f"/admin/classes/taskset/{theirs.pk}/change/")
    assert response.status_code == 404 and b"B&#x27;s set" not in response.content
    assert "B&#x27;s set" not in client.get("/admin/classes/taskset/").content.decode()
    # Assigning to a class that is not hers: the class is not even a choice.
    form = client.get("/admin/classes/taskset/add/").content.decode()
    assert "Class A" in form and "Class B" not in form
    response = client.post(
        "/admin/classes/report/handled/".replace("report", "schoolclass/report"),
        {"kind": "refused", "key": "what is a tokamak", "school_class": world.class_b.pk},
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_installs_the_teachers_group_with_the_migrations() -> None:
    from django.contrib.auth.models import Group

    from classes.services import TEACHER_PERMISSIONS

    group = Group.objects.get(name="Teachers")
    granted = {(p.content_type.app_label, p.codename) for p in group.permissions.all()}
    expected = {(app, code) for app, codes in TEACHER_PERMISSIONS.items() for code in codes}
    assert granted == expected
    assert not any(app == "mlmodels" for app, _code in granted)


@pytest.mark.django_db
def test_it_makes_a_teacher_the_teacher_of_the_class_they_create(alice: User, bob: User) -> None:
    from classes.models import SchoolClass

    client = logged_in(alice)
    response = client.post(
        "/admin/classes/schoolclass/add/",
        {
            "name": "Class C",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = SchoolClass.objects.get(name="Class C")
    assert list(created.teachers.all()) == [alice]
    assert len(created.join_code) == 8
    assert "Class C" not in logged_in(bob).get("/admin/classes/schoolclass/").content.decode()


@pytest.mark.django_db
def test_it_tells_students_on_the_chat_page_that_teachers_read_chats(charlie: User) -> None:
    html = logged_in(charlie).get("/tutor/").content.decode()
    assert "Your teachers can read your tutor chats" in html
