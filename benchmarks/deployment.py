"""A production-like StudySmart on this machine: two daphne processes and both django-q2
clusters against PostgreSQL and Redis, started by `manage.py start_all --web-processes N`.

Used by the load benchmarks and by the deployment tests; also runnable on its own:

    python -m benchmarks.deployment [--web-processes 2] [--port 8300]

which creates a fresh PostgreSQL database, seeds it, prints the URLs and runs until Ctrl-C,
then drops the database. There is no proxy in front: clients spread their requests over the
processes' ports themselves (`Deployment.urls`), which is what a load balancer would do, and
lets a test pick the process it talks to.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("DEPLOY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
# The Redis server; with a db number (".../12") that db is used and flushed, without one each
# deployment claims an empty db of its own (claim_redis_db).
DEPLOY_REDIS_URL = os.environ.get("DEPLOY_REDIS_URL", "redis://127.0.0.1:6379")
REDIS_CLAIM_KEY = "studysmart-deployment-claim"
READY_TIMEOUT = 180.0
STOP_GRACE = 45.0
# Variables of the calling process that must not leak into the deployment's own settings.
OWN_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "MODEL_DIR",
    "SQLITE_PATH",
    "Q_CLUSTER_NAME",
    "STUDYSMART_DATA_DIR",
    "WEB_PROCESSES",
    "PORT",
)


# Below Linux's ephemeral range (32768–60999), which outgoing connections draw from: a port
# picked there can be taken by a client socket before daphne binds it.
PORT_RANGE = (20000, 32000)


def free_port_block(count: int) -> int:
    """The first of `count` consecutive free ports on 127.0.0.1, outside the ephemeral range."""
    rng = random.Random()
    for _ in range(500):
        first = rng.randrange(PORT_RANGE[0], PORT_RANGE[1] - count)
        if all(_port_free(first + i) for i in range(count)):
            return first
    raise RuntimeError(f"no {count} consecutive free ports in {PORT_RANGE}")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def deployment_env(
    *, database_url: str, redis_url: str, data_dir: Path, **extra: str
) -> dict[str, str]:
    """Production settings (DEBUG off) on loopback, without HTTPS (there is no TLS proxy)."""
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "studysmart.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "STUDYSMART_DATA_DIR": str(data_dir),
            "MODEL_DIR": str(data_dir / "models"),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    return env


@dataclass
class Deployment:
    """A running `start_all` with several web processes; `urls[i]` is process i."""

    process: subprocess.Popen[bytes]
    urls: list[str]
    env: dict[str, str]
    log_path: Path
    _log: IO[bytes] = field(repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Every web process answers health with both clusters reporting."""
        import httpx

        deadline = time.monotonic() + timeout
        pending = list(self.urls)
        while pending:
            if self.process.poll() is not None:
                raise RuntimeError(f"start_all exited:\n{self.log()[-4000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{pending} did not come up:\n{self.log()[-4000:]}")
            try:
                body = httpx.get(f"{pending[0]}/api/health/", timeout=5).json()
                if (body.get("queue") or {}).get("clusters", 0) >= 2:
                    pending.pop(0)
                    continue
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)

    def manage(self, *args: str, timeout: float = 600) -> str:
        """A management command against this deployment's database and Redis."""
        return manage(self.env, *args, timeout=timeout)

    def stop(self) -> None:
        """SIGTERM (start_all stops its children), then SIGKILL for anything left."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self._log.close()


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args[:2])} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


CREATE_STUDENTS = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
keys = []
for i in range({count}):
    user, _ = User.objects.get_or_create(username=f"{prefix}-{{i}}")
    user.set_unusable_password()
    user.is_staff = user.is_superuser = {superuser}
    user.save()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    keys.append(session.session_key)
print("SESSIONS=" + json.dumps(keys))
"""


def create_student_sessions(
    env: dict[str, str], count: int, *, prefix: str, superuser: bool = False
) -> list[str]:
    """`count` students `prefix-0…`, each logged in: their session keys (the `sessionid` cookie).

    The sessions are stored directly (what `login()` stores), sparing a PBKDF2 hash per
    student (~1 s each here) in a load test's set-up. `superuser`: admins instead.
    """
    script = CREATE_STUDENTS.format(count=count, prefix=prefix, superuser=bool(superuser))
    return list(json.loads(manage(env, "shell", "-c", script).split("SESSIONS=", 1)[1]))


