"""django-q2 jobs: thin interfaces that take ids, call one service and return a short status.

TensorFlow is imported only inside the training service, in the ml cluster's worker process;
nothing here or in the cluster's parent may touch it (STACK_NOTES: fork + TensorFlow hang).
"""

from __future__ import annotations


def retrain_models(run_id: int) -> str:
    """Train and publish both student models for training run `run_id` (idempotent)."""
    from mlmodels.training import run_training

    return run_training(run_id=run_id)


def check_training_due() -> str:
    """Scheduled every minute: start a training that the minimum interval held back."""
    from mlmodels.services import request_training

    run = request_training(trigger="completions")
    return f"queued run {run.pk}" if run else "nothing due"
