"""The tutor's notes as files (`content/knowledge/<topic>.yaml`) and as rows (KnowledgeEntry).

`load_knowledge` reads and validates every file (the topics are the question bank's, one list
for the whole product); `seed_knowledge` writes the rows by slug and keeps an entry a teacher
changed in the admin (its text no longer matches the hash of what was seeded), unless
``force``. `knowledge_files` writes the rows back in the same format (the admin's content
download). `concept_specs` is the rows as specs — what the tutor's vocabulary is built from.
See docs/content.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studysmart.content import (
    ContentError,
    Entry,
    Problems,
    block,
    dump_yaml,
    read_yaml,
    yaml_files,
)

if TYPE_CHECKING:
    from tasks.content import Bank
    from tutor.models import KnowledgeEntry

KNOWLEDGE_DIR = "knowledge"
TEXT_FIELDS = ("explanation", "example", "simpler", "alternative")

# Optional facets of a concept, beyond the four answer texts: accepted, validated, stored and
# exported now, so that writing them is only a change to the files.
TEXT_FACETS = ("definition", "why", "worked_calculation")
LIST_FACETS = ("aliases", "applications", "misconceptions")
LINK_FACETS = ("prerequisites", "see_also")  # slugs of other concepts
FACETS = (*TEXT_FACETS, "formula", *LIST_FACETS, *LINK_FACETS)

FILE_HEADER = """{name}: the tutor's notes (knowledge base), one entry per concept.
How to add or change a concept: docs/content.md. Texts are Markdown with $…$ / $$…$$ LaTeX."""

_LIST_ITEM = re.compile(r"^(?:[-*] |\d+\. )")


def reflow(text: str) -> str:
    """Join wrapped lines into Markdown paragraphs (blank lines and list items kept), so what
    the tutor streams reads well however the file wraps its text; idempotent on clean text."""
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for raw in chunk.splitlines():
            line = raw.strip()
            if not line:
                continue
            if lines and not _LIST_ITEM.match(line):
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(p for p in paragraphs if p)


@dataclass(frozen=True)
class ConceptSpec:
    slug: str  # stable identifier, e.g. "quantum-coherence"
    title: str  # "Quantum coherence"
    topic: str  # a topic slug of the question bank
    keywords: tuple[str, ...]  # terms and synonyms students use
    explanation: str  # the core idea and key formula(s), Markdown + LaTeX
    example: str = ""  # a concrete worked or real-world example
    simpler: str = ""  # for a 14-year-old: an everyday analogy, minimal math
    alternative: str = ""  # a genuinely different angle on the same idea
    facets: Mapping[str, Any] = field(default_factory=dict)  # optional, see FACETS

    def values(self) -> dict[str, Any]:
        """The row's content fields, as `KnowledgeEntry.content_values` reads them back."""
        return {
            "title": self.title,
            "topic": self.topic,
            "keywords": list(self.keywords),
            "explanation": self.explanation,
            "example": self.example,
            "simpler": self.simpler,
            "alternative": self.alternative,
            "facets": dict(self.facets),
        }


# --- reading ----------------------------------------------------------------------------------


def load_knowledge(content_dir: Path, *, topics: Sequence[str]) -> tuple[ConceptSpec, ...]:
    """Every file of ``content_dir/knowledge``, validated against the bank's ``topics`` and
    in their order; ``ContentError`` names each problem (file, entry, field). Reads only."""
    problems = Problems()
    directory = content_dir / KNOWLEDGE_DIR
    files = yaml_files(directory)
    if not files:
        problems.add(f"{KNOWLEDGE_DIR}/", "", "", f"no concept files (*.yaml) in {directory}")
    concepts: list[tuple[str, ConceptSpec]] = []
    for path in files:
        label = f"{KNOWLEDGE_DIR}/{path.name}"
        data = read_yaml(path, label=label, problems=problems)
        if data is None:
            continue
        top = Entry(data, file=label, entry="", problems=problems)
        topic = top.slug("topic")
        if topic and topic not in topics:
            top.problem("topic", f"{topic!r} is not a topic of the question bank (content/bank/)")
        for item in top.entries("concepts"):
            spec = _read_concept(item, topic=topic)
            if spec is not None:
                concepts.append((label, spec))
        top.finish()
    _check_links(concepts, problems)
    problems.check()
    position = {slug: i for i, slug in enumerate(topics)}
    return tuple(spec for _, spec in sorted(concepts, key=lambda c: position[c[1].topic]))