START_ATTEMPTS = 3


def start_deployment(
    env: dict[str, str], *, web_processes: int = 2, port: int | None = None, seed: bool = False
) -> Deployment:
    """`start_all` in its own session (so that stopping it reaches every child), waited for.

    Without a fixed `port`, a start that lost its ports to another program between choosing
    and binding them is tried again on others.
    """
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            return _start_deployment(env, web_processes=web_processes, port=port, seed=seed)
        except PortTaken:
            if port is not None or attempt == START_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


class PortTaken(RuntimeError):
    pass


def _start_deployment(
    env: dict[str, str], *, web_processes: int, port: int | None, seed: bool
) -> Deployment:
    port = port or free_port_block(web_processes)
    data_dir = Path(env["STUDYSMART_DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / f"deployment-{port}.log"
    log = open(log_path, "ab")  # closed by Deployment.stop
    command = [sys.executable, str(ROOT / "manage.py"), "start_all", "--port", str(port)]
    command += ["--web-processes", str(web_processes)]
    if not seed:
        command.append("--no-seed")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deployment = Deployment(
        process=process,
        urls=[f"http://127.0.0.1:{port + i}" for i in range(web_processes)],
        env=env,
        log_path=log_path,
        _log=log,
    )
    try:
        deployment.wait_ready()
    except BaseException as exc:
        deployment.stop()
        if "Address already in use" in deployment.log():
            raise PortTaken(f"port {port}…{port + web_processes - 1} taken") from exc
        raise
    return deployment


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))


def _psql(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(database_url("postgres"))
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def claim_redis_db(server_url: str = DEPLOY_REDIS_URL) -> str:
    """A Redis db for one deployment, flushed: the one named in `server_url`, else an empty
    one claimed with a key (SET NX), from db 15 down, never the caller's own REDIS_URL db.

    Two deployments on one db would take each other's jobs — django-q2's queues are named
    after the clusters — and fail them on the other's SECRET_KEY.
    """
    import redis

    url = urlsplit(server_url)
    if url.path.strip("/"):
        redis.Redis.from_url(server_url).flushdb()
        return server_url
    own = urlsplit(os.environ.get("REDIS_URL", "")).path.strip("/")
    for db in range(15, 0, -1):
        if str(db) == own:
            continue
        candidate = urlunsplit(url._replace(path=f"/{db}"))
        client = redis.Redis.from_url(candidate)
        try:
            if client.dbsize() == 0 and client.set(REDIS_CLAIM_KEY, os.getpid(), nx=True):
                return candidate
        finally:
            client.close()
    raise RuntimeError(f"no empty Redis db on {server_url} for a deployment")


def release_redis_db(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()  # the claim key with the rest
    finally:
        client.close()


@contextmanager
def fresh_deployment(
    *, web_processes: int = 2, seed: bool = True, **extra_env: str
) -> Iterator[Deployment]:
    """A new PostgreSQL database and Redis db, a deployment on them; all removed afterwards."""
    name = f"studysmart_deploy_{int(time.time())}_{os.getpid()}"
    data_dir = Path(tempfile.mkdtemp(prefix="studysmart-deploy-"))
    _psql(f'CREATE DATABASE "{name}"')
    redis_url = claim_redis_db()
    env = deployment_env(
        database_url=database_url(name), redis_url=redis_url, data_dir=data_dir, **extra_env
    )
    deployment = None
    try:
        deployment = start_deployment(env, web_processes=web_processes, seed=seed)
        yield deployment
    finally:
        if deployment is not None:
            deployment.stop()
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        release_redis_db(redis_url)
        shutil.rmtree(data_dir, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.deployment", description=__doc__)
    parser.add_argument("--web-processes", type=int, default=2)
    args = parser.parse_args(argv)
    # `kill` (SIGTERM) as well as Ctrl-C stops the deployment and drops its database.
    signal.signal(signal.SIGTERM, _interrupt)
    with fresh_deployment(web_processes=args.web_processes) as deployment:
        print("StudySmart (PostgreSQL + Redis) is running at:")
        for url in deployment.urls:
            print(f"  {url}/")
        print(f"log: {deployment.log_path}\nPress Ctrl-C to stop and drop the database.")
        try:
            while deployment.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studysmart.settings")
    sys.exit(main(sys.argv[1:]))
