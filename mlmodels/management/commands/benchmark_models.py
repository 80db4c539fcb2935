from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mlmodels.data import add_column_arguments, columns_from_options, read_attempts_csv


class Command(BaseCommand):
    help = (
        "Evaluate both student models beside the baselines on a CSV of attempts, training them "
        "through the same code the worker runs."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--csv", required=True, type=Path, help="long-format attempts CSV")
        add_column_arguments(parser)
        parser.add_argument(
            "--split",
            choices=["chronological", "random"],
            default="chronological",
            help="chronological: each student's last 20 %%; random: a seeded 20 %% of each "
            "student's responses (for fixed-order tests such as the shared chess data)",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--json", type=Path, dest="json_out", help="write the report here")
        parser.add_argument("--threads", type=int, default=1, help="TensorFlow threads")

    def handle(self, *args: Any, **options: Any) -> None:
        from mlmodels.benchmark import LnirtTrainer, run_benchmark
        from mlmodels.data import table_from_records
        from mlmodels.sequence_train import SequenceTrainer

        path: Path = options["csv"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            records = read_attempts_csv(path, columns_from_options(options))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        table = table_from_records(records)
        self.stdout.write(
            f"{path.name}: {len(table)} attempts, {len(table.users)} students, "
            f"{len(table.items)} items; split {options['split']}"
        )
        report = run_benchmark(
            table,
            split=options["split"],
            seed=options["seed"],
            dataset=path.name,
            models={
                "lnirt": LnirtTrainer(),
                "sequence": SequenceTrainer(threads=options["threads"]),
            },
        )
        self.stdout.write(report.table())
        if options["json_out"]:
            options["json_out"].write_text(report.to_json())
            self.stdout.write(f"Wrote {options['json_out']}")
