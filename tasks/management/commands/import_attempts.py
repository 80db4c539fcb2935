"""`manage.py import_attempts CSV`: bring attempts from another system in (README, "Management
commands")."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mlmodels.data import CsvColumns, add_column_arguments, columns_from_options
from tasks.attempts_import import (
    DEFAULT_BATCH_SIZE,
    POSTGRES_BATCH_SIZE,
    AttemptsFileError,
    do_import_attempts,
)
from tasks.csv_common import MAX_ERRORS

# Used when present in the header; required when named with a non-default value.
OPTIONAL_COLUMNS = ("topic", "time", "time_valid", "order")


class Command(BaseCommand):
    help = (
        "Import attempts (one CSV row per attempt) from another system: creates the users "
        "(unusable passwords), topics and tasks it needs and one completed practice task per "
        "row. The whole file is validated first; a broken row imports nothing. Batches commit "
        "one by one and a re-run with the same --source skips what is already there, so an "
        "interrupted import is finished by running it again (--atomic: one transaction)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("csv", type=Path, help="the attempts file (UTF-8 CSV with a header)")
        add_column_arguments(parser)
        parser.add_argument(
            "--source",
            default="",
            help="import namespace (letters, digits, - and _); default: the file's stem",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help=f"rows per transaction (default: {DEFAULT_BATCH_SIZE:,} on SQLite, "
            f"{POSTGRES_BATCH_SIZE:,} on PostgreSQL)",
        )
        parser.add_argument("--max-errors", type=int, default=MAX_ERRORS)
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and count, write nothing"
        )
        parser.add_argument(
            "--atomic",
            action="store_true",
            help="one transaction for the whole file (blocks other SQLite writers meanwhile)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        defaults = CsvColumns()
        columns = columns_from_options(options)
        values = {f: getattr(columns, f) for f in OPTIONAL_COLUMNS}
        # A column named explicitly (not the default) is a promise that the file has it.
        required = [
            values[f] for f in OPTIONAL_COLUMNS if values[f] and values[f] != getattr(defaults, f)
        ]
        verbosity = int(options["verbosity"])

        def progress(done: int) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  … {done:,} rows")

        try:
            summary = do_import_attempts(
                path=options["csv"],
                columns=columns,
                source=options["source"],
                batch_size=options["batch_size"],
                dry_run=options["dry_run"],
                atomic=options["atomic"],
                required_columns=required,
                max_errors=options["max_errors"],
                on_progress=progress,
            )
        except AttemptsFileError as exc:
            raise CommandError(f"{options['csv']}: {exc}") from None
        for line in summary.lines():
            self.stdout.write(line)
        if summary.attempts_created and not summary.dry_run and verbosity >= 1:
            self.stdout.write("Train the models on them with `manage.py train_models`.")
