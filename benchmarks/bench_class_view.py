"""The class view's server time for a class of 40 students × 9 topics, with both student
models trained and serving.

A temporary SQLite data directory gets the demo content (`seed_demo`), 40 more students with
~60 attempts each in one class, and a training (`train_models`, in its own process: this one
never imports TensorFlow). Then, in a web-like process, the class view page is requested
through Django's test client as the demo teacher: the time is the whole server side (URL
routing, the overview with its batched predictions, the SVG heatmaps, the template), without
a network. Also timed: `predict_class_topics` alone and the CSV export.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NAME = "class_view"
DESCRIPTION = "class view (heatmaps, lists, sets) for 40 students × 9 topics, models serving"
ROOT = Path(__file__).resolve().parents[1]
STUDENTS = 40

MAKE_CLASS = """
import random
from datetime import timedelta
from django.contrib.auth.models import User
from django.utils import timezone
from classes.models import Membership, SchoolClass
from tasks.models import PracticeTask, Task
rng = random.Random(16)
tasks = list(Task.objects.assignable())
school_class = SchoolClass.objects.create(name="Benchmark 40")
school_class.teachers.add(User.objects.get(username="teacher"))
now = timezone.now()
rows = []
for s in range(%(students)d):
    user = User.objects.create_user(f"bench-{s:02d}")
    Membership.objects.create(school_class=school_class, student=user)
    ability = rng.gauss(0.3, 0.7)
    for k in range(rng.randint(40, 80)):
        task = rng.choice(tasks)
        at = now - timedelta(days=rng.uniform(0, 20))
        level = {"easy": -1.0, "medium": 0.0, "hard": 1.0}[task.difficulty]
        p = 1 / (1 + 2.718 ** (-1.5 * (ability - level)))
        rows.append(PracticeTask(student=user, task=task, status="completed", assigned_at=at,
            shown_at=at, answered_at=at + timedelta(seconds=60), is_correct=rng.random() < p,
            seconds_taken=rng.uniform(20, 200), assigned_p_correct=0.6, assigned_source="average"))
PracticeTask.objects.bulk_create(rows, batch_size=500)
print("CLASS", school_class.pk, len(rows))
"""


def env_for(data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "MODEL_DIR", "SQLITE_PATH", "Q_CLUSTER_NAME")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "studysmart.settings",
            "STUDYSMART_DATA_DIR": str(data_dir),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "HTTPS": "0",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "TRAINING_THREADS": "1",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def run(args: argparse.Namespace) -> str:
    repeats = 10 if args.quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        env = env_for(Path(tmp))
        manage(env, "migrate", "-v0")
        manage(env, "createcachetable")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "seed_demo")
        out = manage(env, "shell", "-c", MAKE_CLASS % {"students": STUDENTS})
        class_id, attempts = (int(x) for x in out.split("CLASS", 1)[1].split()[:2])
        manage(env, "train_models")
        measured = subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_class_view", str(class_id), str(repeats)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if measured.returncode != 0:
            raise RuntimeError(measured.stdout + measured.stderr)
        return measured.stdout.strip() + f"\n(class history: {attempts} attempts)"


def measure(class_id: int, repeats: int) -> str:
    """In a fresh web-like process: the page, the export and the service, timed."""
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from classes.models import SchoolClass
    from mlmodels.registry import champion_kind, registry
    from mlmodels.services import predict_class_topics
    from tasks.models import Topic

    client = Client()
    client.force_login(User.objects.get(username="teacher"))
    school_class = SchoolClass.objects.get(pk=class_id)
    page = f"/admin/classes/schoolclass/{class_id}/view/"
    export = f"/admin/classes/schoolclass/{class_id}/export/"

    def timed(fn: object) -> list[float]:
        fn()  # type: ignore[operator]  # warm: models loaded once per process
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            fn()  # type: ignore[operator]
            samples.append((time.perf_counter() - started) * 1000)
        return samples

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    students = [m.student for m in school_class.memberships.select_related("student")]
    topics = list(Topic.objects.filter(tasks__source="").distinct())
    rows = [
        ("class view page", timed(lambda: get(page))),
        ("CSV export", timed(lambda: get(export))),
        (
            "predict_class_topics alone",
            timed(lambda: predict_class_topics(students=students, topics=topics)),
        ),
    ]
    with CaptureQueriesContext(connection) as queries:
        get(page)
    versions = sorted(registry.active_versions())
    assert "tensorflow" not in sys.modules, "the web path imported TensorFlow"
    lines = [
        f"{len(students)} students × {len(topics)} topics; models serving: "
        f"{', '.join(versions) or 'none'} (champion {champion_kind()})",
        f"{'what':<30}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}",
        "-" * 60,
    ]
    for name, samples in rows:
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)))]
        lines.append(
            f"{name:<30}{statistics.median(samples):>10.1f}{p95:>10.1f}{max(samples):>10.1f}"
        )
    lines.append(f"queries for the class view page: {len(queries)}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(measure(int(sys.argv[1]), int(sys.argv[2])))
