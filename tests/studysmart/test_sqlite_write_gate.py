"""SQLite's write gate: a process's write transactions queue on a lock, held exactly while
SQLite's write lock is (studysmart/sqlite_backend/base.py). Its effect on latency is measured
by bench_completion, not here."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from django.db import OperationalError, connection, connections, transaction

from studysmart.sqlite_backend.base import write_gate
from tasks.models import Topic

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the gate is SQLite's (PostgreSQL locks rows)"
)


@pytest.fixture
def gate(transactional_db: None) -> Iterator[threading.Lock]:
    yield write_gate(str(connection.settings_dict["NAME"]))


def in_thread(target: object) -> threading.Thread:
    def run() -> None:
        try:
            target()  # type: ignore[operator]
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_it_holds_the_gate_from_begin_to_commit_and_to_rollback(gate: threading.Lock) -> None:
    assert not gate.locked()
    with transaction.atomic():
        assert gate.locked()
        Topic.objects.create(slug="gate-a", name="Gate A")
        with transaction.atomic():  # a savepoint takes nothing more
            assert gate.locked()
    assert not gate.locked()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Topic.objects.create(slug="gate-b", name="Gate B")
        raise ZeroDivisionError
    assert not gate.locked()
    assert list(Topic.objects.filter(slug__startswith="gate-").values_list("slug", flat=True)) == [
        "gate-a"
    ]


def test_a_second_writer_waits_at_the_gate_and_goes_on_after_the_commit(
    gate: threading.Lock,
) -> None:
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []
    sent: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append(sql)
        return execute(sql, params, many, context)

    def first() -> None:
        with transaction.atomic():
            Topic.objects.create(slug="gate-first", name="First")
            inside.set()
            release.wait(10)
            order.append("first commits")

    def second() -> None:
        with connection.execute_wrapper(record), transaction.atomic():
            order.append("second begins")
            Topic.objects.create(slug="gate-second", name="Second")

    one = in_thread(first)
    assert inside.wait(10)
    two = in_thread(second)
    two.join(0.3)
    # The second writer is queued on the gate: it has not asked SQLite for the lock yet.
    assert two.is_alive() and order == [] and sent == []
    release.set()
    one.join(10)
    two.join(10)
    assert order == ["first commits", "second begins"]
    assert sent[0] == "BEGIN IMMEDIATE"
    assert Topic.objects.filter(slug__in=["gate-first", "gate-second"]).count() == 2
    assert not gate.locked()


def test_it_fails_as_sqlite_would_when_the_gate_stays_taken(
    gate: threading.Lock, settings: object
) -> None:
    errors: list[BaseException] = []
    options = connection.settings_dict["OPTIONS"]
    old = options.get("timeout")
    options["timeout"] = 0.2
    try:
        with gate:

            def writer() -> None:
                try:
                    with transaction.atomic():
                        Topic.objects.create(slug="gate-late", name="Late")
                except OperationalError as exc:
                    errors.append(exc)

            in_thread(writer).join(10)
    finally:
        options["timeout"] = old
    assert [str(e) for e in errors] == ["database is locked"]
    assert not Topic.objects.filter(slug="gate-late").exists()


def test_it_frees_the_gate_when_the_connection_closes_inside_a_transaction(
    gate: threading.Lock,
) -> None:
    def abandon() -> None:
        transaction.atomic().__enter__()  # never left: the thread's connection is closed
        assert gate.locked()

    in_thread(abandon).join(10)
    assert not gate.locked()


def test_a_forked_child_starts_with_a_free_gate(gate: threading.Lock) -> None:
    with gate:
        pid = os.fork()
        if pid == 0:  # the child: the gate its parent holds is not held here
            child_gate = write_gate(str(connection.settings_dict["NAME"]))
            os._exit(0 if not child_gate.locked() and child_gate is not gate else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_long_wait_at_the_gate_is_in_the_slow_query_log(
    gate: threading.Lock, settings: object, caplog: pytest.LogCaptureFixture
) -> None:
    settings.SLOW_QUERY_MS = 50  # type: ignore[attr-defined]
    gate.acquire()
    releaser = threading.Timer(0.2, gate.release)
    releaser.start()
    with transaction.atomic():
        Topic.objects.create(slug="gate-slow", name="Slow")
    releaser.join()
    assert "queued at this process's write gate" in caplog.text
    assert "slow query, " in caplog.text
