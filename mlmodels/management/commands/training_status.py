from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from mlmodels.services import training_status


class Command(BaseCommand):
    help = "Show the retraining tracker and the serving models (never imports TensorFlow)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args: Any, as_json: bool = False, **options: Any) -> None:
        status = training_status(with_total=True)
        if as_json:
            self.stdout.write(json.dumps(status, indent=2, default=str))
            return
        self.stdout.write("\n".join(f"{label:<23}{value}" for label, value in rows(status)))


def rows(status: dict[str, Any]) -> list[tuple[str, str]]:
    champion, last_run = status["champion"], status["last_run"]
    counter = f"{status['completed_since_training']}/{status['threshold']}"
    took = status["last_seconds"]
    return [
        ("Training state:", status["state"]),
        ("Counter:", f"{counter} completed tasks since the last training"),
        ("Minimum interval:", f"{status['min_interval_seconds']} s"),
        ("Last trained:", status["last_trained_at"] or "never"),
        ("Samples last training:", str(status["last_samples"] or "-")),
        ("Last training took:", f"{took:.1f} s" if took else "-"),
        ("Last result:", status["last_result"] or "-"),
        ("Total completed tasks:", str(status["total_completed"])),
        ("Serving champion:", champion["version"] if champion else "none (average / default)"),
        (
            "Last run:",
            f"#{last_run['id']} {last_run['state']} ({last_run['trigger']})" if last_run else "-",
        ),
    ]
