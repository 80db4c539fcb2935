"""Backups and restores: one `.tar.gz` holding the database and the model files it refers to.

A backup is consistent while the site runs. The database is snapshotted first — SQLite through
its online backup API, PostgreSQL through `pg_dump` inside an exported snapshot — and the list of
model versions is read from that same snapshot. Model files are immutable once published (a new
version is a new file, written before the row that makes it active), so copying exactly the
files the snapshot lists afterwards can't tear the pair, whatever a training publishes meanwhile.

Archive members: `manifest.json`, `database.sqlite3` or `database.pgdump`, `models/<artifact>`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
MODELS_PREFIX = "models/"
ARCHIVE_PREFIX = "studysmart-backup-"
ARCHIVE_SUFFIX = ".tar.gz"
# Fixed width, so that the names sort by time: studysmart-backup-20260301T120000-000000Z.tar.gz
ARCHIVE_NAME = re.compile(r"^studysmart-backup-\d{8}T\d{6}-\d{6}Z\.tar\.gz$")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Artifact:
    kind: str
    version: int
    artifact: str
    is_active: bool


@dataclass(frozen=True)
class Snapshot:
    """What the database snapshot holds that the archive's other parts depend on."""

    migrations: dict[str, list[str]]
    artifacts: list[Artifact]
    server_version: str = ""
    dump_tool_major: int | None = None


# --- backup --------------------------------------------------------------------------------


def do_backup(*, directory: Path | None = None, keep: int | None = None) -> Path:
    """Write a new archive into `directory` (BACKUP_DIR) and keep only the newest `keep`.

    The archive appears under its final name only once complete (temporary file, renamed)."""
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=directory) as work_dir:
        work = Path(work_dir)
        if connection.vendor == "sqlite":
            member = SQLITE_MEMBER
            snapshot = snapshot_sqlite(work / member)
        elif connection.vendor == "postgresql":
            member = POSTGRES_MEMBER
            snapshot = snapshot_postgres(work / member)
        else:
            raise BackupError(f"no backup method for the {connection.vendor} database")
        models = copy_artifacts(snapshot.artifacts, work / "models")
        manifest = build_manifest(snapshot, member=member, models=models, created=created)
        final = unique_archive_path(directory, created)
        partial = directory / f".partial-{final.name}"
        try:
            write_archive(partial, work / member, member, work / "models", models, manifest)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
    logger.info("backup written: %s (%d model files)", final, len(models))
    prune_backups(directory=directory, keep=settings.BACKUP_KEEP if keep is None else keep)
    return final


def unique_archive_path(directory: Path, created: Any) -> Path:
    while True:
        path = directory / f"{ARCHIVE_PREFIX}{created:%Y%m%dT%H%M%S-%f}Z{ARCHIVE_SUFFIX}"
        if not path.exists():
            return path
        created += timedelta(microseconds=1)


def snapshot_sqlite(target: Path) -> Snapshot:
    """SQLite's online backup API: a consistent copy while other connections write."""
    source_path = str(connection.settings_dict["NAME"])
    source = sqlite3.connect(source_path, timeout=30)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        source.close()
    try:
        # One self-contained file: the copy must not depend on a -wal file beside it.
        dest.execute("PRAGMA journal_mode=DELETE")
        return Snapshot(
            migrations=_migrations_from(dest.execute("SELECT app, name FROM django_migrations")),
            artifacts=_artifacts_from(
                dest.execute("SELECT kind, version, artifact, is_active FROM mlmodels_modelversion")
            ),
            server_version=f"SQLite {sqlite3.sqlite_version}",
        )
    finally:
        dest.close()


