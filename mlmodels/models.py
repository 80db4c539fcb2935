"""Model versions, the training tracker and runs, and each student's instant model state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ModelKind(models.TextChoices):
    LNIRT = "lnirt", "LNIRT"
    SEQUENCE = "sequence", "Sequence (embedding + LSTM)"
    LEARNING = "learning", "Learning-aware regression (history features)"


class TrainingRun(models.Model):
    class Trigger(models.TextChoices):
        COMPLETIONS = "completions", "Completed tasks"
        ADMIN = "admin", "Admin: retrain now"
        COMMAND = "command", "train_models command"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        ABANDONED = "abandoned", "Abandoned (worker lost)"

    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    samples = models.PositiveIntegerField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    completions_merged = models.PositiveIntegerField(
        default=0, help_text="Completed tasks whose triggers this run absorbed."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"training run {self.pk} ({self.state})"


class ModelVersionQuerySet(models.QuerySet["ModelVersion"]):
    def active(self) -> ModelVersionQuerySet:
        return self.filter(is_active=True)


class ModelVersion(models.Model):
    kind = models.CharField(max_length=20, choices=ModelKind.choices)
    version = models.PositiveIntegerField()
    # Relative to settings.MODEL_DIR, so the directory can move between machines.
    artifact = models.CharField(max_length=300)
    format_version = models.PositiveSmallIntegerField(default=1)
    metrics = models.JSONField(default=dict, blank=True)
    samples = models.PositiveIntegerField(default=0)
    training_seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=False)
    is_champion = models.BooleanField(default=False)
    run = models.ForeignKey(
        TrainingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="versions"
    )

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="model_version_unique"),
            models.UniqueConstraint(
                fields=["kind"], condition=Q(is_active=True), name="one_active_version_per_kind"
            ),
            models.UniqueConstraint(
                fields=["is_champion"], condition=Q(is_champion=True), name="one_champion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"

    @property
    def label(self) -> str:
        return f"{self.kind}-v{self.version}"


class TrainingTracker(models.Model):
    """One row (pk=1): the retraining trigger's state, changed only by compare-and-set updates."""

    class State(models.TextChoices):
        IDLE = "idle", "Idle"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"

    state = models.CharField(max_length=10, choices=State.choices, default=State.IDLE)
    completed_since_training = models.PositiveIntegerField(default=0)
    # A trigger that arrived while a run was in flight: merged into one follow-up run.
    rerun_requested = models.BooleanField(default=False)
    current_run = models.ForeignKey(
        TrainingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_trained_at = models.DateTimeField(null=True, blank=True)
    last_samples = models.PositiveIntegerField(null=True, blank=True)
    last_seconds = models.FloatField(null=True, blank=True)
    last_result = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"training tracker ({self.state}, {self.completed_since_training} since last)"

    @classmethod
    def get(cls) -> TrainingTracker:
        try:
            return cls.objects.select_related("current_run").get(pk=1)
        except cls.DoesNotExist:
            # Normally created by a migration; a flushed test database has none.
            tracker, _ = cls.objects.get_or_create(pk=1)
            return tracker

    @classmethod
    def count_completion(cls) -> None:
        if not cls.objects.filter(pk=1).update(
            completed_since_training=models.F("completed_since_training") + 1
        ):
            cls.get()
            cls.objects.filter(pk=1).update(
                completed_since_training=models.F("completed_since_training") + 1
            )


class StudentModelState(models.Model):
    """A student's LNIRT ability θ and speed τ, updated at once after every completed task.

    With the posterior variances and the time of the last answer this is the student part of
    LNIRT's instant update (`mlmodels.lnirt_online`); the per-topic and per-task parts are
    `LnirtOffset` rows. A row without `last_attempt_at` predates the instant update: its θ and
    τ still serve, and the student's next completion rebuilds the state from the history.
    """

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="model_state"
    )
    theta = models.FloatField(default=0.0)
    tau = models.FloatField(default=0.0)
    theta_var = models.FloatField(default=0.0)
    theta_tau_cov = models.FloatField(default=0.0)
    tau_var = models.FloatField(default=0.0)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # The version whose items last updated the state (the rows are rebuilt after a training).
    lnirt_version = models.ForeignKey(
        ModelVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.student}: θ={self.theta:.2f} τ={self.tau:.2f}"


class LnirtOffset(models.Model):
    """A student's LNIRT ability and speed offset on one topic or one task (instant update,
    `mlmodels.lnirt_online`): how far that topic (task) sits from the student's overall θ and
    τ, with its variance, as of the last attempt on it. Forgetting is applied when read."""

    class Scope(models.TextChoices):
        TOPIC = "topic", "Topic"
        TASK = "task", "Task"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lnirt_offsets"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.PositiveBigIntegerField()  # the topic's or the task's id
    ability = models.FloatField(default=0.0)
    ability_var = models.FloatField(default=0.0)
    speed = models.FloatField(default=0.0)
    speed_var = models.FloatField(default=0.0)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "scope", "key"], name="lnirt_offset_unique_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.scope} {self.key}: {self.ability:+.2f}"


class LearningState(models.Model):
    """What the learning-aware model needs of one student's history in one scope — the student
    overall, one topic or one task — advanced by every completed attempt (and rebuilt by an
    import), so a prediction reads a few rows however long the history is.

    `values` is `mlmodels.learning`'s state vector (layout `state_version`): counts, decayed
    counts per half-life, the last attempt's time, days practised, recent log times.
    """

    class Scope(models.TextChoices):
        STUDENT = "student", "Student overall"
        TOPIC = "topic", "Topic"
        TASK = "task", "Task"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_states"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices)
    # The topic's or the task's id (0 for the student scope): one column keeps a page's reads
    # to one query.
    key = models.PositiveBigIntegerField(default=0)
    values = models.JSONField(default=list)
    state_version = models.PositiveSmallIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # The predicted chance just after the last attempt (topic scope): the dashboard's "chance
    # at last practice" for review scheduling.
    p_after_last = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "scope", "key"], name="learning_state_unique_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} · {self.scope} {self.key} ({self.attempts} attempts)"