def _read_concept(item: Entry, *, topic: str) -> ConceptSpec | None:
    if not item.ok:
        return None
    slug = item.slug()
    item.entry, item.where = (f"concept {slug}", "") if slug else (item.where, "")
    spec = ConceptSpec(
        slug=slug,
        title=item.text("title", max_length=200),
        topic=topic,
        keywords=item.strings("keywords", required=True),
        explanation=reflow(item.text("explanation")),
        example=reflow(item.text("example", required=False)),
        simpler=reflow(item.text("simpler", required=False)),
        alternative=reflow(item.text("alternative", required=False)),
        facets=_read_facets(item),
    )
    item.finish()
    return spec


def _read_facets(item: Entry) -> dict[str, Any]:
    facets: dict[str, Any] = {}
    for name in TEXT_FACETS:
        if text := reflow(item.text(name, required=False)):
            facets[name] = text
    for name in (*LIST_FACETS, *LINK_FACETS):
        if items := item.strings(name):
            facets[name] = list(items)
    formula = item.mapping("formula")
    if formula is not None and formula.ok:
        value: dict[str, Any] = {"latex": formula.text("latex")}
        symbols = []
        for symbol in formula.entries("symbols"):
            row = {"symbol": symbol.text("symbol"), "meaning": symbol.text("meaning")}
            if unit := symbol.text("unit", required=False):
                row["unit"] = unit
            symbols.append(row)
            symbol.finish()
        if symbols:
            value["symbols"] = symbols
        formula.finish()
        facets["formula"] = value
    return facets


def _check_links(concepts: Iterable[tuple[str, ConceptSpec]], problems: Problems) -> None:
    concepts = list(concepts)
    seen: dict[str, str] = {}
    for label, spec in concepts:
        if spec.slug in seen:
            problems.add(label, f"concept {spec.slug}", "slug", f"also used in {seen[spec.slug]}")
        seen.setdefault(spec.slug, label)
    for label, spec in concepts:
        for name in LINK_FACETS:
            for slug in spec.facets.get(name, ()):
                if slug not in seen:
                    problems.add(label, f"concept {spec.slug}", name, f"no concept {slug!r}")


def load_content(content_dir: Path) -> tuple[Bank, tuple[ConceptSpec, ...]]:
    """The question bank and the tutor's notes, every file validated before anything is
    written; one ``ContentError`` lists the problems of both."""
    from tasks.content import load_bank

    try:
        bank = load_bank(content_dir)
    except ContentError as bank_error:
        # Report the notes' problems too, checked against the topics that did read.
        topics = [p.stem for p in yaml_files(content_dir / "bank")]
        try:
            load_knowledge(content_dir, topics=topics)
        except ContentError as knowledge_error:
            raise ContentError([*bank_error.problems, *knowledge_error.problems]) from None
        raise
    return bank, load_knowledge(content_dir, topics=[t.slug for t in bank.topics])


DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