def snapshot_postgres(target: Path) -> Snapshot:
    """`pg_dump` of a snapshot exported by a repeatable-read transaction that also reads the
    model versions: the dump and the list of files see exactly the same database."""
    import psycopg2
    from psycopg2 import extensions

    server_major = postgres_server_major()
    pg_dump = postgres_tool("pg_dump", server_major=server_major)
    conn = psycopg2.connect(**connection.get_connection_params())
    try:
        conn.set_session(isolation_level=extensions.ISOLATION_LEVEL_REPEATABLE_READ, readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot_id, server_version = cursor.fetchone()
            cursor.execute("SELECT app, name FROM django_migrations")
            migrations = _migrations_from(cursor.fetchall())
            cursor.execute("SELECT kind, version, artifact, is_active FROM mlmodels_modelversion")
            artifacts = _artifacts_from(cursor.fetchall())
            # The exporting transaction must stay open until pg_dump has taken the snapshot.
            run_tool(
                [str(pg_dump), "--format=custom", f"--snapshot={snapshot_id}", "-f", str(target)],
            )
        conn.rollback()
    finally:
        conn.close()
    return Snapshot(
        migrations=migrations,
        artifacts=artifacts,
        server_version=f"PostgreSQL {server_version}",
        dump_tool_major=tool_major(pg_dump),
    )


def _migrations_from(rows: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in rows:
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _artifacts_from(rows: Iterable[tuple[Any, ...]]) -> list[Artifact]:
    return [
        Artifact(kind=kind, version=int(version), artifact=artifact, is_active=bool(active))
        for kind, version, artifact, active in rows
    ]


def copy_artifacts(artifacts: list[Artifact], target: Path) -> dict[str, str]:
    """Copy the listed files from MODEL_DIR; {relative path: sha256}. An active version's file
    must exist; an inactive one pruned meanwhile is left out (it can no longer be served)."""
    source_root = Path(settings.MODEL_DIR)
    copied: dict[str, str] = {}
    for item in artifacts:
        relative = safe_relative(item.artifact)
        source = source_root / relative
        if not source.is_file():
            if item.is_active:
                raise BackupError(f"the active model {item.kind} v{item.version}'s file is missing")
            logger.warning("backup: %s v%s's file is gone; left out", item.kind, item.version)
            continue
        dest = target / relative
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        copied[str(relative)] = sha256_of(dest)
    return copied


def safe_relative(path: str) -> PurePosixPath:
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"refusing an unsafe model path {path!r}")
    return relative


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_manifest(
    snapshot: Snapshot, *, member: str, models: dict[str, str], created: Any
) -> dict[str, Any]:
    import django

    return {
        "format": ARCHIVE_FORMAT,
        "created_at": created.isoformat(),
        "host": socket.gethostname(),
        "database": {
            "vendor": connection.vendor,
            "member": member,
            "server": snapshot.server_version,
            "dump_tool_major": snapshot.dump_tool_major,
        },
        "migrations": snapshot.migrations,
        "versions": {"django": django.get_version()},
        "model_versions": [
            {
                "kind": a.kind,
                "version": a.version,
                "artifact": a.artifact,
                "is_active": a.is_active,
                "included": str(safe_relative(a.artifact)) in models,
            }
            for a in snapshot.artifacts
        ],
        "model_files": models,
    }


def write_archive(
    path: Path,
    database: Path,
    member: str,
    models_root: Path,
    models: dict[str, str],
    manifest: dict[str, Any],
) -> None:
    with tarfile.open(path, "w:gz") as tar:
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(timezone.now().timestamp())
        tar.addfile(info, io.BytesIO(data))
        tar.add(database, arcname=member)
        for relative in sorted(models):
            tar.add(models_root / relative, arcname=f"{MODELS_PREFIX}{relative}")
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def list_backups(directory: Path | None = None) -> list[Path]:
    """The archives in `directory`, oldest first (their names sort by time)."""
    directory = Path(directory or settings.BACKUP_DIR)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if ARCHIVE_NAME.match(p.name))


