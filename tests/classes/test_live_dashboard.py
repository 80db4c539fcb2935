"""A student's open dashboard hears of a newly assigned set over /ws/updates/ and fetches the
panel again: the set appears without a reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.utils import timezone

from classes.models import SchoolClass, TaskSet
from studysmart.asgi import application
from tests.classes.conftest import logged_in
from tests.sockets import session_cookie


def assign_through_the_admin(teacher: User, school_class: SchoolClass, task_ids: list[int]) -> int:
    due = timezone.localtime(timezone.now() + timedelta(days=2))
    response = logged_in(teacher).post(
        "/admin/classes/taskset/add/",
        {
            "school_class": school_class.pk,
            "title": "Live set",
            "kind": "chosen",
            "tasks": task_ids,
            "count": "5",
            "target_percent": "70",
            "due_at_0": due.strftime("%Y-%m-%d"),
            "due_at_1": due.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return TaskSet.objects.get(title="Live set").pk


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_announces_a_new_set_to_the_students_open_pages(
    alice: User, class_a: SchoolClass, charlie: User, dave: User, bank
) -> None:
    sockets = {}
    for student in (charlie, dave):
        cookie = await sync_to_async(session_cookie)(student)
        socket = WebsocketCommunicator(
            application,
            "/ws/updates/",
            headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)],
        )
        connected, _ = await socket.connect()
        assert connected
        sockets[student.username] = socket
    task_ids = [t.pk for t in bank["waves"][:2]]
    set_id = await sync_to_async(assign_through_the_admin)(alice, class_a, task_ids)
    frame = await sockets["charlie"].receive_json_from(timeout=5)
    assert frame == {"type": "task_set", "task_set": set_id}
    # dave is in another class: nothing for him.
    assert await sockets["dave"].receive_nothing(timeout=0.3)
    # What the page then fetches (static/classes/assigned.js): the panel with the set.
    panel = await sync_to_async(lambda: logged_in(charlie).get("/classes/assigned/"))()
    html = panel.content.decode()
    assert panel.status_code == 200 and "Live set" in html and "0/2 done" in html
    assert "<time datetime=" in html
    for socket in sockets.values():
        await socket.disconnect()


@pytest.mark.django_db
def test_it_wires_the_dashboard_to_the_live_panel(charlie: User, class_a: SchoolClass) -> None:
    html = logged_in(charlie).get("/").content.decode()
    assert 'data-assigned-url="/classes/assigned/"' in html
    assert "classes/assigned.js" in html and "mlmodels/updates.js" in html
    # A logged-out fetch of the panel is sent to the login page like every other page.
    from django.test import Client

    assert Client().get("/classes/assigned/").status_code == 302
