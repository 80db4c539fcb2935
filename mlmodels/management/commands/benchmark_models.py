from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mlmodels.data import add_column_arguments, columns_from_options, read_attempts_csv


class Command(BaseCommand):
    help = (
        "Evaluate every student model beside the baselines (and the PFA and user+item "
        "references) on a CSV of attempts, training them through the same code the worker runs, "
        "and name the champion the worker would publish."
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
        parser.add_argument(
            "--models",
            default="lnirt,sequence,learning",
            help="comma-separated model kinds (default: all three)",
        )
        parser.add_argument(
            "--quick", action="store_true", help="fewer sequence-model epochs (a smoke run)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from mlmodels.benchmark import run_benchmark, worker_trainers
        from mlmodels.data import table_from_records

        path: Path = options["csv"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            records = read_attempts_csv(path, columns_from_options(options))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        table = table_from_records(records)
        kinds = tuple(k.strip() for k in options["models"].split(",") if k.strip())
        unknown = set(kinds) - {"lnirt", "sequence", "learning"}
        if unknown or not kinds:
            raise CommandError(
                f"--models: unknown kinds {sorted(unknown)} (lnirt, sequence, learning)"
            )
        self.stdout.write(
            f"{path.name}: {len(table)} attempts, {len(table.users)} students, "
            f"{len(table.items)} items; split {options['split']}"
        )
        report = run_benchmark(
            table,
            split=options["split"],
            seed=options["seed"],
            dataset=path.name,
            models=worker_trainers(
                threads=options["threads"],
                quick=options["quick"],
                kinds=kinds,
                validation=options["split"],
            ),
        )
        self.stdout.write(report.table())
        served = report.champion
        if served.kind == "model":
            self.stdout.write(f"Champion the worker would publish: {served.name}")
        else:
            self.stdout.write("No model beats every simple baseline: the average would serve.")
        if options["json_out"]:
            options["json_out"].write_text(report.to_json())
            self.stdout.write(f"Wrote {options['json_out']}")
