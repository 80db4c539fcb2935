"""XSS payloads in every place students, admins or imported files put text, rendered inert.

Each test stores the payloads the way they arrive (a chat message, a reply, an answer, an
admin edit, an uploaded or imported CSV) and parses every page that shows them
(tests/security/html_checks.py): no script, event handler or script URL may come out, and
no payload may appear as raw markup. Escaped text (what a student should see) is fine.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from studysmart.asgi import application
from tasks.models import AnswerKind, PracticeTask, Task, Topic
from tests.security.conftest import session_cookie
from tests.security.html_checks import active_content, assert_inert
from tests.tasks.csv_flow import confirm_csv, upload_csv
from tests.tasks.factories import PracticeTaskFactory, TaskFactory
from tests.tutor.factories import ChatFactory, ChatMessageFactory, ReplyFactory
from tutor import chats, knowledge_index, seeding
from tutor.models import KnowledgeEntry

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    '<a href="jAvAsCrIpT:alert(1)">x</a>',
    '"><svg onload=alert(1)>',
    "'><iframe src=javascript:alert(1)>",
    r"$\href{javascript:alert(1)}{x}$",
    r"$\text{<script>alert(1)</script>}$",
    r"$$\text{<img src=x onerror=alert(1)>}$$",
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
)
ALL = "\n\n".join(PAYLOADS)
# Substrings that only raw (unescaped) payload markup contains.
MARKERS = ("<script>alert", "<img src=x onerror", "<svg onload", "<iframe")


def test_the_checker_catches_each_payload_when_unescaped() -> None:
    # The detector itself: raw payloads are found, escaped ones are not.
    for payload in PAYLOADS[:2] + PAYLOADS[3:6]:
        assert active_content(f"<p>{payload}</p>"), payload
    assert active_content('<input value=""><svg onload=alert(1)>">')
    assert not active_content("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- the tutor ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_renders_stored_chat_messages_and_replies_inert(alice: User) -> None:
    chat = ChatFactory(student=alice, title=PAYLOADS[4])
    for payload in PAYLOADS:
        ChatMessageFactory(chat=chat, text=payload)
        ReplyFactory(chat=chat, text=payload, passages=[{"slug": "x", "title": payload}])
    client = logged_in(alice)
    for path in (f"/tutor/{chat.pk}/", "/tutor/"):
        html = client.get(path).content.decode()
        assert_inert(html, *MARKERS)
    # The page shows the student's text as text.
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/tutor/{chat.pk}/").content.decode()
    )
    # The replay the socket sends carries the same sanitised HTML.
    for message in chats.chat_messages(chat=chat):
        payload = chats.message_payload(message)
        if "html" in payload:
            assert_inert(payload["html"], *MARKERS)


@pytest.mark.django_db
def test_it_escapes_the_topic_query_parameter(alice: User) -> None:
    html = logged_in(alice).get("/tutor/", {"topic": PAYLOADS[4]}).content.decode()
    assert_inert(html, *MARKERS)


@pytest.fixture
def kb(transactional_db: None) -> None:
    knowledge_index.forget_knowledge_index()
    seeding.seed_demo()


@pytest.mark.django_db(transaction=True)
def test_it_renders_a_knowledge_entry_edited_in_the_admin_inert(
    kb: None, charlie_admin: User, alice: User
) -> None:
    entry = KnowledgeEntry.objects.get(slug="quantum-coherence")
    title = f"Quantum coherence {PAYLOADS[1]}"
    admin = logged_in(charlie_admin)
    response = admin.post(
        f"/admin/tutor/knowledgeentry/{entry.pk}/change/",
        {
            "title": title,
            "slug": entry.slug,
            "topic": entry.topic,
            "keywords": json.dumps(entry.keywords),
            "explanation": f"{entry.explanation}\n\n{ALL}",
            "example": entry.example,
            "simpler": entry.simpler,
            "alternative": entry.alternative,
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry.refresh_from_db()
    assert entry.title == title
    for path in ("/admin/tutor/knowledgeentry/", f"/admin/tutor/knowledgeentry/{entry.pk}/change/"):
        assert_inert(admin.get(path).content.decode(), *MARKERS)

    student = logged_in(alice)
    reply = student.post(
        "/api/tutor/ask/",
        json.dumps({"text": "what is quantum coherence"}),
        content_type="application/json",
    ).json()
    assert reply["sources"][0]["title"] == title  # data in JSON; the page sets it as text
    assert "alert(1)" in reply["text"]  # the passage really reached the reply
    assert_inert(reply["html"], *MARKERS)
    page = student.get(f"/tutor/{reply['chat_id']}/").content.decode()
    assert_inert(page, *MARKERS)
    # The admin's read-only record of the chat too.
    chat_admin = admin.get(f"/admin/tutor/chat/{reply['chat_id']}/change/").content.decode()
    assert_inert(chat_admin, *MARKERS)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_it_streams_a_reply_whose_done_frame_html_is_inert(kb: None, alice: User) -> None:
    await KnowledgeEntry.objects.filter(slug="quantum-coherence").aupdate(
        explanation=f"Coherence is a phase relation.\n\n{ALL}"
    )
    cookie = await sync_to_async(session_cookie)(alice)
    communicator = WebsocketCommunicator(
        application, "/ws/tutor/", headers=[(b"origin", b"http://localhost"), (b"cookie", cookie)]
    )
    assert (await communicator.connect())[0]
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "ask", "text": "what is quantum coherence"})
    frames = []
    while not frames or frames[-1]["type"] not in ("done", "error"):
        frames.append(await communicator.receive_json_from(timeout=10))
    done = frames[-1]
    assert done["type"] == "done", done
    streamed = "".join(f["text"] for f in frames if f["type"] == "token")
    assert "<script>alert(1)</script>" in streamed  # tokens are text: chat.js sets textContent
    assert_inert(done["html"], *MARKERS)
    await communicator.disconnect()


# -- task answers --------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_payload_as_a_numeric_answer_and_echoes_it_inert(alice: User) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(), shown=True)
    client = logged_in(alice)
    for payload in PAYLOADS:
        response = client.post(f"/practice/{item.pk}/answer/", {"answer": payload})
        assert response.status_code == 400
        assert_inert(response.content.decode(), *MARKERS)
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED


@pytest.mark.django_db
def test_it_refuses_a_payload_as_a_choice_answer(alice: User) -> None:
    item = PracticeTaskFactory(student=alice, task=TaskFactory(choice=True), shown=True)
    client = logged_in(alice)
    for payload in PAYLOADS:
        response = client.post(f"/practice/{item.pk}/answer/", {"answer": payload})
        assert response.status_code == 400
        assert_inert(response.content.decode(), *MARKERS)
    item.refresh_from_db()
    assert item.status != PracticeTask.Status.COMPLETED and item.answer == ""


@pytest.mark.django_db
def test_it_renders_stored_answers_inert(alice: User, charlie_admin: User) -> None:
    # Answers from before validation, or a future kind that keeps free text: shown as text.
    items = [
        PracticeTaskFactory(student=alice, task=TaskFactory(**kind), completed=True, answer=p[:200])
        for p in PAYLOADS
        for kind in ({}, {"choice": True})
    ]
    client = logged_in(alice)
    pages = [f"/practice/{i.pk}/result/" for i in items] + ["/history/", "/", "/progress/"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.content.decode(), *MARKERS)
    admin = logged_in(charlie_admin)
    for path in (
        "/admin/tasks/practicetask/",
        f"/admin/tasks/practicetask/{items[0].pk}/change/",
        f"/admin/tasks/practicetask/student/{alice.pk}/",
    ):
        assert_inert(admin.get(path).content.decode(), *MARKERS)


# -- CSV in the admin and from import_attempts ---------------------------------------------


def csv_text(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.mark.django_db
def test_it_renders_tasks_imported_through_the_admin_inert(
    charlie_admin: User, alice: User
) -> None:
    admin = logged_in(charlie_admin)
    topics = csv_text(["slug", "name", "description"], [["xss-topic", PAYLOADS[4], PAYLOADS[1]]])
    preview = upload_csv(admin, "/admin/tasks/topic/import/", topics)
    assert_inert(preview.content.decode(), *MARKERS)
    assert confirm_csv(admin, "/admin/tasks/topic/import/", preview).status_code == 302
    options = [{"id": "a", "text": PAYLOADS[0]}, {"id": "b", "text": PAYLOADS[6]}]
    header = ["slug", "topic", "title", "difficulty", "answer_kind", "statement", "options",
              "correct_option", "solution", "concept", "numeric_answer", "unit"]  # fmt: skip
    rows = [
        ["xss-choice", "xss-topic", PAYLOADS[4], "easy", "choice", ALL, json.dumps(options),
         "a", ALL, PAYLOADS[1][:200], "", ""],
        ["xss-numeric", "xss-topic", PAYLOADS[1], "easy", "numeric", ALL, "", "", ALL,
         PAYLOADS[4], "2", "<b>m"],
    ]  # fmt: skip
    preview = upload_csv(admin, "/admin/tasks/task/import/", csv_text(header, rows))
    assert_inert(preview.content.decode(), *MARKERS)
    response = confirm_csv(admin, "/admin/tasks/task/import/", preview)
    assert response.status_code == 302, response.content.decode()[-3000:]
    choice, numeric = Task.objects.get(slug="xss-choice"), Task.objects.get(slug="xss-numeric")
    assert choice.answer_kind == AnswerKind.CHOICE and choice.statement == ALL

    pending = PracticeTaskFactory(student=alice, task=numeric, shown=True)
    done = PracticeTaskFactory(student=alice, task=choice, completed=True, answer="a")
    student = logged_in(alice)
    for path in (
        "/",
        f"/practice/{pending.pk}/",
        f"/practice/{done.pk}/result/",
        "/history/",
        "/progress/",
    ):
        response = student.get(path)
        assert response.status_code == 200, path
        assert_inert(response.content.decode(), *MARKERS)
    for path in (
        "/admin/tasks/task/",
        f"/admin/tasks/task/{choice.pk}/change/",
        "/admin/tasks/topic/",
        f"/admin/tasks/practicetask/student/{alice.pk}/",
    ):
        assert_inert(admin.get(path).content.decode(), *MARKERS)
    # The CSV export is served as an attachment, never rendered as a page.
    export = admin.get("/admin/tasks/task/export/")
    assert export["Content-Type"].startswith("text/csv")
    assert export["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
def test_it_reports_a_bad_csv_upload_inert(charlie_admin: User) -> None:
    # Import errors quote the offending values back to the admin.
    header = ["slug", "topic", "title", "answer_kind", "options"]
    rows = [[PAYLOADS[1], PAYLOADS[4], PAYLOADS[0], PAYLOADS[1][:10], PAYLOADS[4]]]
    upload = SimpleUploadedFile("tasks.csv", csv_text([*header, PAYLOADS[0]], rows), "text/csv")
    response = logged_in(charlie_admin).post("/admin/tasks/task/import/", {"file": upload})
    assert response.status_code == 200
    assert "unknown column" in response.content.decode()
    assert_inert(response.content.decode(), *MARKERS)
    upload = SimpleUploadedFile("tasks.csv", csv_text(header, rows), "text/csv")
    response = logged_in(charlie_admin).post("/admin/tasks/task/import/", {"file": upload})
    assert response.status_code == 200 and "does not exist" in response.content.decode()
    assert_inert(response.content.decode(), *MARKERS)
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_it_renders_imported_attempt_ids_inert(
    tmp_path: Path, charlie_admin: User, alice: User
) -> None:
    rows = [
        [user, item, topic, str(i % 2), "1500", str(i)]
        for i, (user, item, topic) in enumerate(
            zip(PAYLOADS, reversed(PAYLOADS), PAYLOADS[3:] + PAYLOADS[:3], strict=True)
        )
    ]
    path = tmp_path / "attempts.csv"
    path.write_bytes(
        csv_text(["user_id", "item_id", "skill_id", "correct", "rt_ms", "position"], rows)
    )
    call_command("import_attempts", str(path), "--source", "xss", stdout=io.StringIO())
    assert PracticeTask.objects.filter(source="xss").count() == len(PAYLOADS)
    assert Topic.objects.filter(source="xss").exists()
    admin = logged_in(charlie_admin)
    imported = PracticeTask.objects.filter(source="xss").select_related("student").first()
    assert imported is not None
    student = imported.student
    for page in (
        "/admin/tasks/practicetask/",
        "/admin/tasks/practicetask/?q=alert",
        "/admin/tasks/task/",
        "/admin/tasks/topic/",
        "/admin/auth/user/",
        f"/admin/auth/user/{student.pk}/change/",
        f"/admin/tasks/practicetask/student/{student.pk}/",
    ):
        response = admin.get(page)
        assert response.status_code == 200, page
        assert_inert(response.content.decode(), *MARKERS)
