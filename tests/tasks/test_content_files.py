"""The question bank as files: validation that names file, entry and field; seeding that keeps
what teachers changed in the admin; retirement of tasks gone from the files."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from studysmart.content import ContentError
from studysmart.management.commands import start_all
from tasks import services
from tasks.content import ANSWER_KINDS, DIFFICULTIES, load_bank
from tasks.models import AnswerKind, Difficulty, PracticeTask, Task, Topic
from tests.tasks.factories import PracticeTaskFactory

REPO_CONTENT = Path(__file__).resolve().parents[2] / "content"
MARATHON = "kinematics-marathon-average-speed"


@pytest.fixture
def content(tmp_path: Path, settings: Any) -> Path:
    """A copy of the repository's content/ that a test may break; seeding reads it."""
    copy = tmp_path / "content"
    shutil.copytree(REPO_CONTENT, copy)
    settings.CONTENT_DIR = copy
    return copy


def edit_yaml(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def task_in(data: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(t for t in data["tasks"] if t["slug"] == slug)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def errors_of(content_dir: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_bank(content_dir)
    return str(caught.value)


def task_form(task: Task, **changes: Any) -> dict[str, Any]:
    """The admin change form of ``task`` as a browser posts it, with ``changes``."""
    data: dict[str, Any] = {
        "topic": task.topic_id,
        "slug": task.slug,
        "title": task.title,
        "difficulty": task.difficulty,
        "is_active": "on" if task.is_active else "",
        "concept": task.concept,
        "statement": task.statement,
        "answer_kind": task.answer_kind,
        "solution": task.solution,
        "numeric_answer": "" if task.numeric_answer is None else task.numeric_answer,
        "unit": task.unit,
        "tolerance": task.tolerance,
        "params": json.dumps(task.params),
        "correct_option": task.correct_option,
        "source": task.source,
        "external_id": task.external_id,
    }
    for i, option in enumerate(task.options):
        data[f"options_{i}_id"], data[f"options_{i}_text"] = option["id"], option["text"]
    return {**data, **changes}


# --- the files --------------------------------------------------------------------------------


def test_it_holds_every_task_and_topic_of_the_bank() -> None:
    bank = load_bank(REPO_CONTENT)
    assert len(bank.tasks) == 153
    assert len(bank.topics) == 10
    assert [len(bank.tasks_of(t.slug)) for t in bank.topics] == [17] * 9 + [
        0
    ]  # 5 per difficulty + 2 self-assessed


def test_its_choices_are_the_models_choices() -> None:
    # The loader spells them out so that reading files needs no Django set-up.
    assert DIFFICULTIES == tuple(Difficulty.values)
    assert ANSWER_KINDS == tuple(AnswerKind.values)


def test_it_names_the_file_entry_and_field_of_every_problem(content: Path) -> None:
    def break_things(data: dict[str, Any]) -> None:
        task_in(data, MARATHON)["difficulty"] = "impossible"
        task_in(data, "kinematics-free-fall-time-from-height")["anwser"] = 2.0
        del task_in(data, "kinematics-car-speed-after-acceleration")["answer"]

    edit_yaml(content / "bank" / "kinematics.yaml", break_things)
    message = errors_of(content)
    assert (
        f"bank/kinematics.yaml · task {MARATHON} · difficulty: 'impossible' is not one of "
        "easy, medium, hard"
    ) in message
    assert (
        "bank/kinematics.yaml · task kinematics-free-fall-time-from-height · anwser: "
        "is not a known field"
    ) in message
    assert "task kinematics-car-speed-after-acceleration · answer: is required" in message
    assert "3 problem(s)" in message


def test_it_checks_choice_options_and_slugs_across_files(content: Path) -> None:
    choice = next(t for t in load_bank(REPO_CONTENT).tasks if t.answer_kind == "choice")

    def break_choice(data: dict[str, Any]) -> None:
        task_in(data, choice.slug)["correct_option"] = "z"
        data["tasks"].append(dict(data["tasks"][0]))  # the same slug twice

    edit_yaml(content / "bank" / f"{choice.topic}.yaml", break_choice)
    message = errors_of(content)
    assert f"task {choice.slug} · correct_option: 'z' is not one of the option ids" in message
    assert f"slug: '{load_bank(REPO_CONTENT).tasks_of(choice.topic)[0].slug}' is also used" in (
        message
    )


def test_it_reports_a_yaml_syntax_error_with_its_line(content: Path) -> None:
    path = content / "bank" / "optics.yaml"
    path.write_text(path.read_text().replace("tasks:\n", "tasks:\n  - [unclosed\n", 1))
    assert "bank/optics.yaml: not valid YAML: line" in errors_of(content)


def test_it_refuses_a_file_whose_slug_is_not_its_name(content: Path) -> None:
    (content / "bank" / "optics.yaml").rename(content / "bank" / "light.yaml")
    assert "bank/light.yaml · topic · slug: 'optics' must match the file name" in errors_of(content)


# --- seeding ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_writes_nothing_when_one_file_is_broken(content: Path) -> None:
    edit_yaml(
        content / "bank" / "waves.yaml", lambda d: d["tasks"][3].update(tolerance="two percent")
    )
    users = User.objects.count()
    with pytest.raises(CommandError, match=r"bank/waves\.yaml · task \S+ · tolerance"):
        seed()
    assert (Topic.objects.count(), Task.objects.count(), User.objects.count()) == (0, 0, users)


@pytest.mark.django_db
def test_it_keeps_a_task_edited_in_the_admin_and_force_restores_it(
    content: Path, charlie_admin: User
) -> None:
    first = seed()
    assert "153 tasks (153 new, 0 updated)" in first
    task = Task.objects.select_related("topic").get(slug=MARATHON)
    shipped = (task.title, task.tolerance)
    client = Client()
    client.force_login(charlie_admin)
    response = client.post(
        f"/admin/tasks/task/{task.pk}/change/",
        task_form(task, title="Marathon pace (teacher's wording)", tolerance="0.05"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    again = seed()
    task.refresh_from_db()
    assert (task.title, task.tolerance) == ("Marathon pace (teacher's wording)", 0.05)
    assert "153 tasks (0 new, 0 updated)" in again
    assert f"kept 1 task changed in the admin: {MARATHON}" in again

    forced = seed("--force-content")
    task.refresh_from_db()
    assert (task.title, task.tolerance) == shipped
    assert "153 tasks (0 new, 1 updated)" in forced
    assert "kept" not in forced.split("tutor:")[0]


@pytest.mark.django_db
def test_it_updates_an_unedited_task_when_its_file_changes(content: Path) -> None:
    seed()
    edit_yaml(
        content / "bank" / "kinematics.yaml",
        lambda d: task_in(d, MARATHON).update(title="A better title"),
    )
    out = seed()
    assert "153 tasks (0 new, 1 updated)" in out
    assert Task.objects.get(slug=MARATHON).title == "A better title"


@pytest.mark.django_db
def test_it_keeps_a_teachers_topic_edit_too(content: Path) -> None:
    seed()
    Topic.objects.filter(slug="optics").update(name="Light and optics")
    edit_yaml(content / "bank" / "optics.yaml", lambda d: d.update(description="New words."))
    out = seed()
    topic = Topic.objects.get(slug="optics")
    assert (topic.name, topic.description) != ("Optics", "New words.")
    assert topic.name == "Light and optics"
    assert "kept 1 topic changed in the admin: optics" in out


@pytest.mark.django_db
def test_it_retires_a_task_gone_from_the_files_and_never_assigns_it(
    content: Path, alice: User
) -> None:
    seed()
    gone = Task.objects.get(slug=MARATHON)
    attempt = PracticeTaskFactory(student=alice, task=gone, status=PracticeTask.Status.COMPLETED)
    edit_yaml(
        content / "bank" / "kinematics.yaml",
        lambda d: d.update(tasks=[t for t in d["tasks"] if t["slug"] != MARATHON]),
    )
    out = seed()
    assert "152 tasks (0 new, 0 updated, 1 retired)" in out
    gone.refresh_from_db()
    assert gone.retired and PracticeTask.objects.filter(pk=attempt.pk).exists()
    assert not Task.objects.assignable().filter(pk=gone.pk).exists()
    pool = Task.objects.filter(topic=gone.topic)
    picked = services.assign_practice_tasks(student=alice, count=20, pool=pool)
    assert picked and gone.pk not in {p.task_id for p in picked}
    # Back in the files: back in use.
    shutil.copy(REPO_CONTENT / "bank" / "kinematics.yaml", content / "bank" / "kinematics.yaml")
    assert "1 back in use" in seed()
    gone.refresh_from_db()
    assert not gone.retired


@pytest.mark.django_db
def test_it_never_retires_a_task_made_in_the_admin(content: Path) -> None:
    seed()
    own = Task.objects.create(
        topic=Topic.objects.get(slug="optics"), slug="optics-teachers-own", title="Own",
        difficulty="easy", statement="$x$", answer_kind="self", solution="Yes.",
    )  # fmt: skip
    seed()
    own.refresh_from_db()
    assert not own.retired


def test_start_all_refuses_broken_content_before_anything_starts(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_yaml(content / "knowledge" / "optics.yaml", lambda d: d["concepts"][0].pop("title"))
    ran: list[str] = []
    monkeypatch.setattr(start_all, "call_command", lambda name, *a, **k: ran.append(name))
    monkeypatch.setattr(
        start_all.Command, "start_children", lambda *a, **k: ran.append("start_children")
    )
    with pytest.raises(CommandError, match=r"knowledge/optics\.yaml · concept \S+ · title"):
        call_command("start_all", stdout=StringIO())
    assert ran == []
    assert settings.CONTENT_DIR == content


@pytest.mark.django_db
def test_make_runs_start_up_keeps_a_task_edited_in_the_admin(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed()
    Task.objects.filter(slug=MARATHON).update(title="Teacher's title")
    ran: list[str] = []

    def only_seed(name: str, *args: Any, **kwargs: Any) -> None:
        ran.append(name)
        if name == "seed_demo":  # migrate, createcachetable, collectstatic: not under test
            call_command(name, *args, **kwargs)

    monkeypatch.setattr(start_all, "call_command", only_seed)
    out = StringIO()
    command = start_all.Command(stdout=out)
    command.prepare(seed=True)
    assert ran[-1] == "seed_demo"
    assert Task.objects.get(slug=MARATHON).title == "Teacher's title"
    assert f"kept 1 task changed in the admin: {MARATHON}" in out.getvalue()
