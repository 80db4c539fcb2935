"""The state of the parts a deployment depends on, for GET /api/health/."""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection

logger = logging.getLogger(__name__)

QUEUE_NAMES = ("studysmart", "ml")


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down" to the caller
        logger.warning("health: database unreachable: %s", type(exc).__name__)
        return {"ok": False, "vendor": connection.vendor, "error": "unreachable"}
    return {"ok": True, "vendor": connection.vendor}


def check_queue() -> dict[str, Any]:
    from django_q.brokers import get_broker
    from django_q.status import Stat

    try:
        clusters = Stat.get_all()
        queued = {name: get_broker(name).queue_size() for name in QUEUE_NAMES}
    except Exception as exc:
        logger.warning("health: queue unreachable: %s", type(exc).__name__)
        return {"ok": False, "clusters": 0, "error": "unreachable"}
    alive = [s for s in clusters if s.status not in ("Stopped", "Stopping")]
    return {
        "ok": bool(alive),
        "clusters": len(alive),
        "workers": sum(len(s.workers) for s in alive),
        "queued": queued,
    }


def check_models() -> dict[str, Any]:
    from mlmodels.services import models_health

    try:
        return models_health()
    except Exception as exc:
        logger.warning("health: model check failed: %s", type(exc).__name__)
        return {"ok": False, "error": "unavailable"}


def overall_status(database: dict[str, Any], queue: dict[str, Any], models: dict[str, Any]) -> str:
    if not database["ok"]:
        return "down"
    if not queue["ok"] or not models["ok"]:
        return "degraded"
    return "ok"
