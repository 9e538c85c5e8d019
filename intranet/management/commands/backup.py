"""`manage.py backup --output DIR`: one archive with the database and the media files.

The archive `intranet-backup-<UTC time>.tar` holds
- `database.pgdump` (PostgreSQL: pg_dump custom format) or `database.sqlite3`
  (SQLite: a consistent copy through the sqlite3 backup API, safe while the site runs);
- `media.tar.gz`: every file under MEDIA_ROOT;
- `manifest.json`: time, engine, server and tool versions, applied migrations and the
  SHA-256 of each member. `manage.py restore` checks them before touching anything.

pg_dump must be of the server's major version or newer (it refuses an older one); the
command checks this first and says which client to install. See docs/security.md."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
DB_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_env(db: dict) -> dict:
    """Environment for libpq tools: the password never appears on a command line."""
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def tool_major(tool: str) -> tuple[int, str]:
    """(major version, full version line) of a PostgreSQL client tool."""
    path = shutil.which(tool)
    if path is None:
        raise CommandError(
            f"{tool} not found. Install the PostgreSQL client of the server's version "
            f"(Debian: apt-get install postgresql-client-<major>)."
        )
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if not match:
        raise CommandError(f"cannot read the version of {tool}: {out!r}")
    return int(match.group(1)), out.strip()


def check_pg_tool(tool: str, server_version_num: int) -> str:
    """Refuse a client older than the server (pg_dump/pg_restore would fail half-way)."""
    major, line = tool_major(tool)
    server_major = server_version_num // 10000
    if major < server_major:
        raise CommandError(
            f"{line} is older than the PostgreSQL {server_major} server. Install "
            f"postgresql-client-{server_major} (or newer) and run the command again."
        )
    return line


class Command(BaseCommand):
    help = "Back up the database and the media files into one archive in --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="directory for the archive")
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args, **options):
        output = Path(options["output"]).resolve()
        output.mkdir(parents=True, exist_ok=True)
        alias = options["database"]
        connection = connections[alias]
        vendor = connection.vendor
        if vendor not in DB_MEMBERS:
            raise CommandError(f"backups of {vendor} databases are not supported")

        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        archive = output / f"intranet-backup-{stamp}.tar"
        with tempfile.TemporaryDirectory(prefix="intranet-backup-") as tmp:
            work = Path(tmp)
            db_file = work / DB_MEMBERS[vendor]
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "engine": vendor,
                "django": django.get_version(),
                "database": {},
                "migrations": self._migrations(connection),
                "files": {},
            }
            if vendor == "postgresql":
                manifest["database"] = self._dump_postgresql(connection, db_file)
            else:
                manifest["database"] = self._dump_sqlite(connection, db_file)

            media_file = work / "media.tar.gz"
            manifest["media"] = self._pack_media(Path(settings.MEDIA_ROOT), media_file)

            for member in (db_file, media_file):
                manifest["files"][member.name] = {
                    "sha256": sha256_of(member),
                    "size": member.stat().st_size,
                }
            (work / "manifest.json").write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
            )
            partial = archive.with_suffix(".tar.partial")
            with tarfile.open(partial, "w") as tar:
                for name in ("manifest.json", db_file.name, media_file.name):
                    tar.add(work / name, arcname=name)
            # Only a complete archive carries the final name.
            partial.rename(archive)
        os.chmod(archive, 0o600)  # it holds every case: readable by the owner only
        self.stdout.write(str(archive))
        return None

    def _migrations(self, connection) -> dict[str, list[str]]:
        applied: dict[str, list[str]] = {}
        for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
            applied.setdefault(app, []).append(name)
        return applied

    def _dump_postgresql(self, connection, target: Path) -> dict:
        connection.ensure_connection()
        server_version = connection.pg_version
        tool = check_pg_tool("pg_dump", server_version)
        db = connection.settings_dict
        command = [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
            *pg_args(db),
            str(db["NAME"]),
        ]
        result = subprocess.run(command, env=pg_env(db), capture_output=True, text=True)
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        return {"name": db["NAME"], "server_version": server_version, "pg_dump": tool}

    def _dump_sqlite(self, connection, target: Path) -> dict:
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            # The raw sqlite3 connection: works for a file and for the in-memory test
            # database alike, and is consistent while others write (WAL).
            connection.connection.backup(destination)
        finally:
            destination.close()
        return {"name": str(connection.settings_dict["NAME"]), "sqlite": sqlite3.sqlite_version}

    def _pack_media(self, media_root: Path, target: Path) -> dict:
        count = 0
        with tarfile.open(target, "w:gz") as tar:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        tar.add(path, arcname=path.relative_to(media_root).as_posix())
                        count += 1
        return {"root": str(media_root), "files": count}
