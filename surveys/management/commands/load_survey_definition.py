"""manage.py load_survey_definition FILE --department SLUG [--slug PREFIX] [--service SLUG]."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.models import Department
from surveys.definitions import load_definitions
from surveys.models import Service


class Command(BaseCommand):
    """Load a published questionnaire (JSON) as surveys with their questions, verbatim."""

    help = (
        'Load the survey definitions in FILE (one definition, or {"surveys": [...]}) for a '
        "department: questions, options and limits exactly as published. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--department", required=True, help="The department's slug.")
        parser.add_argument(
            "--slug",
            help="Slug of the survey (several: PREFIX-1, PREFIX-2, …); default: file name.",
        )
        parser.add_argument(
            "--service", action="append", default=[], help="Slug of a service rated (repeatable)."
        )

    def handle(self, *args, file: Path, department: str, slug, service, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except ValueError as error:
            raise CommandError(f"{file} is not valid JSON: {error}.") from error
        owner = Department.objects.filter(slug=department).first()
        if owner is None:
            raise CommandError(f"There is no department with the slug {department!r}.")
        services = list(Service.objects.filter(slug__in=service, department=owner))
        missing = set(service) - {s.slug for s in services}
        if missing:
            raise CommandError(
                f"No service of {owner.name} with the slug(s): {', '.join(sorted(missing))}."
            )
        prefix = slug or file.stem.replace("_", "-").lower()[:60]
        try:
            surveys = load_definitions(data, owner, slug_prefix=prefix, services=services)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        for survey in surveys:
            self.stdout.write(
                f"{survey.slug}: {survey.title} ({survey.questions.count()} questions)"
            )
