"""A concept added in the admin is found, read as physics and cited by the next reply; the
offline embedder is refitted on the rows, and every process arrives at the same fit."""

from __future__ import annotations

import numpy as np
import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.test import Client

from tutor import chats, knowledge_index, seeding, streaming
from tutor.models import KnowledgeEntry
from tutor.retrieval import KnowledgeIndex, shipped_offline_embeddings

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_tutor_state")]


@pytest.mark.asyncio
async def test_a_concept_added_in_the_admin_is_retrieved_and_cited(
    alice: User, charlie_admin: User
) -> None:
    await sync_to_async(seeding.seed_demo)()
    chat = await sync_to_async(chats.start_chat)(student=alice)
    before = await streaming.ask(chat_id=chat.pk, student=alice, text="what is a quorblix")
    assert before.sources == ()

    assert await sync_to_async(add_quorblix)(charlie_admin) == 302
    chat = await sync_to_async(chats.start_chat)(student=alice)
    after = await streaming.ask(chat_id=chat.pk, student=alice, text="what is a quorblix")
    assert after.intent == "concept"
    assert after.sources[0]["slug"] == "quorblix-resonance"
    assert after.sources[0]["title"] == "Quorblix resonance"


def add_quorblix(admin: User) -> int:
    client = Client()
    client.force_login(admin)
    return client.post(
        "/admin/tutor/knowledgeentry/add/",
        {
            "title": "Quorblix resonance",
            "slug": "quorblix-resonance",
            "topic": "waves",
            "keywords": '["quorblix"]',
            "explanation": "A quorblix is a made-up standing wave in a crystal lattice.",
            "example": "",
            "simpler": "",
            "alternative": "",
            "facets": "{}",
        },
    ).status_code


def cosine_ranking(index: KnowledgeIndex, question: str) -> list[tuple[str, float]]:
    """The embedder's half of the hybrid ranking alone: (slug, cosine), best first."""
    scores = index.scores(index.embeddings.embed_query(question))
    return [(index.passages[i].slug, float(scores[i])) for i in np.argsort(-scores)]


def stored() -> dict[str, tuple[str, list[float], object]]:
    return {
        slug: (embedder, vector, at)
        for slug, embedder, vector, at in KnowledgeEntry.objects.values_list(
            "slug", "embedder", "embedding", "embedded_at"
        )
    }


def test_a_concept_added_in_the_admin_refits_the_embedder_on_the_rows(charlie_admin: User) -> None:
    seeding.seed_demo()
    before = stored()
    (seeded_fit,) = {embedder for embedder, _, _ in before.values()}
    assert "quorblix" not in knowledge_index.knowledge_index().embeddings.vocabulary

    assert add_quorblix(charlie_admin) == 302

    # Every vector was recomputed with the new fit, in the save's request (after its commit).
    after = stored()
    (fit,) = {embedder for embedder, _, _ in after.values()}
    assert fit != seeded_fit and fit == knowledge_index.current_fit().name
    coherence = before["quantum-coherence"], after["quantum-coherence"]
    assert coherence[1][1] != coherence[0][1] and coherence[1][2] > coherence[0][2]
    index = knowledge_index.knowledge_index()
    assert "quorblix" in index.embeddings.vocabulary
    # BM25 alone finds the made-up word too (its vocabulary is the passages'); what the refit
    # adds is the embedder's own: a misspelt question is snapped to the new word, so its
    # cosine ranking finds the entry as surely as the right spelling does.
    misspelt = "what is a quorblex"
    assert index.lexical.scores(index.lexical.query_terms(misspelt)).argmax() == [
        p.slug for p in index.passages
    ].index("quorblix-resonance")
    assert "quorblix" in index.embeddings.correct(misspelt)
    slug, cosine = cosine_ranking(index, misspelt)[0]
    assert slug == "quorblix-resonance"
    assert cosine == pytest.approx(dict(cosine_ranking(index, "what is a quorblix"))[slug])
    assert index.search(misspelt, k=1)[0][0].slug == "quorblix-resonance"
    # The files' fit never heard of it: its cosine for the misspelling is far lower.
    files_fit = KnowledgeIndex(index.passages, shipped_offline_embeddings(), index.spec)
    assert "quorblix" not in files_fit.embeddings.vocabulary
    assert dict(cosine_ranking(files_fit, misspelt))[slug] < cosine - 0.2

    # Another process (no fit, no vectors, no index in memory) refits from the rows and
    # arrives at the same fit: nothing is re-embedded and its vectors are the stored ones.
    query = index.embeddings.embed_query(misspelt)
    knowledge_index.forget_fits()
    fresh = knowledge_index.knowledge_index()
    assert fresh.embeddings is not index.embeddings
    assert stored() == after
    assert fresh.embeddings.embed_query(misspelt) == pytest.approx(query)
    text = fresh.get("quantum-coherence").embedding_text()  # type: ignore[union-attr]
    recomputed = fresh.embeddings.embed_documents([text])[0]
    assert recomputed == pytest.approx(after["quantum-coherence"][1], abs=1e-6)


def test_a_vector_from_another_fit_is_recomputed_when_the_index_loads() -> None:
    seeding.seed_demo()
    fit = knowledge_index.current_fit().name
    KnowledgeEntry.objects.filter(slug="momentum").update(
        embedder="offline-hashed-tfidf-v1@000000000000", embedding=[1.0] * 2048
    )
    index = knowledge_index.knowledge_index()
    entry = KnowledgeEntry.objects.get(slug="momentum")
    assert entry.embedder == fit and entry.embedding != [1.0] * 2048
    assert index.get("momentum").vector == pytest.approx(entry.embedding)  # type: ignore[union-attr]


def test_deleting_a_concept_in_the_admin_refits_on_the_rows_left(charlie_admin: User) -> None:
    seeding.seed_demo()
    assert add_quorblix(charlie_admin) == 302
    with_quorblix = knowledge_index.current_fit().name
    entry = KnowledgeEntry.objects.get(slug="quorblix-resonance")
    client = Client()
    client.force_login(charlie_admin)
    response = client.post(f"/admin/tutor/knowledgeentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    fits = set(KnowledgeEntry.objects.values_list("embedder", flat=True))
    assert fits == {knowledge_index.current_fit().name} and with_quorblix not in fits
    assert "quorblix" not in knowledge_index.knowledge_index().embeddings.vocabulary
