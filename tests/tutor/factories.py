"""factory_boy factories for the tutor app."""

from __future__ import annotations

import factory

from tests.tasks.factories import UserFactory
from tutor.models import Chat, ChatMessage, KnowledgeEntry


class KnowledgeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeEntry
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"entry-{n}")
    title = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").capitalize())
    topic = "dynamics"
    keywords = factory.LazyFunction(list)
    explanation = "An explanation with $F = ma$."
    example = "An example."
    simpler = "A simpler take."
    alternative = "Another angle."


class ChatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chat

    student = factory.SubFactory(UserFactory)
    title = "A chat"


class ChatMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatMessage

    chat = factory.SubFactory(ChatFactory)
    role = ChatMessage.Role.USER
    text = factory.Sequence(lambda n: f"message {n}")
    status = ChatMessage.Status.COMPLETE


class ReplyFactory(ChatMessageFactory):
    role = ChatMessage.Role.ASSISTANT
    intent = "concept"
    text = "A reply with $E = mc^2$."
