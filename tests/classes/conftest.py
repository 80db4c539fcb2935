"""Personas for the classes tests: alice teaches class A, bob teaches class B, charlie is a
student in class A (and dave one in class B). Each class has a little history and a chat."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from classes.models import Membership, SchoolClass
from classes.services import ensure_teachers_group
from tasks.models import Task, Topic
from tests.tasks.factories import PracticeTaskFactory, TaskFactory, TopicFactory
from tutor.models import Chat, ChatMessage


def make_teacher(username: str) -> User:
    teacher = User.objects.create_user(username, password=f"{username}-password-1", is_staff=True)
    teacher.groups.add(ensure_teachers_group())
    return teacher


@pytest.fixture
def alice(db) -> User:
    """Teaches class A."""
    return make_teacher("alice")


@pytest.fixture
def bob(db) -> User:
    """Teaches class B."""
    return make_teacher("bob")


@pytest.fixture
def charlie(db) -> User:
    """A student in class A."""
    return User.objects.create_user("charlie", password="charlie-password-1")


@pytest.fixture
def dave(db) -> User:
    """A student in class B."""
    return User.objects.create_user("dave", password="dave-password-1")


@pytest.fixture
def class_a(alice: User, charlie: User) -> SchoolClass:
    school_class = SchoolClass.objects.create(name="Class A")
    school_class.teachers.add(alice)
    Membership.objects.create(school_class=school_class, student=charlie)
    return school_class


@pytest.fixture
def class_b(bob: User, dave: User) -> SchoolClass:
    school_class = SchoolClass.objects.create(name="Class B")
    school_class.teachers.add(bob)
    Membership.objects.create(school_class=school_class, student=dave)
    return school_class


@pytest.fixture
def bank(db) -> dict[str, list[Task]]:
    """Two topics with three assignable tasks each, and one imported task."""
    kin = TopicFactory(slug="kinematics", name="Kinematics")
    waves = TopicFactory(slug="waves", name="Waves")
    tasks = {
        "kinematics": [TaskFactory(topic=kin, difficulty=d) for d in ("easy", "medium", "hard")],
        "waves": [TaskFactory(topic=waves, difficulty=d) for d in ("easy", "medium", "hard")],
    }
    imported_topic = Topic.objects.create(slug="chess", name="chess", source="chess")
    Task.objects.create(topic=imported_topic, slug="chess:1", source="chess", external_id="1")
    return tasks


@dataclass
class World:
    class_a: SchoolClass
    class_b: SchoolClass
    charlie_task: object
    dave_task: object
    charlie_chat: Chat
    dave_chat: Chat


@pytest.fixture
def world(class_a: SchoolClass, class_b: SchoolClass, charlie: User, dave: User, bank) -> World:
    """Both classes with one completed task and one chat per student."""
    task = bank["kinematics"][0]
    chats = {}
    for student in (charlie, dave):
        chat = Chat.objects.create(student=student, title=f"{student.username}'s chat")
        ChatMessage.objects.create(chat=chat, role="user", text="what is a tokamak")
        ChatMessage.objects.create(
            chat=chat,
            role="assistant",
            intent="concept",
            text="I don't have notes on that in my knowledge base. Rather than guess…",
        )
        chats[student.username] = chat
    return World(
        class_a=class_a,
        class_b=class_b,
        charlie_task=PracticeTaskFactory(student=charlie, task=task, completed=True),
        dave_task=PracticeTaskFactory(student=dave, task=task, completed=True),
        charlie_chat=chats["charlie"],
        dave_chat=chats["dave"],
    )


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
