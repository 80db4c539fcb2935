from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Load the question bank and the tutor's notes from the content files (keeping rows "
        "changed in the admin), and create the demo students with their history."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force-content",
            action="store_true",
            help="overwrite rows changed in the admin with the content files",
        )

    def handle(self, *args: Any, force_content: bool = False, **options: Any) -> None:
        from classes import services as classes_services
        from mlmodels import services as mlmodels_services
        from studysmart import services as accounts_services
        from tasks import services as tasks_services
        from tutor.seeding import seed_demo as seed_tutor

        bank, concepts = check_content()
        # Order matters: the student models and the tutor read what the tasks app seeds.
        self.stdout.write(accounts_services.seed_demo())
        self.stdout.write(tasks_services.seed_demo(bank=bank, force=force_content))
        self.stdout.write(seed_tutor(concepts=concepts, force=force_content))
        self.stdout.write(mlmodels_services.seed_demo())
        # Last: the demo class takes in the students and history seeded above.
        self.stdout.write(classes_services.seed_demo())


def check_content() -> Any:
    """Every content file read and validated, before anything is written or started; a
    broken file stops the command with its file, entry and field."""
    from studysmart.content import ContentError
    from tutor.content import content_dir, load_content

    try:
        return load_content(content_dir())
    except ContentError as exc:
        raise CommandError(f"{exc}\nNothing was loaded; fix the files in {content_dir()}.") from exc
