"""django-q2 jobs: thin interfaces that take ids, call one service and return a short status.

TensorFlow is imported only inside the training service, in the ml cluster's worker process;
nothing here or in the cluster's parent may touch it (docs/architecture.md, "Stack facts": fork +
TensorFlow hang).
"""

from __future__ import annotations

import os

# The training worker yields the CPU to web processes on the same machine: completing a task
# must stay fast while a training runs (bench_completion). Niceness 19 alone still let training hold
# a core a woken web thread wanted (completion p99 ×2–3 while training, bench_completion);
# SCHED_IDLE threads run only when nothing else wants the CPU, and the kernel treats a core
# running only them as idle when placing a waking task. Threads started later (TensorFlow's
# pools, the heartbeat) inherit both.
TRAINING_NICENESS = 19


def retrain_models(run_id: int) -> str:
    """Train and publish both student models for training run `run_id` (idempotent)."""
    from mlmodels.training import run_training

    lower_priority(TRAINING_NICENESS)
    return run_training(run_id=run_id)


def lower_priority(niceness: int) -> None:
    """Niceness `niceness` (absolute: repeated jobs don't add up) and, where the OS has it, the
    SCHED_IDLE policy for this thread; lowering one's own priority needs no privilege."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if current < niceness:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    if hasattr(os, "SCHED_IDLE") and os.sched_getscheduler(0) != os.SCHED_IDLE:
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:  # a container that forbids it: niceness alone then
            pass


def check_training_due() -> str:
    """Scheduled every minute: re-deliver a queued run whose queue entry was lost (Redis down
    or restarted), else start a training that the minimum interval held back."""
    from mlmodels.services import redeliver_queued_run, request_training

    redelivered = redeliver_queued_run()
    if redelivered is not None:
        return f"re-delivered run {redelivered.pk}"
    run = request_training(trigger="completions")
    return f"queued run {run.pk}" if run else "nothing due"
