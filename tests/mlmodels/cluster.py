"""Real django-q2 clusters for the worker tests, and the small history they train on.

A cluster is `python manage.py qcluster` in its own session, with the production settings
(never `sync`), pointed at pytest-django's test database: for SQLite the test file through
`SQLITE_PATH`, for PostgreSQL a DATABASE_URL naming the `test_…` database. Stopping it is
SIGTERM (django-q2 lets the current task finish), then SIGKILL for the whole process group, so
no worker outlives its test — a killed or re-parented worker keeps the group id.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT_SECONDS = 60.0
STOP_GRACE_SECONDS = 30.0
# Any file mapped from the tensorflow package: libtensorflow_framework, _pywrap_tensorflow…
TENSORFLOW_MAPPING = "/tensorflow/"

T = TypeVar("T")


def wait_for(
    check: Callable[[], T], *, timeout: float, interval: float = 0.2, what: str = "condition"
) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def child_env(*, model_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a child process that shares this test's database and model files."""
    from django.conf import settings
    from django.db import connection

    env = dict(os.environ)
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = name
    else:
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    env.update(
        {
            "MODEL_DIR": str(model_dir),
            "RETRAIN_EVERY_N_COMPLETIONS": str(settings.RETRAIN_EVERY_N_COMPLETIONS),
            "RETRAIN_MIN_INTERVAL_SECONDS": str(settings.RETRAIN_MIN_INTERVAL_SECONDS),
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    env.pop("Q_CLUSTER_NAME", None)
    return env


def process_group(pgid: int) -> list[int]:
    """Every live process whose process group is `pgid`."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields: state, ppid, pgrp, …; a zombie has no mappings and is about to go.
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError):
        return None


def has_tensorflow(pid: int) -> bool:
    """Whether process `pid` has TensorFlow's libraries mapped (it imported tensorflow)."""
    try:
        return TENSORFLOW_MAPPING in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def is_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def children_of(pid: int, among: list[int]) -> list[int]:
    return [p for p in among if parent_of(p) == pid]


class TensorflowWatch:
    """Samples /proc every 0.2 s: which of a cluster's processes have TensorFlow mapped.

    The parent and the sentinel fork the workers; if either ever ran TensorFlow, every worker
    that trains would hang (docs/architecture.md, "Stack facts"). The workers (the sentinel's
    children) load it to train.
    """

    def __init__(self, cluster_pid: int) -> None:
        self.cluster_pid = cluster_pid
        self.forking_with_tf: set[int] = set()
        self.children_with_tf: set[int] = set()
        self.forking_seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tf-watch", daemon=True)
        self._thread.start()

    def sample(self) -> None:
        members = process_group(self.cluster_pid)
        sentinels = children_of(self.cluster_pid, members)
        forking = [self.cluster_pid, *sentinels]
        self.forking_seen.update(p for p in forking if p in members)
        self.forking_with_tf.update(p for p in forking if has_tensorflow(p))
        for sentinel in sentinels:
            self.children_with_tf.update(
                p for p in children_of(sentinel, members) if has_tensorflow(p)
            )

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.sample()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class Cluster:
    """One running `qcluster` (its parent process leads its own process group)."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: Any = field(repr=False)
    watch: TensorflowWatch | None = field(default=None, repr=False)

    def assert_forking_processes_never_loaded_tensorflow(self) -> None:
        assert self.watch is not None
        self.watch.sample()
        # Parent and sentinel were both observed, and neither ever mapped TensorFlow.
        assert len(self.watch.forking_seen) >= 2, self.watch.forking_seen
        assert not self.watch.forking_with_tf, (
            f"TensorFlow in the cluster's forking processes {self.watch.forking_with_tf}"
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def processes(self) -> list[int]:
        return process_group(self.pid)

    def sentinel_pid(self) -> int | None:
        children = [p for p in self.processes() if parent_of(p) == self.pid]
        return children[0] if children else None

    def worker_pids(self) -> list[int]:
        """The pool's workers as the sentinel last reported them (django-q2's Stat)."""
        from django_q.brokers import get_broker
        from django_q.status import Stat

        for stat in Stat.get_all(broker=get_broker(self.name)) or []:
            if stat.pid == self.pid and stat.workers:
                return [w for w in stat.workers if is_alive(w)]
        return []

    def wait_ready(self, timeout: float = READY_TIMEOUT_SECONDS) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"qcluster {self.name} exited:\n{self.log()}")
            return " running." in self.log() and bool(self.worker_pids())

        wait_for(ready, timeout=timeout, what=f"qcluster {self.name} to start")

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM, then SIGKILL to the whole group: nothing of this cluster survives."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        wait_for(lambda: not self.processes(), timeout=10, what=f"cluster {self.name} to exit")
        if self.watch is not None:
            self.watch.stop()
        self._log.close()


def start_cluster(name: str, *, env: dict[str, str], log_dir: Path) -> Cluster:
    """Start `manage.py qcluster` for cluster `name` ("ml" or the default) and wait for it."""
    env = dict(env)
    if name != "default":
        # django-q2 reads the cluster name at import, so `qcluster --name` comes too late.
        env["Q_CLUSTER_NAME"] = name
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"qcluster-{name}-{time.monotonic_ns()}.log"
    log = open(log_path, "wb")  # closed by Cluster.stop
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    cluster = Cluster(
        name=name if name != "default" else "studysmart",
        process=process,
        log_path=log_path,
        _log=log,
        watch=TensorflowWatch(process.pid),
    )
    try:
        cluster.wait_ready()
    except BaseException:
        cluster.stop(grace=5)
        raise
    return cluster


def pending_tasks(student: Any, tasks: list[Any], count: int) -> list[Any]:
    """`count` practice tasks assigned to `student` and shown a moment ago."""
    from django.utils import timezone

    from tasks.models import PracticeTask

    shown = timezone.now() - timedelta(seconds=30)
    return [
        PracticeTask.objects.create(
            student=student,
            task=tasks[i % len(tasks)],
            status=PracticeTask.Status.SHOWN,
            shown_at=shown,
        )
        for i in range(count)
    ]


PREPARED_ARTIFACTS = {"lnirt": "lnirt/lnirt-v1.npz", "sequence": "sequence/sequence-v1.npz"}


@functools.cache
def prepared_models() -> Path:
    """Version-1 files of both models, fitted once per test run on a synthetic history with
    the worker's own code, for tests that need a previous version but not its training."""
    import numpy as np
    from django.conf import settings

    from mlmodels.data import AttemptRecord, table_from_records
    from mlmodels.lnirt import fit_lnirt
    from mlmodels.sequence_train import export_weights, fit_sequence_model

    rng = np.random.default_rng(0)
    records = [
        AttemptRecord(
            user=f"s{s}",
            item=f"t{i}",
            topic=f"topic{i % 3}",
            difficulty=("easy", "medium", "hard")[i % 3],
            correct=bool(rng.random() < 0.6),
            seconds=float(np.exp(rng.normal(4, 0.5))),
            order=float(100 * s + k),
        )
        for s in range(25)
        for k, i in enumerate(rng.permutation(15)[:12])
    ]
    table = table_from_records(records)
    folder = Path(settings.DATA_DIR) / "worker-test-models"
    (folder / "lnirt").mkdir(parents=True, exist_ok=True)
    fit_lnirt(table).save(folder / PREPARED_ARTIFACTS["lnirt"])
    export_weights(fit_sequence_model(table, threads=1), folder / PREPARED_ARTIFACTS["sequence"])
    return folder


def install_prepared_models(model_dir: Path) -> list[Any]:
    """Publish the prepared files as active version 1 of each kind (LNIRT the champion)."""
    from mlmodels.models import ModelVersion

    source = prepared_models()
    versions = []
    for kind, relative in PREPARED_ARTIFACTS.items():
        target = model_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target)
        versions.append(
            ModelVersion.objects.create(
                kind=kind,
                version=1,
                artifact=relative,
                metrics={"auc": 0.7, "logloss": 0.6, "beats_baselines": True},
                samples=300,
                is_active=True,
                is_champion=kind == "lnirt",
            )
        )
    return versions


