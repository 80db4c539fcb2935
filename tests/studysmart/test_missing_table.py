"""A database that was never migrated is reported as such, never as an outage (503)."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import OperationalError, ProgrammingError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from studysmart.outages import is_outage, missing_table


@login_not_required
def read_an_unmigrated_table(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:  # a real "no such table" from the real database
        cursor.execute("SELECT cache_key FROM studysmart_table_never_migrated")
    return HttpResponse("unreachable")


urlpatterns = [
    path("api/unmigrated/", read_an_unmigrated_table),
    path("unmigrated/", read_an_unmigrated_table),
]


def test_it_tells_a_missing_table_from_an_unreachable_database() -> None:
    sqlite_missing = OperationalError("no such table: tasks_task")
    postgres_missing = ProgrammingError('relation "tasks_task" does not exist\nLINE 1: …')
    unreachable = OperationalError("could not connect to server: Connection refused")
    assert missing_table(sqlite_missing) == "tasks_task"
    assert missing_table(postgres_missing) == "tasks_task"
    assert missing_table(unreachable) is None
    assert not is_outage(sqlite_missing) and not is_outage(postgres_missing)
    assert is_outage(unreachable)


# Real transactions: on PostgreSQL the failed statement aborts the test's wrapping one.
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.studysmart.test_missing_table")
def test_it_answers_a_missing_table_with_the_step_to_take(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="studysmart.middleware"):
        api = client.get("/api/unmigrated/")
        page = client.get("/unmigrated/")
    assert api.status_code == 500 and page.status_code == 500
    assert api.json()["error"]["code"] == "not_migrated"
    assert "python manage.py migrate" in api.json()["error"]["message"]
    assert "studysmart_table_never_migrated" in page.content.decode()
    assert "python manage.py migrate" in page.content.decode()
    assert "Retry-After" not in api and "Retry-After" not in page
    assert any("not migrated" in r.getMessage() for r in caplog.records)
