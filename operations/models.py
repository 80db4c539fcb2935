"""What running the site over years needs in the database: which processes are alive against
it (restore refuses while any is) and which students were erased (an import must not bring
them back)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from django.db import models
from django.utils import timezone


class ProcessHeartbeat(models.Model):
    """One row per web process (host + pid), refreshed while it serves requests."""

    kind = models.CharField(max_length=20, default="web")
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Its admin list is the operator's page (processes, queues, trainings, models, disk).
        verbose_name = "operator's page"
        verbose_name_plural = "operator's page"
        constraints = [
            models.UniqueConstraint(fields=["host", "pid"], name="process_heartbeat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.host}:{self.pid}"

    @classmethod
    def alive(cls, *, within: timedelta) -> models.QuerySet[ProcessHeartbeat]:
        return cls.objects.filter(seen_at__gte=timezone.now() - within)


def username_digest(username: str) -> str:
    """The tombstone's key: a digest, so that the erased id itself is not kept either.

    Imported students' usernames are `<source>.<external id>` (namespaced by the import), so
    the digest of the username stands for the source and the external id together."""
    return hashlib.sha256(username.encode()).hexdigest()


class ErasedStudent(models.Model):
    """A tombstone: an imported student (source + external id) that was erased.

    Only a digest of the namespaced username is kept; re-importing the same file skips this
    student's rows instead of creating the account again.
    Students who signed up themselves have no external id and leave no tombstone."""

    digest = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=60)
    erased_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"erased student from {self.source!r} ({self.digest[:12]}…)"

    @classmethod
    def erased(cls, usernames: Iterable[str]) -> set[str]:
        """Which of these (namespaced, imported) usernames belong to erased students."""
        by_digest = {username_digest(name): name for name in usernames}
        digests = list(by_digest)
        found: set[str] = set()
        for start in range(0, len(digests), 500):  # bounded IN lists (SQLite's variable limit)
            chunk = digests[start : start + 500]
            found.update(cls.objects.filter(digest__in=chunk).values_list("digest", flat=True))
        return {by_digest[d] for d in found}
