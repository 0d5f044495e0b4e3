from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from readers.services import register_import


class Command(BaseCommand):
    help = (
        "Loads a register extract (CSV: professione;cognome;nome;numero;provincia) and "
        "verifies the declared profiles it matches on name, number and province."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv", type=Path)

    def handle(self, *args, csv: Path, **options):
        try:
            data = csv.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {csv}: {error.strerror}") from error
        try:
            result = register_import(data=data, source=csv.name)
        except ValidationError as error:
            raise CommandError(f"{csv}: {' '.join(error.messages)}") from error
        self.stdout.write(f"{result.entries} register entries loaded, {result.verified} verified")
