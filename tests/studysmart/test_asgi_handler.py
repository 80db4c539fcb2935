"""The ASGI application daphne serves runs the middleware chain in the request's thread."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading

import pytest
from asgiref.sync import SyncToAsync, iscoroutinefunction, sync_to_async
from channels.testing import HttpCommunicator
from django.contrib.auth.models import User
from django.core.handlers.asgi import ASGIHandler
from django.core.signals import request_started
from django.db import connection

from studysmart.asgi import application, django_asgi_app
from studysmart.asgi_handler import RequestThreads, SyncChainASGIHandler
from tests.sockets import session_cookie


def test_the_chain_is_built_synchronous_where_djangos_own_is_async() -> None:
    assert isinstance(django_asgi_app, SyncChainASGIHandler)
    assert not iscoroutinefunction(SyncChainASGIHandler()._middleware_chain)
    # What it replaces: Django's handler builds an async chain, hopping per hook.
    assert iscoroutinefunction(ASGIHandler()._middleware_chain)


async def request(path: str, *, method: str = "GET", body: bytes = b"", cookie: bytes = b""):
    headers = [(b"host", b"localhost")]
    token = b"t" * 32  # what the page's CSRF cookie holds, sent back as the header
    headers += [(b"cookie", b"; ".join([b"csrftoken=" + token, *([cookie] if cookie else [])]))]
    headers.append((b"x-csrftoken", token))
    if body:
        headers.append((b"content-type", b"application/json"))
    communicator = HttpCommunicator(application, method, path, body=body, headers=headers)
    return await communicator.get_response(timeout=10)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_pages_and_the_json_api_answer_through_it(alice: User) -> None:
    anonymous = await request("/")
    assert anonymous["status"] == 302
    assert dict(anonymous["headers"])[b"Location"].startswith(b"/accounts/login/")
    cookie = await sync_to_async(session_cookie)(alice)
    page = await request("/", cookie=cookie)
    assert page["status"] == 200
    assert b"<html" in page["body"].lower()
    listed = await request("/api/practice-tasks/", cookie=cookie)
    assert listed["status"] == 200
    assert isinstance(json.loads(listed["body"]), list | dict)


async def hops_of_one_request(app: object, cookie: bytes, monkeypatch) -> int:
    """How many sync_to_async wrappers one API request creates: each is a hop from the event
    loop to a thread and back."""
    made: list[object] = []
    original = SyncToAsync.__init__

    def counting(self: SyncToAsync, *args: object, **kwargs: object) -> None:
        made.append(args[0] if args else None)
        original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__init__", counting)
    communicator = HttpCommunicator(
        app, "GET", "/api/practice-tasks/", headers=[(b"host", b"localhost"), (b"cookie", cookie)]
    )
    response = await communicator.get_response(timeout=10)
    monkeypatch.undo()
    assert response["status"] == 200
    return len(made)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_request_hops_to_its_thread_once_not_per_middleware_hook(
    alice: User, monkeypatch
) -> None:
    cookie = await sync_to_async(session_cookie)(alice)
    ours = await hops_of_one_request(application, cookie, monkeypatch)
    djangos = await hops_of_one_request(ASGIHandler(), cookie, monkeypatch)
    # The request_started/finished signals' receivers hop too, in both handlers.
    assert ours <= 4, ours
    assert djangos >= ours + 10, (ours, djangos)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_async_tutor_view_still_answers_through_it(alice: User) -> None:
    cookie = await sync_to_async(session_cookie)(alice)
    refused = await request("/api/tutor/ask/", method="POST", body=b"[]", cookie=cookie)
    assert refused["status"] == 400
    assert json.loads(refused["body"])["error"]["code"] == "bad_request"
    anonymous = await request("/api/tutor/ask/", method="POST", body=b'{"text": "hi"}')
    assert anonymous["status"] == 401


def test_request_threads_are_reused_last_in_first_out_up_to_a_limit() -> None:
    pool = RequestThreads(idle=2)
    first, second, third = pool.borrow(), pool.borrow(), pool.borrow()
    assert len({id(first), id(second), id(third)}) == 3
    for thread in (first, second, third):
        pool.give_back(thread)
    assert pool.idle == [first, second]  # the third was one more than it keeps
    assert pool.borrow() is second
    third.shutdown()


def test_a_thread_still_running_a_request_is_not_lent_again() -> None:
    pool = RequestThreads()
    thread = pool.borrow()
    release = threading.Event()
    running = thread.submit(release.wait, 10)
    pool.give_back(thread)  # its client went away; the view runs on
    assert pool.idle == []
    assert pool.borrow() is not thread
    release.set()
    assert running.result(timeout=10) is True


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_requests_one_after_another_share_a_thread_never_the_event_loop(
    alice: User,
) -> None:
    cookie = await sync_to_async(session_cookie)(alice)
    seen: list[int] = []

    def started(**_: object) -> None:
        seen.append(threading.get_ident())

    request_started.connect(started)
    try:
        for _ in range(3):
            assert (await request("/api/practice-tasks/", cookie=cookie))["status"] == 200
        together = await asyncio.gather(
            *(request("/api/practice-tasks/", cookie=cookie) for _ in range(3))
        )
    finally:
        request_started.disconnect(started)
    assert all(response["status"] == 200 for response in together)
    one_after_another, overlapping = seen[:3], seen[3:]
    assert len(set(one_after_another)) == 1
    assert threading.get_ident() not in seen  # never on the event loop
    assert len(overlapping) == 3


@pytest.mark.django_db
def test_a_thread_let_go_closes_its_database_connection_first() -> None:
    pool = RequestThreads(idle=0)
    thread = pool.borrow()
    opened = thread.submit(lambda: (connection.ensure_connection(), connection.connection)[1])
    raw = opened.result(timeout=10)
    assert raw is not None
    pool.give_back(thread)  # keeps none: let go
    thread.shutdown(wait=True)
    with pytest.raises(sqlite3.ProgrammingError if connection.vendor == "sqlite" else Exception):
        raw.cursor().execute("SELECT 1")