def prune_backups(*, directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives (0 keeps everything); the paths removed."""
    if keep <= 0:
        return []
    archives = list_backups(directory)
    removed = archives[:-keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


# --- PostgreSQL client tools -----------------------------------------------------------------


def postgres_server_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def postgres_tool(name: str, *, server_major: int) -> Path:
    """`pg_dump` or `pg_restore` (PG_BIN_DIR, else PATH) of a major version >= the server's."""
    bin_dir = os.environ.get("PG_BIN_DIR", "")
    found = shutil.which(name, path=bin_dir or None)
    package = f"postgresql-client-{server_major}"
    if not found:
        raise BackupError(
            f"{name} not found (looked in {bin_dir or 'PATH'}): PostgreSQL {server_major} needs "
            f"{name} {server_major} or newer (Debian/Ubuntu: apt-get install {package}); "
            "PG_BIN_DIR names another directory."
        )
    major = tool_major(Path(found))
    if major is None or major < server_major:
        raise BackupError(
            f"{found} is version {major or 'unknown'}, but the server is PostgreSQL "
            f"{server_major}: {name} {server_major} or newer is needed "
            f"(Debian/Ubuntu: apt-get install {package}; PG_BIN_DIR names its directory)."
        )
    return Path(found)


def tool_major(path: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except OSError:
        return None
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)\.\d+", out)
    return int(match.group(1)) if match else None


def postgres_environment() -> dict[str, str]:
    """libpq's variables for the configured database: no password on a command line."""
    params = connection.settings_dict
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if params.get(key):
            env[var] = str(params[key])
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    env["PGDATABASE"] = str(params["NAME"])
    sslmode = (params.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def run_tool(command: list[str]) -> None:
    proc = subprocess.run(command, capture_output=True, text=True, env=postgres_environment())
    if proc.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")


# --- restore -------------------------------------------------------------------------------


def demo_usernames() -> frozenset[str]:
    from studysmart.services import DEMO_ADMIN, DEMO_STUDENT
    from tasks.demo import SIMULATED_STUDENTS

    names = {DEMO_STUDENT[0], DEMO_ADMIN[0], *SIMULATED_STUDENTS}
    if apps.is_installed("classes"):  # the demo teacher, when the classes app seeds one
        from classes import services as classes_services

        teacher = getattr(classes_services, "DEMO_TEACHER", None)
        if teacher:
            names.add(teacher[0])
    return frozenset(names)


def running_processes() -> list[str]:
    """Web processes (fresh heartbeats) and django-q2 clusters working on this database."""
    from django_q.status import Stat

    from operations.models import ProcessHeartbeat

    found = []
    try:
        stale = timedelta(seconds=settings.PROCESS_HEARTBEAT_STALE_SECONDS)
        found += [str(h) for h in ProcessHeartbeat.alive(within=stale)]
    except DatabaseError:
        pass  # no such table yet: nothing has ever served from this database
    try:
        clusters = Stat.get_all() or []
    except Exception:  # a broker that is down or a cache table not created yet: nothing runs
        clusters = []
    found += [
        f"cluster {s.cluster_id} (pid {s.pid}, {s.status})"
        for s in clusters
        if s.status not in ("Stopped", "Stopping")
    ]
    return found


def real_data_present() -> str:
    """Why the database holds something a restore would destroy, or "" when it doesn't."""
    from django.contrib.auth.models import User

    from tasks.models import PracticeTask

    try:
        users = User.objects.exclude(username__in=demo_usernames())
        if users.exists():
            return f"{users.count()} non-demo user(s)"
        imported = PracticeTask.objects.exclude(source="")
        if imported.exists():
            return f"{imported.count()} imported attempt(s)"
    except DatabaseError:
        return ""  # an empty database: no tables
    return ""


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.load(member)
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{archive} is not a StudySmart backup ({exc})") from exc
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{archive}: unknown archive format {manifest.get('format')!r}")
    return manifest


def unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations in the archive that this code doesn't have: the backup is from a newer
    StudySmart, and restoring it here would run on a schema the code doesn't know."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]


def do_restore(*, archive: Path, force: bool = False) -> dict[str, Any]:
    """Replace this database and its model files with `archive`'s, then migrate it forward.

    Refuses while a web process or a job cluster runs against the database, and — without
    `force` — when the database holds any non-demo user or imported attempt."""
    from django.core.cache import cache
    from django.core.management import call_command

    from mlmodels.registry import registry

    manifest = read_manifest(archive)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"{archive} holds a {vendor} database; this site runs on {connection.vendor}"
        )
    newer = unknown_migrations(manifest)
    if newer:
        raise BackupError(
            f"{archive} is from a newer StudySmart (unknown migrations: {', '.join(newer[:5])}); "
            "restore it with that version's code"
        )
    running = running_processes()
    if running:
        raise BackupError(
            "stop the web processes and job clusters first; still running against this "
            f"database: {'; '.join(running)}"
        )
    present = real_data_present()
    if present and not force:
        raise BackupError(
            f"this database holds {present}; restoring would replace them "
            "(--force to overwrite anyway)"
        )
    with tempfile.TemporaryDirectory(prefix="studysmart-restore-") as work_dir:
        work = Path(work_dir)
        extract(archive, work, manifest)
        if vendor == "sqlite":
            restore_sqlite(work / SQLITE_MEMBER)
        else:
            restore_postgres(work / POSTGRES_MEMBER, manifest)
        restored_files = restore_model_files(work / "models", manifest)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the database cache's table, if one is used
    cache.clear()  # cached figures (group averages, rate limits) belong to the old data
    registry.reset()
    return {"created_at": manifest["created_at"], "model_files": restored_files}


def extract(archive: Path, target: Path, manifest: dict[str, Any]) -> None:
    wanted = {manifest["database"]["member"]} | {
        f"{MODELS_PREFIX}{name}" for name in manifest["model_files"]
    }
    with tarfile.open(archive, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name in wanted]
        missing = wanted - {m.name for m in members}
        if missing:
            raise BackupError(f"{archive} is incomplete: {sorted(missing)[:3]} missing")
        # The "data" filter refuses absolute paths, links out of the target and devices.
        tar.extractall(target, members=members, filter="data")
    for name, digest in manifest["model_files"].items():
        if sha256_of(target / MODELS_PREFIX / name) != digest:
            raise BackupError(f"{archive}: model file {name} is corrupt (checksum mismatch)")


def restore_sqlite(source_path: Path) -> None:
    target = str(connection.settings_dict["NAME"])
    connection.close()
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(target, timeout=30)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
        dest.close()


def restore_postgres(dump: Path, manifest: dict[str, Any]) -> None:
    server_major = postgres_server_major()
    needed = max(server_major, manifest["database"].get("dump_tool_major") or 0)
    pg_restore = postgres_tool("pg_restore", server_major=needed)
    drop_all_tables()
    connection.close()
    run_tool(
        [str(pg_restore), "--no-owner", "--no-privileges", "--exit-on-error", "-d",
         str(connection.settings_dict["NAME"]), str(dump)]
    )  # fmt: skip


def drop_all_tables() -> None:
    """Empty the public schema: tables of a newer schema than the archive's must go too, or
    migrating the restored database forward would find them in its way."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
        cursor.execute(
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = 'public'"
        )
        for (sequence,) in cursor.fetchall():
            cursor.execute(f"DROP SEQUENCE IF EXISTS {connection.ops.quote_name(sequence)}")


def restore_model_files(source_root: Path, manifest: dict[str, Any]) -> int:
    """Put the archive's model files under MODEL_DIR (temporary name, then renamed)."""
    from mlmodels.registry import model_dir

    target_root = model_dir()
    for name in manifest["model_files"]:
        relative = safe_relative(name)
        final = target_root / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(f".tmp-restore-{final.name}")
        shutil.copyfile(source_root / relative, tmp)
        os.replace(tmp, final)
    return len(manifest["model_files"])
