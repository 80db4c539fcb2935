"""Writes and side effects of classes: joining with a code (throttled), rotating the code,
removing a student, handing out task sets, and marking tutor-report items handled."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from classes.models import (
    TEACHERS_GROUP,
    AssignedTask,
    ChanceSnapshot,
    HandledReportItem,
    Membership,
    SchoolClass,
    TaskSet,
    new_join_code,
    normalise_join_code,
)
from studysmart.outages import REDIS_ERRORS
from tasks.models import PracticeTask

logger = logging.getLogger(__name__)

JOIN_FAILURES_KEY = "classes:join-failures:{}"


class JoinError(Exception):
    """A refused join; `message` is safe to show the student."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- joining --------------------------------------------------------------------------------


def _failures(key: str) -> int:
    try:
        return int(cache.get(JOIN_FAILURES_KEY.format(key)) or 0)
    except REDIS_ERRORS:
        return 0  # the cache is down: joining still works, unthrottled for a moment


def _count_failure(key: str) -> None:
    cache_key = JOIN_FAILURES_KEY.format(key)
    try:
        # add() starts the window at the first failure; incr() keeps its expiry.
        if not cache.add(cache_key, 1, settings.CLASS_JOIN_WINDOW_SECONDS):
            cache.incr(cache_key)
    except ValueError:  # the entry expired between add() and incr(): this one is lost
        pass
    except REDIS_ERRORS:
        pass


