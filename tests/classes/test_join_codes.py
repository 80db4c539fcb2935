"""Students join a class with its code, at sign-up or from the dashboard; wrong codes are
throttled, a rotated code stops working, and a teacher removes a student without touching
their data."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from classes.models import JOIN_CODE_ALPHABET, Membership, SchoolClass
from classes.services import remove_student, rotate_join_code
from tasks.models import PracticeTask
from tests.classes.conftest import World, logged_in


def join(client: Client, code: str) -> str:
    response = client.post("/classes/join/", {"code": code}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_it_joins_with_the_code_typed_loosely(class_a: SchoolClass, dave: User) -> None:
    code = class_a.join_code
    typed = f" {code[:4].lower()}-{code[4:].lower()} "
    html = join(logged_in(dave), typed)
    assert "You joined Class A" in html
    assert Membership.objects.filter(school_class=class_a, student=dave).exists()
    # Several classes per student: dave stays in class B too.
    assert (
        dave.school_classes.count()
        == 1 + Membership.objects.filter(student=dave, school_class__name="Class B").count()
    )


@pytest.mark.django_db
def test_it_refuses_a_wrong_code_and_throttles_guessing(
    class_a: SchoolClass, dave: User, settings
) -> None:
    settings.CLASS_JOIN_ATTEMPTS = 3
    client = logged_in(dave)
    for _ in range(3):
        assert "not valid" in join(client, "WRONG123")
    # Past the limit even the right code is refused for a while: guessing gains nothing.
    html = join(client, class_a.join_code)
    assert "Too many wrong class codes" in html
    assert not Membership.objects.filter(school_class=class_a, student=dave).exists()
    # Another student is not held back by dave's guesses.
    erin = User.objects.create_user("erin")
    assert "You joined Class A" in join(logged_in(erin), class_a.join_code)


@pytest.mark.django_db
def test_it_stops_a_rotated_code(class_a: SchoolClass, dave: User, alice: User) -> None:
    old = class_a.join_code
    # The teacher rotates it from the class's change page.
    response = logged_in(alice).post(f"/admin/classes/schoolclass/{class_a.pk}/rotate/")
    assert response.status_code == 302
    class_a.refresh_from_db()
    assert class_a.join_code != old
    assert "not valid" in join(logged_in(dave), old)
    assert "You joined Class A" in join(logged_in(dave), class_a.join_code)


@pytest.mark.django_db
def test_it_refuses_rotation_by_another_teacher(class_a: SchoolClass, bob: User) -> None:
    old = class_a.join_code
    response = logged_in(bob).post(f"/admin/classes/schoolclass/{class_a.pk}/rotate/")
    assert response.status_code == 404
    class_a.refresh_from_db()
    assert class_a.join_code == old


@pytest.mark.django_db
def test_it_joins_at_sign_up(class_a: SchoolClass) -> None:
    client = Client()
    form = {
        "username": "frank",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
    }
    response = client.post("/accounts/signup/", {**form, "class_code": "NOPE-NOPE"})
    assert response.status_code == 200
    assert "not valid" in response.content.decode()
    assert not User.objects.filter(username="frank").exists()  # nothing half-created
    response = client.post("/accounts/signup/", {**form, "class_code": class_a.join_code_display})
    assert response.status_code == 302
    frank = User.objects.get(username="frank")
    assert Membership.objects.filter(school_class=class_a, student=frank).exists()
    # Without a code sign-up works as before.
    other = Client().post(
        "/accounts/signup/",
        {
            "username": "gina",
            "password1": "another-pass-phrase-7",
            "password2": "another-pass-phrase-7",
        },
    )
    assert (
        other.status_code == 302 and not User.objects.get(username="gina").school_classes.exists()
    )


@pytest.mark.django_db
def test_it_throttles_wrong_codes_at_sign_up_by_address(class_a: SchoolClass, settings) -> None:
    settings.CLASS_JOIN_ATTEMPTS = 2
    client = Client()
    for i in range(2):
        client.post("/accounts/signup/", {"username": f"x{i}", "class_code": "BAD"})
    response = client.post(
        "/accounts/signup/",
        {
            "username": "henry",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
            "class_code": class_a.join_code,
        },
    )
    assert "Too many wrong class codes" in response.content.decode()
    assert not User.objects.filter(username="henry").exists()


@pytest.mark.django_db
def test_it_removes_a_student_without_touching_their_data(alice: User, world: World) -> None:
    charlie = world.class_a.students.get()
    attempts = PracticeTask.objects.filter(student=charlie).count()
    chats = charlie.tutor_chats.count()
    membership = Membership.objects.get(school_class=world.class_a, student=charlie)
    # The teacher deletes the row in the class's "students" inline.
    client = logged_in(alice)
    url = f"/admin/classes/schoolclass/{world.class_a.pk}/change/"
    data = {
        "name": "Class A",
        "teachers": [alice.pk],
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": membership.pk,
        "memberships-0-school_class": world.class_a.pk,
        "memberships-0-DELETE": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert PracticeTask.objects.filter(student=charlie).count() == attempts
    assert charlie.tutor_chats.count() == chats
    assert User.objects.filter(pk=charlie.pk, is_active=True).exists()
    # And alice no longer sees charlie's rows.
    assert client.get(f"/admin/tasks/practicetask/student/{charlie.pk}/").status_code == 404
    # The service does the same for code paths outside the admin.
    Membership.objects.create(school_class=world.class_a, student=charlie)
    assert remove_student(school_class=world.class_a, student=charlie)
    assert PracticeTask.objects.filter(student=charlie).count() == attempts


@pytest.mark.django_db
def test_it_draws_a_new_unique_code(class_a: SchoolClass, class_b: SchoolClass) -> None:
    seen = {class_a.join_code, class_b.join_code}
    for _ in range(20):
        seen.add(rotate_join_code(school_class=class_a))
    assert len(seen) == 22
    assert all(len(code) == 8 and set(code) <= set(JOIN_CODE_ALPHABET) for code in seen)
