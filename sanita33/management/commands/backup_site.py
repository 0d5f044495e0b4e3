"""Back up the database and the media into one new folder (`make backup`).

Why: a site is restored from both halves taken at the same moment. The row
counts in the manifest come from the very snapshot pg_dump reads (an exported
REPEATABLE READ snapshot), so `restore_site` can check it brought back all of
it. The folder appears only when complete: a failed backup leaves nothing.
"""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from sanita33.backup import (
    DUMP_NAME,
    MANIFEST_NAME,
    MEDIA_NAME,
    BackupError,
    client_program,
    row_counts,
    run_client,
)


class Command(BaseCommand):
    help = "Salva database (pg_dump) e media (tar) in una nuova cartella di backup."

    def add_arguments(self, parser):
        parser.add_argument(
            "destination",
            nargs="?",
            help="cartella da creare (predefinita: var/backups/AAAAMMGG-HHMMSS)",
        )

    def handle(self, *args, destination, verbosity, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = Path(destination or Path(settings.VAR_DIR) / "backups" / stamp).resolve()
        if target.exists():
            raise CommandError(f"{target} esiste già: indica una cartella nuova")
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)  # left by an interrupted run
        try:
            partial.mkdir(parents=True)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
                    snapshot, server_version = cursor.fetchone()
                counts = row_counts()
                run_client(
                    [
                        client_program("pg_dump"),
                        "--format=custom",
                        "--no-owner",
                        "--no-privileges",
                        f"--snapshot={snapshot}",
                        f"--file={partial / DUMP_NAME}",
                    ]
                )
            media_files = self.archive_media(partial / MEDIA_NAME)
            manifest = {
                "created_at": timezone.now().isoformat(timespec="seconds"),
                "database": connection.settings_dict["NAME"],
                "server_version": server_version,
                "counts": counts,
                "media_files": media_files,
            }
            (partial / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
            partial.rename(target)
        except BackupError as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise CommandError(f"backup non riuscito: {exc}; nessuna cartella creata") from None
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        if verbosity >= 1:
            size = (target / DUMP_NAME).stat().st_size
            media = (
                "media su storage esterno, non inclusi"
                if media_files is None
                else f"{media_files} file di media"
            )
            self.stdout.write(
                f"Backup in {target}: database {size / 1e6:.1f} MB "
                f"({counts['articles']} articoli, {counts['subscribers']} iscritti), {media}."
            )

    def archive_media(self, path: Path) -> int | None:
        """Every file under MEDIA_ROOT; None when media live elsewhere (S3)."""
        if not isinstance(default_storage, FileSystemStorage):
            return None
        root = Path(settings.MEDIA_ROOT)
        files = 0
        with tarfile.open(path, "w:gz") as archive:
            if root.is_dir():
                for item in sorted(root.rglob("*")):
                    archive.add(item, arcname=str(item.relative_to(root)), recursive=False)
                    files += item.is_file()
        return files