def find_class_by_code(*, code: str, throttle_key: str) -> SchoolClass:
    """The class with this join code, or JoinError. Wrong codes count against `throttle_key`
    (the student, or the address at sign-up): past CLASS_JOIN_ATTEMPTS in the window every
    code is refused, so codes cannot be guessed by trying many."""
    if _failures(throttle_key) >= settings.CLASS_JOIN_ATTEMPTS:
        minutes = max(1, settings.CLASS_JOIN_WINDOW_SECONDS // 60)
        raise JoinError(f"Too many wrong class codes. Try again in {minutes} minutes.")
    normalised = normalise_join_code(code or "")
    school_class = SchoolClass.objects.filter(join_code=normalised).first() if normalised else None
    if school_class is None:
        _count_failure(throttle_key)
        raise JoinError("That class code is not valid. Check it with your teacher.")
    return school_class


@transaction.atomic
def join_class(*, student: Any, code: str, throttle_key: str | None = None) -> SchoolClass:
    """Put the student in the class with this code and hand them its open task sets.

    Joining a class twice is harmless. Raises JoinError for a wrong, rotated or throttled code.
    """
    school_class = find_class_by_code(code=code, throttle_key=throttle_key or f"user:{student.pk}")
    _, created = Membership.objects.get_or_create(school_class=school_class, student=student)
    if created:
        # Sets still open when the student joins are theirs too; closed ones are history.
        for task_set in school_class.task_sets.open_at(timezone.now()):
            hand_out_task_set(task_set=task_set, student=student)
    return school_class


@transaction.atomic
def rotate_join_code(*, school_class: SchoolClass) -> str:
    """A new join code; the old one stops working at once."""
    for _ in range(5):
        code = new_join_code()
        try:
            with transaction.atomic():
                SchoolClass.objects.filter(pk=school_class.pk).update(
                    join_code=code, code_rotated_at=timezone.now()
                )
        except IntegrityError:  # one in 10^11: draw again
            continue
        school_class.join_code = code
        return code
    raise RuntimeError("could not draw a free join code")


def remove_student(*, school_class: SchoolClass, student: Any) -> bool:
    """Take the student out of the class. Their practice tasks, answers and chats stay theirs
    (the assigned ones included): only the membership goes."""
    deleted, _ = Membership.objects.filter(school_class=school_class, student=student).delete()
    return bool(deleted)


# --- task sets ------------------------------------------------------------------------------


@transaction.atomic
def assign_task_set(*, task_set: TaskSet) -> int:
    """Hand the set to every student of its class; the number of practice tasks created."""
    students = [m.student for m in task_set.school_class.memberships.select_related("student")]
    return sum(hand_out_task_set(task_set=task_set, student=s) for s in students)


def hand_out_task_set(*, task_set: TaskSet, student: Any) -> int:
    """Create the set's practice tasks for one student through the ordinary assignment (timed,
    predicted, graded, fed to the models), link them to the set, and tell the student's open
    pages on commit. Idempotent: a student who has the set already gets nothing new."""
    from tasks import services as task_services
    from tasks.models import Task

    if AssignedTask.objects.filter(task_set=task_set, student=student).exists():
        return 0
    if task_set.kind == TaskSet.Kind.CHOSEN:
        chosen = list(task_set.tasks.all())
        new = task_services.assign_chosen_tasks(student=student, tasks=chosen)
        # A chosen task the student already had pending counts toward the set as it is.
        already = (
            PracticeTask.objects.for_student(student)
            .pending()
            .filter(task__in=chosen, assignment__isnull=True)
        )
        practice_tasks = [*new, *already.exclude(pk__in=[p.pk for p in new])]
    else:
        pool = Task.objects.filter(topic__in=task_set.topics.all())
        practice_tasks = task_services.assign_practice_tasks(
            student=student,
            count=task_set.count,
            pool=pool,
            target=task_set.target_percent / 100,
        )
    AssignedTask.objects.bulk_create(
        [AssignedTask(task_set=task_set, student=student, practice_task=p) for p in practice_tasks]
    )
    student_id, set_id = student.pk, task_set.pk
    transaction.on_commit(
        lambda: announce_task_set(student_id=student_id, task_set_id=set_id), robust=True
    )
    return len(practice_tasks)


def announce_task_set(*, student_id: int, task_set_id: int) -> None:
    """Tell the student's open pages (the dashboard) that a set was assigned to them."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from mlmodels.consumers import user_group

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            user_group(student_id),
            {"type": "task_set.assigned", "payload": {"task_set": task_set_id}},
        )
    except Exception:  # a courtesy: the dashboard shows the set on its next load anyway
        logger.warning("could not announce task set %s", task_set_id, exc_info=True)


@dataclass(frozen=True)
class SetProgress:
    """A task set as one student sees it on the dashboard."""

    task_set: TaskSet
    total: int
    completed: int
    correct: int
    late: int
    next_practice_id: int | None
    # Passed over: not answered, but nothing is left to do on them (the set can be done).
    skipped: int = 0

    @property
    def is_done(self) -> bool:
        return self.total > 0 and self.completed + self.skipped == self.total

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.task_set.due_at <= timezone.now()


def student_task_sets(*, student: Any) -> list[SetProgress]:
    """The sets assigned to the student in their current classes, unfinished first, by due
    date (two queries however many sets)."""
    rows = list(
        AssignedTask.objects.filter(
            student=student, task_set__school_class__memberships__student=student
        )
        .select_related("task_set", "practice_task")
        .order_by("task_set__due_at", "practice_task__assigned_at", "practice_task_id")
    )
    by_set: dict[int, list[AssignedTask]] = {}
    for row in rows:
        by_set.setdefault(row.task_set_id, []).append(row)
    sets = []
    for items in by_set.values():
        task_set = items[0].task_set
        done = [a.practice_task for a in items if a.practice_task.is_completed]
        pending = [
            a.practice_task
            for a in items
            if not (a.practice_task.is_completed or a.practice_task.is_skipped)
        ]
        sets.append(
            SetProgress(
                task_set=task_set,
                total=len(items),
                completed=len(done),
                correct=sum(1 for p in done if p.is_correct),
                late=sum(1 for p in done if is_late(p, task_set.due_at)),
                next_practice_id=pending[0].pk if pending else None,
                skipped=sum(1 for a in items if a.practice_task.is_skipped),
            )
        )
    sets.sort(key=lambda s: (s.is_done, s.task_set.due_at))
    return sets


def is_late(practice_task: PracticeTask, due_at: datetime) -> bool:
    return practice_task.answered_at is not None and practice_task.answered_at > due_at


def assigned_first(*, student: Any) -> list[PracticeTask]:
    """The student's pending practice tasks from their teachers' sets, soonest due first.

    The hook for anything that chooses what a student does next (the dashboard's order, a
    review scheduler): a teacher's assigned set comes before self-chosen practice.
    """
    return list(
        PracticeTask.objects.for_student(student)
        .pending()
        .filter(assignment__task_set__school_class__memberships__student=student)
        .with_task()
        .order_by("assignment__task_set__due_at", "assigned_at", "id")
    )


# --- predicted-chance snapshots -------------------------------------------------------------


def record_chances(*, school_class: SchoolClass) -> int:
    """Keep today's predicted chance per topic of each student of the class (one snapshot per
    student a day; the first one of the day stays). The class view compares against these to
    see a chance falling; a daily job keeps them coming for classes nobody opened."""
    from mlmodels.services import predict_class_topics
    from tasks.models import Topic

    students = [m.student for m in school_class.memberships.select_related("student")]
    topics = list(Topic.objects.filter(tasks__source="", tasks__is_active=True).distinct())
    chances = predict_class_topics(students=students, topics=topics)
    today = timezone.localdate()
    snapshots = [
        ChanceSnapshot(
            student=student,
            taken_on=today,
            chances={
                str(t.pk): round(chances[(student.pk, t.pk)].p_correct, 4)
                for t in topics
                if (student.pk, t.pk) in chances
            },
        )
        for student in students
    ]
    ChanceSnapshot.objects.bulk_create([s for s in snapshots if s.chances], ignore_conflicts=True)
    return len(snapshots)


# --- tutor report ---------------------------------------------------------------------------


def mark_handled(
    *, kind: str, key: str, school_class: SchoolClass | None, user: Any
) -> HandledReportItem:
    """Hide a tutor-report item until it comes up again after now."""
    if kind not in HandledReportItem.Kind.values:
        raise ValueError(f"unknown report item kind {kind!r}")
    item, _ = HandledReportItem.objects.update_or_create(
        kind=kind,
        key=key[:300],
        school_class=school_class,
        defaults={"handled_by": user, "handled_at": timezone.now()},
    )
    return item


# --- the Teachers group ----------------------------------------------------------------------

# What a teacher may do in the admin (the data migration grants the same at install); which
# rows they see is narrowed per class by the admin classes (studysmart/admin_scoping.py).
TEACHER_PERMISSIONS = {
    "tasks": ["add_topic", "change_topic", "delete_topic", "view_topic",
              "add_task", "change_task", "delete_task", "view_task", "view_practicetask"],
    "tutor": ["add_knowledgeentry", "change_knowledgeentry", "delete_knowledgeentry",
              "view_knowledgeentry", "view_chat", "view_chatmessage"],
    "auth": ["view_user"],
    "classes": ["add_schoolclass", "change_schoolclass", "delete_schoolclass", "view_schoolclass",
                "add_membership", "change_membership", "delete_membership", "view_membership",
                "add_taskset", "change_taskset", "delete_taskset", "view_taskset",
                "view_assignedtask", "add_handledreportitem", "view_handledreportitem"],
}  # fmt: skip


def ensure_teachers_group() -> Any:
    """The "Teachers" group with its permissions (created by the data migration; recreated
    here if it was deleted)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    for app_label, codenames in TEACHER_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    return group


