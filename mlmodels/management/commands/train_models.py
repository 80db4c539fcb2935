from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mlmodels.models import TrainingRun
from mlmodels.services import request_training


class Command(BaseCommand):
    help = "Train and publish both student models now (in this process, or --queue for the worker)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--queue", action="store_true", help="hand the run to the ml cluster instead"
        )

    def handle(self, *args: Any, queue: bool, **options: Any) -> None:
        if queue:
            run = request_training(trigger=TrainingRun.Trigger.COMMAND, force=True)
            if run is None:
                raise CommandError("A training run is already queued or running.")
            self.stdout.write(f"Queued training run {run.pk} for the ml cluster.")
            return
        run = self.claim_inline_run()
        from mlmodels.training import run_training

        self.stdout.write(f"Training run {run.pk} (both models)…")
        result = run_training(run_id=run.pk)
        run.refresh_from_db()
        self.stdout.write(result)
        if run.state != TrainingRun.State.SUCCEEDED:
            raise CommandError(f"Training failed: {run.error}")

    def claim_inline_run(self) -> TrainingRun:
        # Claimed like any trigger (so never two runs at once), but trained right here.
        run = request_training(trigger=TrainingRun.Trigger.COMMAND, force=True, enqueue=False)
        if run is None:
            raise CommandError("A training run is already queued or running.")
        return run
