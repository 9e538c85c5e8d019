"""`manage.py restore ARCHIVE [--database-url URL] [--media-root DIR] [--force]`.

Restores an archive made by `manage.py backup` into an EMPTY database (the configured
one, or --database-url) and into MEDIA_ROOT (or --media-root). A database that already
has tables, or a media directory with files, is refused unless --force: a restore never
mixes two states silently. Checksums in the manifest are verified first."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from intranet.management.commands.backup import (
    DB_MEMBERS,
    FORMAT_VERSION,
    check_pg_tool,
    pg_args,
    pg_env,
    sha256_of,
)

ENGINES = {
    "django.db.backends.postgresql": "postgresql",
    "django.db.backends.sqlite3": "sqlite",
}


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media directory."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="an intranet-backup-*.tar file")
        parser.add_argument("--database-url", help="target database (default: the configured one)")
        parser.add_argument("--media-root", help="target media directory (default: MEDIA_ROOT)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even into a non-empty database or media directory",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist")
        db = (
            dj_database_url.parse(options["database_url"])
            if options.get("database_url")
            else dict(connections["default"].settings_dict)
        )
        engine = ENGINES.get(db["ENGINE"])
        if engine is None:
            raise CommandError(f"restoring into {db['ENGINE']} is not supported")
        media_root = Path(options.get("media_root") or settings.MEDIA_ROOT)
        force = options["force"]

        with tempfile.TemporaryDirectory(prefix="intranet-restore-") as tmp:
            work = Path(tmp)
            manifest = self._unpack(archive, work)
            if manifest["engine"] != engine:
                raise CommandError(
                    f"the archive holds a {manifest['engine']} database; the target is {engine}"
                )
            if not force and self._has_tables(engine, db):
                raise CommandError(
                    "the target database is not empty; restore into a new empty database "
                    "or add --force"
                )
            if not force and media_root.is_dir() and any(media_root.iterdir()):
                raise CommandError(
                    f"{media_root} is not empty; use another --media-root or --force"
                )

            db_file = work / DB_MEMBERS[engine]
            if engine == "postgresql":
                self._restore_postgresql(db, db_file, clean=force)
            else:
                self._restore_sqlite(db, db_file)
            count = self._restore_media(work / "media.tar.gz", media_root)
        self.stdout.write(f"restored {engine} database and {count} media files from {archive.name}")

    def _unpack(self, archive: Path, work: Path) -> dict:
        try:
            with tarfile.open(archive, "r:*") as tar:
                names = set(tar.getnames())
                allowed = {"manifest.json", "media.tar.gz", *DB_MEMBERS.values()}
                if not names <= allowed or "manifest.json" not in names:
                    raise CommandError(f"{archive} is not an intranet backup")
                tar.extractall(work, filter="data")
        except tarfile.TarError as exc:
            raise CommandError(f"{archive} is not a readable archive: {exc}") from exc
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT_VERSION:
            raise CommandError(f"unknown backup format {manifest.get('format')!r}")
        for name, meta in manifest["files"].items():
            path = work / name
            if not path.is_file() or sha256_of(path) != meta["sha256"]:
                raise CommandError(f"{name} in {archive.name} is damaged (checksum mismatch)")
        return manifest

    def _has_tables(self, engine: str, db: dict) -> bool:
        if engine == "sqlite":
            name = str(db["NAME"])
            is_uri = name.startswith("file:")
            if not is_uri and not Path(name).exists():
                return False
            conn = sqlite3.connect(name, uri=is_uri)
            try:
                row = conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type='table' "
                    "AND name NOT LIKE 'sqlite_%'"
                ).fetchone()
            finally:
                conn.close()
            return row[0] > 0
        result = self._psql(
            db,
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN "
            "('pg_catalog', 'information_schema')",
        )
        return int(result.strip() or 0) > 0

    def _psql(self, db: dict, sql: str) -> str:
        if shutil.which("psql") is None:
            raise CommandError("psql not found (Debian: apt-get install postgresql-client)")
        result = subprocess.run(
            ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", *pg_args(db), "-d", db["NAME"]]
            + ["-c", sql],
            env=pg_env(db),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise CommandError(f"cannot query the target database: {result.stderr.strip()}")
        return result.stdout

    def _restore_postgresql(self, db: dict, dump: Path, clean: bool) -> None:
        server_version = int(self._psql(db, "SHOW server_version_num").strip())
        check_pg_tool("pg_restore", server_version)
        command = [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *(["--clean", "--if-exists"] if clean else []),
            *pg_args(db),
            "-d",
            str(db["NAME"]),
            str(dump),
        ]
        result = subprocess.run(command, env=pg_env(db), capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")

    def _restore_sqlite(self, db: dict, dump: Path) -> None:
        name = str(db["NAME"])
        source = sqlite3.connect(dump)
        target = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    def _restore_media(self, media_tar: Path, media_root: Path) -> int:
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(media_tar, "r:gz") as tar:
            members = [m for m in tar.getmembers() if m.isfile()]
            # filter="data" refuses absolute paths, "..", links out of the tree, devices.
            tar.extractall(media_root, members=members, filter="data")
        return len(members)
