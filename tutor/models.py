"""The tutor's knowledge base and chats (a chat belongs to one student; its messages replay)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from tutor.retrieval import Passage


def content_hash(*parts: object) -> str:
    import hashlib
    import json

    return hashlib.sha256(
        json.dumps(parts, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


class KnowledgeEntryQuerySet(models.QuerySet["KnowledgeEntry"]):
    def fingerprint(self) -> tuple[int, str, str]:
        """(count, newest edit, newest embedding): changes with any edit, addition, deletion or
        recomputed vector (one query)."""
        row = self.aggregate(
            n=models.Count("id"),
            edited=models.Max("updated_at"),
            embedded=models.Max("embedded_at"),
        )
        return (
            int(row["n"]),
            row["edited"].isoformat() if row["edited"] else "",
            row["embedded"].isoformat() if row["embedded"] else "",
        )


class KnowledgeEntry(models.Model):
    """One physics concept the tutor can explain, with its four angles and its embedding."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    topic = models.SlugField(max_length=60, help_text="Topic slug, e.g. quantum-physics.")
    keywords = models.JSONField(
        default=list, blank=True, help_text='Terms students use, e.g. ["coherence", "phase"].'
    )
    explanation = models.TextField(help_text="Markdown with $…$ / $$…$$ LaTeX math.")
    example = models.TextField(blank=True)
    simpler = models.TextField(blank=True)
    alternative = models.TextField(blank=True, help_text="A genuinely different angle.")
    # Optional facets beyond the four texts (definition, formula, misconceptions, see_also…):
    # tutor/content.py validates their shape; docs/content.md lists them.
    facets = models.JSONField(default=dict, blank=True)
    # Computed by tutor.knowledge_index.embed_entry (never edited by hand).
    embedding = models.JSONField(null=True, blank=True, editable=False)
    embedder = models.CharField(max_length=120, blank=True, editable=False)
    embedding_dimensions = models.PositiveIntegerField(default=0, editable=False)
    embedded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Hash of the shipped text this entry was last seeded from: seed_demo refreshes an entry
    # only while its text still matches, so an admin's edit survives the next seed.
    seeded_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KnowledgeEntryQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "title"]
        verbose_name_plural = "knowledge entries"

    def __str__(self) -> str:
        return self.title

    def content_values(self) -> dict[str, Any]:
        """The values the content files hold for this entry."""
        return {
            "title": self.title,
            "topic": self.topic,
            "keywords": list(self.keywords or ()),
            "explanation": self.explanation,
            "example": self.example,
            "simpler": self.simpler,
            "alternative": self.alternative,
            "facets": dict(self.facets or {}),
        }

    def content_hash(self) -> str:
        parts: list[Any] = [
            self.title, self.topic, list(self.keywords or ()), self.explanation, self.example,
            self.simpler, self.alternative,
        ]  # fmt: skip
        # Without facets the hash is the one entries were seeded with before facets existed.
        if self.facets:
            parts.append(self.facets)
        return content_hash(*parts)

    def to_passage(self, *, embedder: str) -> Passage:
        """The entry as the pipeline sees it; the vector only if ``embedder`` computed it."""
        from tutor.retrieval import (
            Passage,  # numpy + langchain: not at Django start-up
            facet_fields,
        )

        current = self.embedder == embedder and self.embedding
        return Passage(
            slug=self.slug,
            title=self.title,
            topic=self.topic,
            keywords=tuple(str(k) for k in self.keywords or ()),
            explanation=self.explanation,
            example=self.example,
            simpler=self.simpler,
            alternative=self.alternative,
            vector=tuple(self.embedding) if current and self.embedding is not None else None,
            **facet_fields(self.facets if isinstance(self.facets, dict) else {}),
        )


class ChatQuerySet(models.QuerySet["Chat"]):
    def for_student(self, user: User) -> ChatQuerySet:
        return self.filter(student=user)

    def with_messages(self) -> ChatQuerySet:
        """Chats the student actually used (opening the page starts an empty one)."""
        return self.filter(messages__isnull=False).distinct()

    def empty(self) -> ChatQuerySet:
        """Chats opened and never used: not listed, and cleaned up once stale."""
        return self.filter(messages__isnull=True)


class Chat(models.Model):
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutor_chats"
    )
    title = models.CharField(max_length=200, blank=True)
    topic = models.SlugField(max_length=120, blank=True, help_text="Current knowledge entry.")
    # A chat opened from a practice task: hints while it is pending, the solution after.
    practice_task = models.ForeignKey(
        "tasks.PracticeTask",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tutor_chats",
    )
    # One reply in flight per chat, across sockets and processes: set by a conditional UPDATE,
    # cleared when the reply is saved; a holder that died is overtaken once it is stale.
    reply_lock = models.CharField(max_length=64, blank=True, editable=False)
    reply_locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChatQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["student", "-updated_at"])]

    def __str__(self) -> str:
        return self.title or f"Chat {self.pk}"

    @property
    def display_title(self) -> str:
        return self.title or "New chat"


class ChatMessageQuerySet(models.QuerySet["ChatMessage"]):
    def for_student(self, user: User) -> ChatMessageQuerySet:
        return self.filter(chat__student=user)

    def replies(self) -> ChatMessageQuerySet:
        return self.filter(role=ChatMessage.Role.ASSISTANT)


class ChatMessage(models.Model):
    class Role(models.TextChoices):
        USER = "user", "Student"
        ASSISTANT = "assistant", "Tutor"

    class Status(models.TextChoices):
        STREAMING = "streaming", "In progress"
        COMPLETE = "complete", "Complete"
        STOPPED = "stopped", "Stopped"
        ERROR = "error", "Error"
        SUPERSEDED = "superseded", "Superseded"

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(max_length=10, choices=Role.choices)
    text = models.TextField(blank=True)
    intent = models.CharField(max_length=20, blank=True)
    # Which field of the top entry the reply was built from ("try again" takes another).
    angle = models.CharField(max_length=20, blank=True)
    # What the reply answered (tutor.facets.FACETS): the done frame's "facet".
    facet = models.CharField(max_length=20, blank=True)
    passages = models.JSONField(default=list, blank=True, help_text='[{"slug": …, "title": …}]')
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.COMPLETE)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    ttft_ms = models.FloatField(null=True, blank=True)
    total_ms = models.FloatField(null=True, blank=True)
    rating = models.SmallIntegerField(default=0, choices=[(-1, "👎"), (0, "—"), (1, "👍")])
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChatMessageQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["chat", "id"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} #{self.pk} ({self.status})"

    @property
    def is_reply(self) -> bool:
        return self.role == self.Role.ASSISTANT

    def source_titles(self) -> list[str]:
        return [str(p.get("title", "")) for p in self.passages or () if isinstance(p, dict)]
