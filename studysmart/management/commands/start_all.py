"""`make run`: prepare the database, then run daphne and every django-q2 cluster together.

This process only supervises: it never imports TensorFlow (the ml cluster's workers import it
inside the training job), and on Ctrl-C or SIGTERM it stops every process it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from classes.services import DEMO_TEACHER
from studysmart.management.commands.seed_demo import check_content
from studysmart.services import DEMO_ADMIN, DEMO_STUDENT

STOP_GRACE_SECONDS = 20


class Command(BaseCommand):
    help = "Migrate, seed the demo content, and run daphne plus the django-q2 clusters."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-seed", action="store_true", help="skip seed_demo")
        parser.add_argument(
            "--web-processes",
            type=int,
            default=int(os.environ.get("WEB_PROCESSES", "1")),
            help="daphne processes on consecutive ports from --port (behind a load balancer); "
            "more than one needs REDIS_URL, so that websockets reach every process",
        )

    def handle(
        self, *args: Any, host: str, port: int, no_seed: bool, web_processes: int, **options: Any
    ) -> None:
        self.check_web_processes(web_processes)
        self.prepare(seed=not no_seed)
        self.prepare_metrics()
        children = self.start_children(host, port, web_processes)
        self.announce(host, port, web_processes)
        stop = self.wait_for_stop(children)
        self.stop_children(children, reason=stop)

    def prepare(self, *, seed: bool) -> None:
        if seed:
            # A broken content file stops start-up here, before the database changes or any
            # process starts; seed_demo reads the files again once migrated.
            check_content()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("backup", sync_schedule=True, stdout=self.stdout)
        if seed:
            call_command("seed_demo", stdout=self.stdout)

    def prepare_metrics(self) -> None:
        """Every child writes its metrics under one directory that /metrics sums (multiprocess
        mode); emptied first, so that nothing of an earlier run is counted."""
        from studysmart.metrics import MULTIPROC_ENV, prepare_multiprocess_dir

        directory = Path(os.environ.get(MULTIPROC_ENV) or Path(settings.DATA_DIR) / "prometheus")
        prepare_multiprocess_dir(directory)
        os.environ[MULTIPROC_ENV] = str(directory)  # inherited by the children

    def check_web_processes(self, count: int) -> None:
        if count < 1:
            raise CommandError("--web-processes must be at least 1.")
        if count > 1 and not settings.REDIS_URL:
            # The in-memory channel layer lives in one process: a training announced by the
            # worker, or a chat's stream, would never reach a page served by another one.
            raise CommandError(
                "--web-processes above 1 needs REDIS_URL (the channel layer between processes)."
            )

    def start_children(
        self, host: str, port: int, web_processes: int = 1
    ) -> dict[str, subprocess.Popen[bytes]]:
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        daphne = [sys.executable, "-m", "daphne", "-b", host]
        if settings.BEHIND_PROXY:
            # Only then: without a proxy, a client would pick its own address with the header
            # (and dodge the login lockout). The lockout reads the header itself
            # (studysmart/lockout.py); this gives daphne's logs and the scheme the real values.
            daphne.append("--proxy-headers")
        application = "studysmart.asgi:application"
        commands: dict[str, list[str]] = {
            ("web" if web_processes == 1 else f"web-{i + 1}"): [
                *daphne,
                "-p",
                str(port + i),
                application,
            ]
            for i in range(web_processes)
        }
        commands |= {
            "jobs": [sys.executable, manage, "qcluster"],
            "ml-jobs": [sys.executable, manage, "qcluster"],
        }
        # django-q2 reads its cluster name when first imported, so `--name` comes too late:
        # the ml cluster's settings (ALT_CLUSTERS["ml"]) are chosen by Q_CLUSTER_NAME instead.
        envs = {"ml-jobs": {**os.environ, "Q_CLUSTER_NAME": "ml"}}
        # Same process group as this one: a terminal's Ctrl-C reaches every child at once.
        return {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=envs.get(name))
            for name, cmd in commands.items()
        }

    def announce(self, host: str, port: int, web_processes: int = 1) -> None:
        shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
        others = ", ".join(str(port + i) for i in range(1, web_processes))
        more = f" (and on port {others})" if others else ""
        self.stdout.write(
            self.style.SUCCESS(f"\nStudySmart is running at http://{shown}:{port}/{more}\n")
            + f"  student:  {DEMO_STUDENT[0]} / {DEMO_STUDENT[1]}\n"
            + f"  admin:    {DEMO_ADMIN[0]} / {DEMO_ADMIN[1]}  (http://{shown}:{port}/admin/)\n"
            + f"  teacher:  {DEMO_TEACHER[0]} / {DEMO_TEACHER[1]}  (http://{shown}:{port}/admin/)\n"
            + f"  data:     {settings.DATA_DIR}\n"
            + "Press Ctrl-C to stop everything.\n"
        )

    def wait_for_stop(self, children: dict[str, subprocess.Popen[bytes]]) -> str:
        received: list[str] = []

        def on_signal(signum: int, _frame: object) -> None:
            received.append(signal.Signals(signum).name)

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        while not received:
            for name, proc in children.items():
                if proc.poll() is not None:
                    return f"{name} exited with code {proc.returncode}"
            time.sleep(0.5)
        return received[0]

    def stop_children(self, children: dict[str, subprocess.Popen[bytes]], *, reason: str) -> None:
        self.stdout.write(f"Stopping ({reason})…")
        for proc in children.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for proc in children.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        kill_leftovers_in_group()
        self.stdout.write("Stopped.")


def kill_leftovers_in_group() -> None:
    """A cluster killed hard can orphan its workers: end anything left in our process group."""
    me, parent, group = os.getpid(), os.getppid(), os.getpgrp()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        if pid in (me, parent):
            continue
        try:
            if os.getpgid(pid) == group and (_is_descendant(pid, me) or _is_our_orphan(pid)):
                os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            continue


def _is_descendant(pid: int, ancestor: int) -> bool:
    while pid > 1:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return False
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        if pid == ancestor:
            return True
    return False


def _is_our_orphan(pid: int) -> bool:
    """A cluster worker re-parented to init, started from this checkout's manage.py."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    ppid = int(stat.rsplit(")", 1)[1].split()[1])
    return ppid == 1 and "qcluster" in cmdline and str(settings.BASE_DIR) in cmdline