# --- demo -----------------------------------------------------------------------------------

DEMO_TEACHER = ("teacher", "teacher-smart-demo")
DEMO_CLASS_NAME = "Physics 11A (demo)"
DEMO_REFUSED_QUESTIONS = (
    "what is a tokamak",
    "how does a tokamak confine plasma",
    "what is the coriolis effect",
)


def seed_demo() -> str:
    """The demo teacher, a class with the simulated students and the demo student, one
    assigned set and a few questions the tutor could not answer (idempotent)."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.contrib.auth.models import User

    from tasks.demo import DEMO_STUDENT_USERNAME, SIMULATED_STUDENTS
    from tasks.models import Topic

    with transaction.atomic():
        teacher, created = User.objects.get_or_create(
            username=DEMO_TEACHER[0], defaults={"is_staff": True}
        )
        if created:
            teacher.set_password(DEMO_TEACHER[1])
            teacher.save(update_fields=["password"])
        teacher.groups.add(ensure_teachers_group())
        school_class = SchoolClass.objects.filter(name=DEMO_CLASS_NAME).first()
        if school_class is None:
            school_class = SchoolClass.objects.create(name=DEMO_CLASS_NAME)
        school_class.teachers.add(teacher)
        students = User.objects.filter(username__in=[*SIMULATED_STUDENTS, DEMO_STUDENT_USERNAME])
        for student in students:
            Membership.objects.get_or_create(school_class=school_class, student=student)
        new_set = False
        if not school_class.task_sets.exists():
            topics = list(Topic.objects.filter(slug__in=["kinematics", "energy-momentum"]))
            if topics:
                # Five days from now at 16:00 in the school's zone.
                school = ZoneInfo(settings.SCHOOL_TIME_ZONE)
                due = timezone.localtime(timezone.now() + timedelta(days=5), school)
                due = due.replace(hour=16, minute=0, second=0, microsecond=0)
                task_set = TaskSet.objects.create(
                    school_class=school_class,
                    title="Motion and energy: warm-up",
                    kind=TaskSet.Kind.ADAPTIVE,
                    count=4,
                    target_percent=70,
                    due_at=due,
                    time_zone=settings.SCHOOL_TIME_ZONE,
                    created_by=teacher,
                )
                task_set.topics.set(topics)
                assign_task_set(task_set=task_set)
                _seed_falling_chance(students, topics)
                new_set = True
        refused = _seed_refused_questions(students)
    return (
        f"classes: teacher {DEMO_TEACHER[0]}, class {school_class.name!r} with "
        f"{students.count()} students, {'a new' if new_set else 'its'} task set, "
        f"{refused} refused questions"
    )


# A demo student whose predicted chance on the set's topics "was" higher a week ago, so that the
# class view's struggling list has a falling chance to show from the first minute.
DEMO_FALLING_STUDENT = "sim-dirac"
DEMO_FALLING_POINTS = 0.15


def _seed_falling_chance(students: Iterable[Any], topics: list[Any]) -> None:
    from datetime import timedelta

    from mlmodels.services import predict_class_topics

    student = next((s for s in students if s.username == DEMO_FALLING_STUDENT), None)
    if student is None:
        return
    now = predict_class_topics(students=[student], topics=topics)
    chances = {
        str(topic.pk): round(
            min(0.95, now[(student.pk, topic.pk)].p_correct + DEMO_FALLING_POINTS), 4
        )
        for topic in topics
        if (student.pk, topic.pk) in now
    }
    ChanceSnapshot.objects.get_or_create(
        student=student,
        taken_on=timezone.localdate() - timedelta(days=7),
        defaults={"chances": chances},
    )


def _seed_refused_questions(students: Iterable[Any]) -> int:
    """A few chats whose questions the notes do not cover, so the tutor report has items."""
    from tutor.models import Chat, ChatMessage
    from tutor.prompts import NOT_IN_NOTES

    sims = [s for s in students if s.username.startswith("sim-")]
    if not sims or ChatMessage.objects.filter(chat__student__in=sims).exists():
        return 0
    reply = (
        f"{NOT_IN_NOTES} Rather than guess, I'd suggest your textbook or teacher for this "
        "one, or ask me about a related concept I do cover."
    )
    count = 0
    for i, question in enumerate(DEMO_REFUSED_QUESTIONS * 2):
        student = sims[i % len(sims)]
        chat = Chat.objects.create(student=student, title=question.capitalize())
        ChatMessage.objects.create(chat=chat, role=ChatMessage.Role.USER, text=question)
        ChatMessage.objects.create(
            chat=chat, role=ChatMessage.Role.ASSISTANT, text=reply, intent="concept", passages=[]
        )
        count += 1
    return count