StartCluster = Callable[..., Cluster]


def cluster_starter(settings: Any, monkeypatch: Any, log_dir: Path) -> Iterator[StartCluster]:
    """The body of the tests' `start` fixture: real enqueueing, a threshold of 5 with no
    minimum interval, and every cluster started through it stopped afterwards."""
    from django_q.brokers import get_broker
    from django_q.conf import Conf

    from mlmodels.models import TrainingTracker
    from mlmodels.registry import registry
    from studysmart import settings as project_settings

    # The project's shared cache, not the per-test one of tests/conftest.py: the clusters
    # report their state (django-q2's Stat) through it, and the test reads it there.
    settings.CACHES = project_settings.CACHES
    # Enqueue for real.
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False}
    monkeypatch.setattr(Conf, "SYNC", False)
    settings.RETRAIN_EVERY_N_COMPLETIONS = 5
    settings.RETRAIN_MIN_INTERVAL_SECONDS = 0
    TrainingTracker.get()
    get_broker("ml").purge_queue()  # a Redis queue outlives the test database
    registry.reset()
    started: list[Cluster] = []

    def start(name: str = "ml") -> Cluster:
        env = child_env(model_dir=Path(settings.MODEL_DIR))
        cluster = start_cluster(name, env=env, log_dir=log_dir)
        started.append(cluster)
        return cluster

    try:
        yield start
    finally:
        for cluster in started:
            cluster.stop()
            # Shown in the test's report when it fails.
            print(f"--- {cluster.log_path.name} ---\n{cluster.log()[-6000:]}")
        registry.reset()
