from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the demo content: question bank, students with history, tutor knowledge base."

    def handle(self, *args: Any, **options: Any) -> None:
        from mlmodels import services as mlmodels_services
        from studysmart import services as accounts_services
        from tasks import services as tasks_services
        from tutor.seeding import seed_demo as seed_tutor

        # Order matters: the student models and the tutor read what the tasks app seeds.
        for seed in (
            accounts_services.seed_demo,
            tasks_services.seed_demo,
            seed_tutor,
            mlmodels_services.seed_demo,
        ):
            self.stdout.write(seed())
