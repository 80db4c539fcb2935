"""StudySmart's own Prometheus metrics, and what /metrics exposes.

Request and database figures come from django-prometheus; the product's figures are defined
here and recorded by one-line calls at the places they happen (a completion, an assignment, a
prediction, a training, a tutor reply, a websocket). Figures that describe the site's state
rather than events — queue depth, clusters alive, the served models' held-out AUC and ECE — are
read when scraped (`StateCollector`), so every process answers them the same.

Several processes: with PROMETHEUS_MULTIPROC_DIR set (start_all sets it to
$STUDYSMART_DATA_DIR/prometheus and empties it at start; the systemd recipe does the same),
every process — each daphne and every django-q2 worker — writes its samples to files there and
/metrics, whichever process answers, sums them (README, "Operating it").
The variable must be in the environment before prometheus_client is first imported.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

COMPLETIONS = Counter(
    "studysmart_task_completions_total",
    "Practice tasks completed, by outcome.",
    ["outcome"],  # correct | incorrect
)
COMPLETION_SECONDS = Histogram(
    "studysmart_task_completion_seconds",
    "Time the server spent completing a practice task (grading, saving, model update).",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
ASSIGNMENTS = Counter("studysmart_task_assignments_total", "Practice tasks assigned.")
PREDICTIONS = Counter(
    "studysmart_predictions_total",
    "Predictions served, by source (sequence, lnirt, average, default…).",
    ["source"],
)
TRAININGS = Counter(
    "studysmart_trainings_total",
    "Training runs finished, by outcome (succeeded, failed).",
    ["outcome"],
)
TRAINING_SECONDS = Histogram(
    "studysmart_training_seconds",
    "Duration of finished training runs.",
    buckets=(1, 5, 10, 30, 60, 120, 300, 600, 900, 1800),
)
TUTOR_REPLIES = Counter(
    "studysmart_tutor_replies_total", "Tutor replies completed, by intent.", ["intent"]
)
TUTOR_TTFT = Histogram(
    "studysmart_tutor_time_to_first_token_seconds",
    "Time from a question to the reply's first token.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0),
)
TUTOR_REFUSALS = Counter(
    "studysmart_tutor_refusals_total", "Questions the tutor declined (off-topic)."
)
TUTOR_STOPPED = Counter("studysmart_tutor_stopped_replies_total", "Replies stopped by the student.")
TUTOR_PROVIDER_ERRORS = Counter(
    "studysmart_tutor_provider_errors_total",
    "Replies that failed because the language model provider failed or timed out.",
)
TUTOR_RATE_LIMITED = Counter(
    "studysmart_tutor_rate_limited_total", "Questions refused by the per-student rate limit."
)
WEBSOCKETS_OPEN = Gauge(
    "studysmart_websocket_connections",
    "Websocket connections open, by endpoint (tutor, updates).",
    ["endpoint"],
    multiprocess_mode="livesum",  # summed over the processes alive now
)

# --- recording: one call at each place ----------------------------------------------------


def record_completion(*, correct: bool | None, started: float) -> None:
    """After the commit: `started` is the service's time.perf_counter() at its start."""
    COMPLETIONS.labels(outcome="correct" if correct else "incorrect").inc()
    COMPLETION_SECONDS.observe(time.perf_counter() - started)


def record_predictions(sources: Iterable[str]) -> None:
    counts: dict[str, int] = {}
    for source in sources:
        counts[source] = counts.get(source, 0) + 1
    for source, count in counts.items():
        PREDICTIONS.labels(source=source).inc(count)


def record_training(*, outcome: str, seconds: float | None) -> None:
    TRAININGS.labels(outcome=outcome).inc()
    if seconds is not None:
        TRAINING_SECONDS.observe(seconds)


def record_tutor_reply(*, intent: str, ttft_ms: float | None) -> None:
    TUTOR_REPLIES.labels(intent=intent or "unknown").inc()
    if intent == "off_topic":
        TUTOR_REFUSALS.inc()
    if ttft_ms is not None:
        TUTOR_TTFT.observe(ttft_ms / 1000)


def websocket_opened(consumer: Any, endpoint: str) -> None:
    """After accept(): counted until websocket_closed (a socket refused before is not)."""
    consumer._metrics_endpoint = endpoint
    WEBSOCKETS_OPEN.labels(endpoint=endpoint).inc()


