"""The tutor's notes as files: the schema (with the optional facets), seeding that keeps a
concept edited in the admin, and the admin's content download that loads back to the same rows."""

from __future__ import annotations

import io
import shutil
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from studysmart.content import ContentError
from tasks.content import load_bank
from tasks.models import Task, Topic
from tutor.content import FACETS, load_content, load_knowledge
from tutor.models import KnowledgeEntry

REPO_CONTENT = Path(__file__).resolve().parents[2] / "content"
TOPICS = [t.slug for t in load_bank(REPO_CONTENT).topics]
COHERENCE = "quantum-coherence"


@pytest.fixture
def content(tmp_path: Path, settings: Any) -> Path:
    copy = tmp_path / "content"
    shutil.copytree(REPO_CONTENT, copy)
    settings.CONTENT_DIR = copy
    return copy


def edit_concept(content_dir: Path, topic: str, slug: str, **changes: Any) -> None:
    path = content_dir / "knowledge" / f"{topic}.yaml"
    data = yaml.safe_load(path.read_text())
    entry = next(c for c in data["concepts"] if c["slug"] == slug)
    entry.update(changes)
    for name in [k for k, v in changes.items() if v is None]:
        del entry[name]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def problems(content_dir: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(content_dir)
    return str(caught.value)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


FACET_EXAMPLE: dict[str, Any] = {
    "definition": "Coherence is a fixed phase relation between the parts of a superposition.",
    "why": "Interference, and every quantum computer, needs it.",
    "formula": {
        "latex": r"\rho_{01}(t) = \rho_{01}(0)\,e^{-t/T_2}",
        "symbols": [
            {"symbol": r"\rho_{01}", "meaning": "off-diagonal element"},
            {"symbol": "T_2", "meaning": "coherence time", "unit": "s"},
        ],
    },
    "worked_calculation": "With $T_2 = 100\\,\\mu\\mathrm{s}$, after $200\\,\\mu\\mathrm{s}$ …",
    "applications": ["quantum computing", "lasers"],
    "misconceptions": ["Coherence is not the same as entanglement."],
    "aliases": ["phase coherence"],
    "prerequisites": ["quantum-superposition"],
    "see_also": ["decoherence", "quantum-entanglement"],
}


# --- the files --------------------------------------------------------------------------------


def test_it_holds_every_concept_in_the_bank_topics() -> None:
    concepts = load_knowledge(REPO_CONTENT, topics=TOPICS)
    assert len(concepts) == 77
    assert {c.topic for c in concepts} == set(TOPICS)


def test_it_accepts_the_optional_facets(content: Path) -> None:
    assert set(FACET_EXAMPLE) == set(FACETS)
    edit_concept(content, "quantum-physics", COHERENCE, **FACET_EXAMPLE)
    _, concepts = load_content(content)
    spec = next(c for c in concepts if c.slug == COHERENCE)
    assert spec.facets == FACET_EXAMPLE


def test_it_names_file_entry_and_field_of_bad_concepts(content: Path) -> None:
    edit_concept(
        content, "quantum-physics", COHERENCE,
        see_also=["no-such-concept"], formula={"symbols": []}, keywords="coherence",
        explanaton="typo",
    )  # fmt: skip
    edit_concept(content, "optics", "reflection", title=None)
    message = problems(content)
    where = f"knowledge/quantum-physics.yaml · concept {COHERENCE}"
    assert f"{where} · see_also: no concept 'no-such-concept'" in message
    assert f"{where} · formula.latex: is required" in message
    assert f"{where} · keywords: must be a list, not str" in message
    assert f"{where} · explanaton: is not a known field (a typo?)" in message
    assert "knowledge/optics.yaml · concept reflection · title: is required" in message


def test_it_refuses_a_topic_the_bank_does_not_have(content: Path) -> None:
    path = content / "knowledge" / "optics.yaml"
    path.write_text(path.read_text().replace("topic: optics", "topic: photonics"))
    assert "knowledge/optics.yaml · topic: 'photonics' is not a topic of the question bank" in (
        problems(content)
    )


def test_it_lists_the_problems_of_both_kinds_of_file_at_once(content: Path) -> None:
    (content / "bank" / "waves.yaml").write_text("slug: waves\nname: [broken\n")
    edit_concept(content, "optics", "reflection", title=None)
    message = problems(content)
    assert "bank/waves.yaml: not valid YAML" in message
    assert "knowledge/optics.yaml · concept reflection · title" in message


# --- seeding and the admin --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_keeps_a_concept_edited_in_the_admin_and_force_restores_it(
    content: Path, charlie_admin: User
) -> None:
    assert "77 knowledge entries (77 new, 0 updated" in seed()
    entry = KnowledgeEntry.objects.get(slug=COHERENCE)
    shipped = entry.simpler
    client = Client()
    client.force_login(charlie_admin)
    response = client.post(
        f"/admin/tutor/knowledgeentry/{entry.pk}/change/",
        {
            "title": entry.title,
            "slug": entry.slug,
            "topic": entry.topic,
            "keywords": '["coherence", "phase"]',
            "explanation": entry.explanation,
            "example": entry.example,
            "simpler": "A teacher's own simpler explanation.",
            "alternative": entry.alternative,
            "facets": "{}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # The file changes too: the teacher's edit still wins.
    edit_concept(content, "quantum-physics", COHERENCE, simpler="Newer shipped words.")

    again = seed()
    entry.refresh_from_db()
    assert entry.simpler == "A teacher's own simpler explanation."
    assert f"kept 1 concept changed in the admin: {COHERENCE}" in again

    seed("--force-content")
    entry.refresh_from_db()
    spec = next(c for c in load_content(content)[1] if c.slug == COHERENCE)
    assert entry.content_values() == spec.values()
    assert entry.simpler == "Newer shipped words." != shipped


@pytest.mark.django_db(transaction=True)
def test_it_downloads_the_rows_as_a_zip_that_loads_back_to_the_same_rows(
    content: Path, charlie_admin: User, tmp_path: Path
) -> None:
    edit_concept(content, "quantum-physics", COHERENCE, **FACET_EXAMPLE)
    seed()
    task = Task.objects.get(slug="optics-refraction-angle-into-water")
    task.title = "Edited in the admin"
    task.save()
    client = Client()
    client.force_login(charlie_admin)
    for page in ("/admin/tasks/task/", "/admin/tutor/knowledgeentry/"):
        assert "Download content (zip)" in client.get(page).content.decode()
    response = client.get("/admin/tutor/knowledgeentry/download-content/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"

    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    assert "content/bank/optics.yaml" in names and "content/knowledge/optics.yaml" in names
    bank, concepts = load_content(unpacked / "content")

    rows = {t.slug: t for t in Task.objects.select_related("topic").filter(source="")}
    assert {t.slug: t.values() for t in bank.tasks} == {
        slug: row.content_values() for slug, row in rows.items()
    }
    assert rows["optics-refraction-angle-into-water"].title == "Edited in the admin"
    topics = {t.slug: t.content_values() for t in Topic.objects.all()}
    assert {t.slug: t.values() for t in bank.topics} == topics
    entries = {e.slug: e.content_values() for e in KnowledgeEntry.objects.all()}
    assert {c.slug: c.values() for c in concepts} == entries
    assert entries[COHERENCE]["facets"] == FACET_EXAMPLE
    # Unchanged files come back byte for byte: a download diffs cleanly against a checkout.
    assert (unpacked / "content/bank/waves.yaml").read_text() == (
        content / "bank/waves.yaml"
    ).read_text()


@pytest.mark.django_db
def test_it_refuses_the_download_to_staff_without_view_permission(alice: User) -> None:
    alice.is_staff = True
    alice.save()
    client = Client()
    client.force_login(alice)
    assert client.get("/admin/tutor/knowledgeentry/download-content/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_concept_edited_in_the_admin_changes_retrieval_intents_and_related_notes_at_once(
    charlie_admin: User,
) -> None:
    from tutor import intents, knowledge_index, seeding

    knowledge_index.forget_knowledge_index()
    seeding.seed_demo()
    knowledge_index.knowledge_index()
    question = "what is a zorbulon?"
    assert intents.physics_words(intents.clean(question)) == []
    entry = KnowledgeEntry.objects.get(slug="decoherence")
    client = Client()
    client.force_login(charlie_admin)
    response = client.post(
        f"/admin/tutor/knowledgeentry/{entry.pk}/change/",
        {
            "title": entry.title, "slug": entry.slug, "topic": entry.topic,
            "keywords": '["decoherence", "zorbulon"]',
            "explanation": f"{entry.explanation} Students call it zorbulon flux.",
            "example": entry.example, "simpler": entry.simpler,
            "alternative": entry.alternative, "facets": "{}",
        },
    )  # fmt: skip
    assert response.status_code == 302
    # No restart: the next turn's index load sees the row, and the vocabulary with it.
    index = knowledge_index.knowledge_index()
    hits = index.search(question, k=3)
    assert hits and hits[0][0].slug == "decoherence"
    assert intents.physics_words(intents.clean(question))
    assert intents.classify(question, has_context=False) == "concept"
