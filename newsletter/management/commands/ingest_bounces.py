"""Read returned mail: delivery status notifications (RFC 3464) and ARF complaints (RFC 5965).

Meant as the MTA's pipe for the bounce mailbox (NEWSLETTER_BOUNCE_ADDRESS),
one message on stdin, e.g. in Postfix's master.cf with `recipient_delimiter = +`:
`bounces unix - n n - - pipe user=sanita33 argv=/srv/sanita33/.venv/bin/python
/srv/sanita33/manage.py ingest_bounces --recipient ${original_recipient}`.
Or give files or Maildir folders (each file one message) collected elsewhere;
with --delete the files read are removed. Suppression needs the delivery tag
that every message carries, so a forged report cannot silence an address.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsletter import bounces


class Command(BaseCommand):
    help = "Registra rimbalzi (DSN) e segnalazioni di spam (ARF) letti da stdin, file o Maildir."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="File .eml o cartelle Maildir (cur/ e new/).")
        parser.add_argument(
            "--recipient", default="", help="Destinatario della busta (indirizzo VERP)."
        )
        parser.add_argument("--delete", action="store_true", help="Cancella i file letti.")

    def handle(self, *args, paths, recipient, delete, **options):
        files = self.files(paths) if paths else None
        recorded = read = 0
        if files is None:
            read = 1
            recorded = len(bounces.ingest(sys.stdin.buffer.read(), envelope_recipient=recipient))
        else:
            for path in files:
                read += 1
                recorded += len(bounces.ingest(path.read_bytes(), envelope_recipient=recipient))
                if delete:
                    path.unlink()
        if options["verbosity"] >= 1:
            self.stdout.write(f"messaggi letti: {read}, rimbalzi e segnalazioni: {recorded}")

    def files(self, paths: list[str]) -> list[Path]:
        found = []
        for raw in paths:
            path = Path(raw)
            if path.is_file():
                found.append(path)
            elif path.is_dir():
                folders = [path / "new", path / "cur"] if (path / "new").is_dir() else [path]
                found.extend(
                    sorted(p for folder in folders for p in folder.iterdir() if p.is_file())
                )
            else:
                raise CommandError(f"{raw}: file o cartella inesistente")
        return found