def content_dir() -> Path:
    """``settings.CONTENT_DIR``; the repository's `content/` where Django is not set up (the
    retrieval code runs in plain Python too)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return Path(settings.CONTENT_DIR)
    except ImproperlyConfigured:
        return DEFAULT_CONTENT_DIR


@lru_cache(maxsize=1)
def shipped_concepts() -> tuple[ConceptSpec, ...]:
    """The notes as the files of this release ship them (read once per process).

    What seeding loads into the rows. The running tutor reads the rows (its embedder is fitted
    on them); this is the corpus only where there is no database (unit tests, benchmarks).
    """
    return load_content(content_dir())[1]


# --- rows -------------------------------------------------------------------------------------


def concept_specs() -> tuple[ConceptSpec, ...]:
    """The knowledge base as it runs: every KnowledgeEntry row as a spec."""
    from tutor.models import KnowledgeEntry

    return tuple(_spec_from_row(e) for e in KnowledgeEntry.objects.order_by("id"))


def _spec_from_row(entry: KnowledgeEntry) -> ConceptSpec:
    return ConceptSpec(
        slug=entry.slug,
        title=entry.title,
        topic=entry.topic,
        keywords=tuple(str(k) for k in entry.keywords or ()),
        explanation=entry.explanation,
        example=entry.example,
        simpler=entry.simpler,
        alternative=entry.alternative,
        facets=dict(entry.facets or {}),
    )


@dataclass
class KnowledgeReport:
    total: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # changed in the admin since seeded
    not_in_files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.total} knowledge entries ({len(self.new)} new, {len(self.updated)} updated"
        if self.not_in_files:
            text += f", {len(self.not_in_files)} only in the database"
        return text + ")"

    def kept_line(self) -> str:
        if not self.kept:
            return ""
        noun = "concept" if len(self.kept) == 1 else "concepts"
        return f"kept {len(self.kept)} {noun} changed in the admin: {', '.join(self.kept)}"


def seed_knowledge(*, concepts: Iterable[ConceptSpec], force: bool = False) -> KnowledgeReport:
    """Write the notes as rows by slug, in one transaction, keeping a teacher's edits.

    An entry whose text still hashes to what was last seeded follows the files; one changed
    since is kept and reported, unless ``force``. Entries that are only in the database (made
    in the admin, or gone from the files) are left as they are. Embeddings are not computed
    here (the caller does, after the transaction).
    """
    from django.db import transaction

    from tutor.models import KnowledgeEntry

    concepts = list(concepts)
    report = KnowledgeReport(total=len(concepts))
    with transaction.atomic():
        existing = {e.slug: e for e in KnowledgeEntry.objects.select_for_update()}
        new = []
        for spec in concepts:
            values = spec.values()
            entry = existing.get(spec.slug)
            if entry is None:
                entry = KnowledgeEntry(slug=spec.slug, **values)
                entry.seeded_hash = entry.content_hash()
                new.append(entry)
                report.new.append(spec.slug)
                continue
            if entry.content_values() == values:
                if entry.seeded_hash != entry.content_hash():
                    entry.seeded_hash = entry.content_hash()
                    entry.save(update_fields=["seeded_hash"])
                continue
            if entry.content_hash() != entry.seeded_hash and not force:
                report.kept.append(spec.slug)
                continue
            for name, value in values.items():
                setattr(entry, name, value)
            entry.seeded_hash = entry.content_hash()
            entry.save()
            report.updated.append(spec.slug)
        KnowledgeEntry.objects.bulk_create(new)
    in_files = {c.slug for c in concepts}
    report.not_in_files = sorted(set(existing) - in_files)
    return report


# --- writing files ----------------------------------------------------------------------------


def knowledge_files() -> dict[str, str]:
    """Every KnowledgeEntry row as `knowledge/<topic>.yaml` texts, the format
    `load_knowledge` reads, one file per topic."""
    from tasks.models import Topic

    names = dict(Topic.objects.values_list("slug", "name"))
    by_topic: dict[str, list[ConceptSpec]] = {}
    for spec in concept_specs():
        by_topic.setdefault(spec.topic, []).append(spec)
    files = {}
    for topic, specs in sorted(by_topic.items()):
        data = {"topic": topic, "concepts": [_concept_data(s) for s in specs]}
        header = FILE_HEADER.format(name=names.get(topic, topic))
        files[f"{KNOWLEDGE_DIR}/{topic}.yaml"] = dump_yaml(data, header=header)
    return files


def content_zip() -> bytes:
    """The question bank and the notes as they are in the database, zipped in the `content/`
    layout (`content/bank/*.yaml`, `content/knowledge/*.yaml`), built in memory: unzipped
    over a checkout it is a reviewable diff, and seeding loads it back to the same rows."""
    import io
    import zipfile

    from tasks.content import bank_files

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted({**bank_files(), **knowledge_files()}.items()):
            archive.writestr(f"content/{name}", text)
    return buffer.getvalue()


def _concept_data(spec: ConceptSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"slug": spec.slug, "title": spec.title, "keywords": list(spec.keywords)}
    for name in TEXT_FIELDS:
        if text := getattr(spec, name):
            data[name] = block(text)
    for name in FACETS:
        value = spec.facets.get(name)
        if value:
            data[name] = block(value) if name in TEXT_FACETS else value
    return data


__all__ = [
    "FACETS",
    "ConceptSpec",
    "ContentError",
    "concept_specs",
    "content_zip",
    "knowledge_files",
    "load_content",
    "load_knowledge",
    "reflow",
    "seed_knowledge",
    "shipped_concepts",
]
