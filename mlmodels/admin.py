from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from mlmodels.charts import calibration_svg
from mlmodels.models import ModelVersion, StudentModelState, TrainingRun, TrainingTracker
from mlmodels.services import request_training, training_status


def require_superuser(request: HttpRequest) -> None:
    """Model versions and "retrain now" are superusers' alone (staff teachers included)."""
    if not request.user.is_superuser:
        raise PermissionDenied


def _figure(value: Any, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "kind",
        "is_active",
        "is_champion",
        "auc",
        "logloss",
        "ece",
        "log_time_mae",
        "beats_baselines",
        "samples",
        "training_seconds",
        "created_at",
    ]
    list_filter = ["kind", "is_active", "is_champion"]
    readonly_fields = [
        "kind",
        "version",
        "artifact",
        "format_version",
        "samples",
        "training_seconds",
        "created_at",
        "is_active",
        "is_champion",
        "run",
        "figures",
        "calibration_plot",
    ]
    exclude = ["metrics"]
    change_list_template = "admin/mlmodels/modelversion/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from training runs only

    @admin.display(description="AUC")
    def auc(self, obj: ModelVersion) -> str:
        return _figure(obj.metrics.get("auc"))

    @admin.display(description="log-loss")
    def logloss(self, obj: ModelVersion) -> str:
        return _figure(obj.metrics.get("logloss"))

    @admin.display(description="ECE")
    def ece(self, obj: ModelVersion) -> str:
        return _figure(obj.metrics.get("ece"))

    @admin.display(description="log-time MAE")
    def log_time_mae(self, obj: ModelVersion) -> str:
        return _figure(obj.metrics.get("log_time_mae"))

    @admin.display(description="beats baselines", boolean=True)
    def beats_baselines(self, obj: ModelVersion) -> bool:
        return bool(obj.metrics.get("beats_baselines"))

    @admin.display(description="held-out figures")
    def figures(self, obj: ModelVersion) -> str:
        m = obj.metrics
        rows = [
            (name, _figure(m.get(key)))
            for name, key in [
                ("AUC", "auc"),
                ("log-loss", "logloss"),
                ("Brier", "brier"),
                ("calibration error (ECE)", "ece"),
                ("log-time MAE", "log_time_mae"),
                ("log-time RMSE", "log_time_rmse"),
            ]
        ]
        rows.append(("train / test attempts", f"{m.get('train_rows')} / {m.get('test_rows')}"))
        for name, b in (m.get("baselines") or {}).items():
            rows.append(
                (
                    f"baseline: {name}",
                    f"AUC {_figure(b.get('auc'))}, ECE {_figure(b.get('ece'))}, "
                    f"log-time MAE {_figure(b.get('log_time_mae'))}",
                )
            )
        cells = "".join(format_html("<tr><th>{}</th><td>{}</td></tr>", k, v) for k, v in rows)
        return mark_safe(f"<table>{cells}</table>")  # cells escaped above

    @admin.display(description="calibration")
    def calibration_plot(self, obj: ModelVersion) -> str:
        return mark_safe(  # numbers only; the title is escaped
            calibration_svg(obj.metrics.get("calibration") or [], title=f"{obj.label} calibration")
        )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "performance/",
                self.admin_site.admin_view(self.performance_view),
                name="mlmodels_performance",
            ),
            path(
                "retrain/",
                self.admin_site.admin_view(require_POST(self.retrain_view)),
                name="mlmodels_retrain",
            ),
            *super().get_urls(),
        ]

    def performance_view(self, request: HttpRequest) -> HttpResponse:
        require_superuser(request)
        versions = list(ModelVersion.objects.active())
        # SciPy (via the metrics) only when the page is opened: every process imports admin.py.
        from mlmodels.comparison import live_comparison

        comparison = live_comparison()
        context = {
            **self.admin_site.each_context(request),
            "title": "Student model performance",
            "versions": [
                (
                    v,
                    mark_safe(
                        calibration_svg(
                            v.metrics.get("calibration") or [],
                            title=f"{v.label} held-out calibration",
                        )
                    ),
                )
                for v in versions
            ],
            "comparison": [
                (
                    f,
                    mark_safe(
                        calibration_svg(
                            f.calibration,
                            title=f"{f.source} {f.version} live calibration",
                        )
                    ),
                )
                for f in comparison
            ],
            "status": training_status(with_total=True),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/mlmodels/performance.html", context)

    def retrain_view(self, request: HttpRequest) -> HttpResponse:
        require_superuser(request)
        run = request_training(trigger=TrainingRun.Trigger.ADMIN, force=True)
        if run is None:
            messages.warning(request, "A training run is already queued or running.")
        else:
            messages.success(request, f"Training run {run.pk} queued for the ml cluster.")
        return HttpResponseRedirect(reverse("admin:mlmodels_performance"))


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "trigger",
        "state",
        "created_at",
        "started_at",
        "finished_at",
        "seconds",
        "samples",
        "completions_merged",
    ]
    list_filter = ["state", "trigger"]
    readonly_fields = [f.name for f in TrainingRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TrainingTracker)
class TrainingTrackerAdmin(admin.ModelAdmin):
    list_display = [
        "state",
        "completed_since_training",
        "last_trained_at",
        "last_samples",
        "last_seconds",
        "last_result",
    ]
    readonly_fields = [f.name for f in TrainingTracker._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StudentModelState)
class StudentModelStateAdmin(admin.ModelAdmin):
    list_display = ["student", "theta", "tau", "attempts", "lnirt_version", "updated_at"]
    search_fields = ["student__username"]
    readonly_fields = ["student", "theta", "tau", "attempts", "lnirt_version", "updated_at"]
