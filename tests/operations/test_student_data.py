"""A student's data: exported whole, erased without a trace (command and admin)."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mlmodels.models import LearningState, LnirtOffset, StudentModelState
from operations.models import ErasedStudent
from operations.student_data import (
    EXPORTED_TABLES,
    NOT_ABOUT_THE_STUDENT,
    RELATED_APPS,
    erase_student,
    export_student,
)
from studysmart.models import Preference
from tasks.models import PracticeTask
from tests.tasks.factories import TaskFactory
from tutor.models import Chat, ChatMessage

# Strings only alice's account and her own words contain: none may survive an erasure.
ALICE_SECRETS = (
    "alice",
    "Liddell",
    "alice.liddell@example.org",
    "my cat Dinah",
    "4.20815",
)


@pytest.fixture
def alice_with_history(alice: User) -> User:
    alice.first_name, alice.last_name = "Alice", "Liddell"
    alice.email = "alice.liddell@example.org"
    alice.save()
    now = timezone.now()
    for i, answer in enumerate(["4.20815", "3.5"]):
        PracticeTask.objects.create(
            student=alice,
            task=TaskFactory(),
            status=PracticeTask.Status.COMPLETED,
            shown_at=now,
            answered_at=now,
            answer=answer,
            is_correct=i == 0,
            seconds_taken=30.0 + i,
            assigned_p_correct=0.6,
            assigned_source="average",
        )
    chat = Chat.objects.create(student=alice, title="Falling with my cat Dinah")
    ChatMessage.objects.create(chat=chat, role="user", text="Does my cat Dinah fall faster?")
    ChatMessage.objects.create(
        chat=chat, role="assistant", text="No: g is the same.", intent="problem", rating=-1
    )
    StudentModelState.objects.create(student=alice, theta=0.42, tau=-0.1, attempts=2)
    task = PracticeTask.objects.filter(student=alice).select_related("task__topic")[0].task
    LnirtOffset.objects.create(
        student=alice, scope="topic", key=task.topic_id, ability=-0.31, last_attempt_at=now
    )
    LnirtOffset.objects.create(
        student=alice, scope="task", key=task.pk, ability=0.27, last_attempt_at=now
    )
    LearningState.objects.create(
        student=alice,
        scope="topic",
        key=task.topic_id,
        values=[1.0, 2.0],
        attempts=2,
        p_after_last=0.71,
    )
    Preference.objects.create(user=alice, theme="dark")
    return alice


def everything_stored() -> str:
    """Every value of every row of every table, as one text to search."""
    parts = []
    for model in apps.get_models():
        for row in model._base_manager.values_list():
            parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def test_it_exports_everything_about_a_student_and_nothing_else(
    alice_with_history: User, bob: User
) -> None:
    Chat.objects.create(student=bob, title="Bob's own chat")
    data = export_student(user=alice_with_history)
    json.dumps(data)  # serialisable as it is
    assert data["account"]["username"] == "alice"
    assert data["account"]["email"] == "alice.liddell@example.org"
    assert "password" not in json.dumps(data["account"])
    assert sorted(a["answer"] for a in data["attempts"]) == ["3.5", "4.20815"]
    assert data["attempts"][0]["prediction_at_assignment"]["source"] == "average"
    assert data["predictions"]["student_model"]["ability"] == 0.42
    task = PracticeTask.objects.filter(student=alice_with_history)[0].task
    assert {
        (o["scope"], o.get("topic") or o.get("task"), o["ability"])
        for o in data["predictions"]["offsets"]
    } == {("topic", task.topic.slug, -0.31), ("task", task.slug, 0.27)}
    [learning] = data["predictions"]["learning_state"]
    assert (learning["topic"], learning["state"]) == (task.topic.slug, [1.0, 2.0])
    assert learning["chance_after_last_attempt"] == 0.71
    assert data["preferences"] == {"theme": "dark"}
    assert [c["title"] for c in data["chats"]] == ["Falling with my cat Dinah"]
    assert [m["text"] for m in data["chats"][0]["messages"]] == [
        "Does my cat Dinah fall faster?",
        "No: g is the same.",
    ]
    assert [r["value"] for r in data["ratings"]] == [-1]
    assert "Bob" not in json.dumps(data)


def test_every_table_that_points_at_a_student_is_exported_or_said_not_to_be() -> None:
    """A new table about a student must join the export (or be named as not about one)."""
    from django.contrib.auth.models import User as UserModel

    pointing = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "related_model", None) is UserModel and (
                getattr(field, "concrete", False) or field.many_to_many
            ):
                pointing.add(model._meta.label_lower)
    covered = {
        label
        for label in pointing
        if label in EXPORTED_TABLES
        or label in NOT_ABOUT_THE_STUDENT
        or label.split(".")[0] in RELATED_APPS
    }
    assert pointing - covered == set()
    assert set(EXPORTED_TABLES) <= pointing  # no stale names


def test_it_erases_a_student_and_keeps_their_attempts_anonymously(
    alice_with_history: User,
) -> None:
    tasks = sorted(PracticeTask.objects.values_list("task_id", "is_correct", "seconds_taken"))
    erasure = erase_student(user=alice_with_history, attempts="keep")
    assert erasure.attempts_kept == 2
    assert not User.objects.filter(username="alice").exists()
    assert not Chat.objects.exists() and not ChatMessage.objects.exists()
    assert not StudentModelState.objects.exists()
    # The models keep what they learn from: same outcomes, under one account that says nothing.
    kept = PracticeTask.objects.all()
    assert sorted(kept.values_list("task_id", "is_correct", "seconds_taken")) == tasks
    stand_in = kept.first().student
    assert stand_in.username.startswith("erased-") and not stand_in.has_usable_password()
    stored = everything_stored()
    for secret in ALICE_SECRETS:
        assert secret not in stored, f"{secret!r} survived the erasure"


def test_it_deletes_the_attempts_when_the_setting_says_so(
    alice_with_history: User, settings: Any
) -> None:
    settings.ERASE_ATTEMPTS = "delete"
    erasure = erase_student(user=alice_with_history)
    assert erasure.attempts_deleted == 2
    assert not PracticeTask.objects.exists()
    assert not User.objects.filter(username__startswith="erased-").exists()


def test_it_refuses_to_erase_staff(charlie_admin: User) -> None:
    with pytest.raises(ValueError, match="staff"):
        erase_student(user=charlie_admin)
    assert User.objects.filter(pk=charlie_admin.pk).exists()


def test_it_exports_and_erases_through_the_commands(
    alice_with_history: User, tmp_path: Path
) -> None:
    out = tmp_path / "alice.json"
    call_command("export_student", "alice", "--output", str(out), stderr=StringIO())
    assert json.loads(out.read_text())["account"]["last_name"] == "Liddell"
    stdout = StringIO()
    call_command("erase_student", "alice", "--yes", "--attempts", "delete", stdout=stdout)
    assert "erased alice" in stdout.getvalue()
    assert not User.objects.filter(username="alice").exists()


def test_it_exports_and_erases_through_the_admin(
    alice_with_history: User, charlie_admin: User, client: Client
) -> None:
    client.force_login(charlie_admin)
    url = "/admin/auth/user/"
    selected = {"_selected_action": [alice_with_history.pk]}
    response = client.post(url, {"action": "export_students", **selected})
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["chats"][0]["title"] == "Falling with my cat Dinah"

    confirm = client.post(url, {"action": "erase_students", **selected})
    assert confirm.status_code == 200 and b"cannot be undone" in confirm.content
    assert User.objects.filter(username="alice").exists(), "nothing erased before confirming"
    done = client.post(
        url, {"action": "erase_students", "confirmed": "yes", "attempts": "keep", **selected}
    )
    assert done.status_code == 302
    assert not User.objects.filter(username="alice").exists()
    assert PracticeTask.objects.count() == 2


def test_it_refuses_the_admin_actions_to_staff_who_are_not_superusers(
    alice_with_history: User, client: Client
) -> None:
    from django.contrib.auth.models import Permission

    teacher = User.objects.create_user("tess", password="tess-password-1", is_staff=True)
    teacher.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(teacher)
    response = client.post(
        "/admin/auth/user/",
        {
            "action": "erase_students",
            "confirmed": "yes",
            "_selected_action": [alice_with_history.pk],
        },
    )
    assert response.status_code == 403
    assert User.objects.filter(username="alice").exists()


def test_it_does_not_bring_an_erased_student_back_on_reimport(db: None, tmp_path: Path) -> None:
    from tasks.attempts_import import do_import_attempts, imported_username

    path = tmp_path / "school.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["user_id", "item_id", "correct", "position"])
        for user in ("ann", "ben"):
            for item in ("1", "2", "3"):
                writer.writerow([user, item, "1", item])
    do_import_attempts(path=path, source="school")
    ann = User.objects.get(username=imported_username(source="school", user="ann"))
    erase_student(user=ann, attempts="keep")
    assert ErasedStudent.objects.filter(source="school").count() == 1

    do_import_attempts(path=path, source="school")
    assert not User.objects.filter(username=imported_username(source="school", user="ann")).exists()
    # ann's kept attempts (3) and ben's (3), nothing imported twice or recreated.
    assert PracticeTask.objects.count() == 6
    assert "school.ann" not in everything_stored()
