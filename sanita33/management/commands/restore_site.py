"""Restore a `backup_site` folder into an empty database and media folder (`make restore`).

Why: the other half of the backup. It never overwrites: the database must have
no tables yet (a new one from `createdb`, or a fresh embedded data directory)
and MEDIA_ROOT must be empty or missing. The archive is restored in one
transaction that stops at the first error, the media are unpacked beside
MEDIA_ROOT and moved in only after the database is back, and the row counts are checked against the
manifest: a failed restore leaves nothing behind.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import zlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sanita33.backup import (
    DUMP_NAME,
    MANIFEST_NAME,
    MEDIA_NAME,
    BackupError,
    restore_dump,
    row_counts,
)


class Command(BaseCommand):
    help = "Ripristina una cartella di backup_site in un database vuoto e una cartella media vuota."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="cartella creata da backup_site")

    def handle(self, *args, backup, verbosity, **options):
        folder = Path(backup)
        try:
            manifest = json.loads((folder / MANIFEST_NAME).read_text())
            expected = manifest["counts"]
        except (OSError, ValueError, KeyError, TypeError):
            raise CommandError(
                f"{folder} non è una cartella di backup_site "
                f"({MANIFEST_NAME} manca o è illeggibile)"
            ) from None
        if not (folder / DUMP_NAME).is_file():
            raise CommandError(f"{folder}: manca {DUMP_NAME}")
        media_archive = folder / MEDIA_NAME
        media_root = Path(settings.MEDIA_ROOT)
        with_media = manifest.get("media_files") is not None
        if with_media and not media_archive.is_file():
            raise CommandError(f"{folder}: manca {MEDIA_NAME}")

        tables = connection.introspection.table_names()
        if tables:
            raise CommandError(
                f"il database {connection.settings_dict['NAME']} non è vuoto ({len(tables)} "
                f"tabelle): ripristina in un database nuovo; nulla è stato cambiato"
            )
        if with_media and media_root.exists() and any(media_root.iterdir()):
            raise CommandError(
                f"la cartella dei media {media_root} non è vuota: indica una cartella nuova "
                f"con MEDIA_ROOT; nulla è stato cambiato"
            )

        unpacked = media_root.with_name(media_root.name + ".restoring")
        shutil.rmtree(unpacked, ignore_errors=True)
        try:
            if with_media:
                unpacked.mkdir(parents=True)
                with tarfile.open(media_archive) as archive:
                    # "data": no absolute paths, no "..", no links out, no devices.
                    archive.extractall(unpacked, filter="data")
            restore_dump(folder / DUMP_NAME, server_version_num=connection.pg_version)
        except (BackupError, OSError, EOFError, tarfile.TarError, zlib.error) as exc:
            shutil.rmtree(unpacked, ignore_errors=True)
            raise CommandError(f"ripristino non riuscito: {exc}; nulla è stato cambiato") from None
        if with_media:
            if media_root.exists():
                media_root.rmdir()  # checked empty above
            unpacked.rename(media_root)

        found = row_counts()
        if found != expected:
            missing = ", ".join(
                f"{name} {found.get(name)} invece di {count}"
                for name, count in expected.items()
                if found.get(name) != count
            )
            raise CommandError(f"ripristino incompleto: {missing}")
        if verbosity >= 1:
            media = f", {manifest['media_files']} file di media" if with_media else ""
            self.stdout.write(
                f"Ripristinato {folder} del {manifest.get('created_at', '?')} in "
                f"{connection.settings_dict['NAME']}: {found['articles']} articoli, "
                f"{found['subscribers']} iscritti{media}. Conteggi verificati."
            )