def websocket_closed(consumer: Any) -> None:
    endpoint = getattr(consumer, "_metrics_endpoint", None)
    if endpoint is not None:
        consumer._metrics_endpoint = None
        WEBSOCKETS_OPEN.labels(endpoint=endpoint).dec()


def record_tutor_error(code: str) -> None:
    """A tutor error frame or response: rate limits and provider failures are counted."""
    if code == "rate_limited":
        TUTOR_RATE_LIMITED.inc()
    elif code == "unavailable":
        TUTOR_PROVIDER_ERRORS.inc()


# --- exposition -----------------------------------------------------------------------------


def multiprocess_dir() -> Path | None:
    value = os.environ.get(MULTIPROC_ENV, "")
    return Path(value) if value else None


def prepare_multiprocess_dir(path: Path) -> None:
    """Empty (or create) the directory before the processes that write to it start: files of
    processes that are gone would otherwise be counted for ever."""
    path.mkdir(parents=True, exist_ok=True)
    for entry in path.glob("*.db"):
        entry.unlink(missing_ok=True)


def mark_process_dead(pid: int) -> None:
    """A process left: its live gauges (open websockets) stop counting."""
    if multiprocess_dir() is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def forget_dead_processes(directory: Path) -> None:
    """Live gauges (open websockets) of processes that are gone stop counting. Their counters
    stay: a total must not drop because a worker was recycled. The directory is per machine,
    so a pid names a process here."""
    for path in directory.glob("gauge_live*_*.db"):
        try:
            pid = int(path.stem.rsplit("_", 1)[1])
            os.kill(pid, 0)
        except ValueError:
            continue
        except ProcessLookupError:
            mark_process_dead(pid)
        except PermissionError:
            continue  # alive, another user's


def exposition() -> bytes:
    """The text /metrics answers: every process's samples, then the site's state."""
    directory = multiprocess_dir()
    if directory is not None:
        from prometheus_client import multiprocess

        forget_dead_processes(directory)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        samples = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        samples = generate_latest(REGISTRY)
    state = CollectorRegistry()
    state.register(StateCollector())
    return samples + generate_latest(state)


class StateCollector(Collector):
    """Read at scrape time: the queues, the clusters and the served models."""

    def collect(self) -> Iterator[Any]:
        yield from self._queues()
        yield from self._models()

    def _queues(self) -> Iterator[Any]:
        from django_q.brokers import get_broker
        from django_q.status import Stat

        from studysmart.health import QUEUE_NAMES

        depth = GaugeMetricFamily(
            "studysmart_queue_depth", "Jobs waiting in each cluster's queue.", labels=["cluster"]
        )
        alive = GaugeMetricFamily("studysmart_clusters_alive", "django-q2 clusters reporting.")
        try:
            for name in QUEUE_NAMES:
                depth.add_metric([name], get_broker(name).queue_size() or 0)
            stats = Stat.get_all() or []
            alive.add_metric([], sum(1 for s in stats if s.status not in ("Stopped", "Stopping")))
        except Exception as exc:  # a broker outage must not take /metrics down with it
            logger.warning("metrics: queue state unavailable (%s)", type(exc).__name__)
            return
        yield depth
        yield alive

    def _models(self) -> Iterator[Any]:
        from mlmodels.models import ModelVersion

        labels = ["kind", "version", "champion"]
        auc = GaugeMetricFamily(
            "studysmart_model_auc", "Held-out AUC of each active model version.", labels=labels
        )
        ece = GaugeMetricFamily(
            "studysmart_model_ece",
            "Held-out expected calibration error of each active model version.",
            labels=labels,
        )
        try:
            versions = list(ModelVersion.objects.active())
        except Exception as exc:
            logger.warning("metrics: model versions unavailable (%s)", type(exc).__name__)
            return
        for v in versions:
            key = [v.kind, str(v.version), "1" if v.is_champion else "0"]
            for family, metric in ((auc, "auc"), (ece, "ece")):
                value = v.metrics.get(metric)
                if isinstance(value, int | float):
                    family.add_metric(key, float(value))
        yield auc
        yield ece
