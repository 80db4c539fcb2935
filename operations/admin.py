"""The admin side of operations: a student's data (export, erase) on the user list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from mlmodels.registry import artifact_path
from operations.models import ErasedStudent, ProcessHeartbeat
from operations.services import (
    OperatorError,
    directory_bytes,
    prunable_model_files,
    prune_model_files,
    roll_back_model,
)
from operations.student_data import erase_student, export_student


@admin.action(description="Export the selected students' data (JSON)")
def export_students(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    students = [export_student(user=u) for u in queryset.order_by("username")]
    body = students[0] if len(students) == 1 else {"students": students}
    name = queryset.first().username if len(students) == 1 else "students"  # type: ignore[union-attr]
    response = HttpResponse(
        json.dumps(body, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-data.json"'
    return response


@admin.action(description="Erase the selected students (account and chats deleted)")
def erase_students(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> HttpResponse | None:
    if not request.user.is_superuser:
        raise PermissionDenied
    staff = queryset.filter(is_staff=True) | queryset.filter(is_superuser=True)
    if staff.exists():
        messages.error(request, "Staff accounts are not erased as students; deselect them.")
        return None
    mode = request.POST.get("attempts", settings.ERASE_ATTEMPTS)
    if request.POST.get("confirmed") == "yes" and mode in ("keep", "delete"):
        erased = [erase_student(user=u, attempts=mode).username_digest for u in queryset]
        kept = "kept anonymously" if mode == "keep" else "deleted"
        messages.success(
            request,
            f"Erased {len(erased)} student(s); attempts {kept}. "
            "Backups still hold them until they age out.",
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Erase students",
        "students": list(queryset.order_by("username")),
        "mode": mode,
        "action": "erase_students",
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
        "backup_keep": settings.BACKUP_KEEP,
    }
    return TemplateResponse(request, "admin/operations/erase_confirm.html", context)


# Added to whichever admin is registered for users (the tasks app's, say), keeping its own.
_UserAdmin = type(admin.site.get_model_admin(User))


class StudentDataUserAdmin(_UserAdmin):  # type: ignore[misc, valid-type]
    actions = [*(_UserAdmin.actions or []), export_students, erase_students]


admin.site.unregister(User)
admin.site.register(User, StudentDataUserAdmin)


@admin.register(ErasedStudent)
class ErasedStudentAdmin(admin.ModelAdmin):
    list_display = ["source", "erased_at", "digest"]
    readonly_fields = ["source", "erased_at", "digest"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProcessHeartbeat)
class OperatorPageAdmin(admin.ModelAdmin):
    """The operator's page (superusers): clusters and queues, web processes, the last
    trainings, the active model versions with a roll-back, and the model files on disk with a
    prune. Listed in the admin under Operations."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path(
                "roll-back/",
                self.admin_site.admin_view(require_POST(self.roll_back_view)),
                name="operations_roll_back",
            ),
            path(
                "prune/",
                self.admin_site.admin_view(require_POST(self.prune_view)),
                name="operations_prune",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Operator's page",
            "opts": self.model._meta,
            **operator_overview(),
        }
        return TemplateResponse(request, "admin/operations/operator.html", context)

    def roll_back_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            version = roll_back_model(
                kind=request.POST.get("kind", ""), version=int(request.POST.get("version", ""))
            )
        except (OperatorError, ValueError) as exc:
            messages.error(request, f"Not rolled back: {exc}")
        else:
            messages.success(request, f"{version.label} is served again.")
        return HttpResponseRedirect(reverse("admin:operations_processheartbeat_changelist"))

    def prune_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        removed, freed = prune_model_files()
        messages.success(request, f"Pruned {removed} model files ({freed / 1e6:.1f} MB).")
        return HttpResponseRedirect(reverse("admin:operations_processheartbeat_changelist"))


def operator_overview() -> dict[str, Any]:
    """What the operator's page shows; each part degrades to an error note on its own."""
    from datetime import timedelta

    from django.utils import timezone

    from mlmodels.models import ModelVersion, TrainingRun
    from studysmart.health import check_queue

    queue = check_queue()
    try:
        from django_q.status import Stat

        clusters = [
            {
                "id": s.cluster_id,
                "host": s.host,
                "pid": s.pid,
                "status": s.status,
                "workers": len(s.workers),
                "uptime": s.uptime(),
            }
            for s in Stat.get_all() or []
        ]
    except Exception as exc:
        clusters = []
        queue.setdefault("error", type(exc).__name__)
    stale = timedelta(seconds=settings.PROCESS_HEARTBEAT_STALE_SECONDS)
    active = list(ModelVersion.objects.active().order_by("kind"))
    earlier = {
        v.kind: [
            e
            for e in ModelVersion.objects.filter(kind=v.kind, is_active=False).order_by("-version")[
                :10
            ]
            if artifact_path(e.artifact).is_file()
        ]
        for v in active
    }
    prunable = prunable_model_files()
    return {
        "queue": queue,
        "clusters": clusters,
        "web_processes": list(ProcessHeartbeat.alive(within=stale).order_by("host", "pid")),
        "now": timezone.now(),
        "runs": list(TrainingRun.objects.all()[:10]),
        "active": [(v, earlier.get(v.kind, [])) for v in active],
        "model_dir": settings.MODEL_DIR,
        "model_dir_bytes": directory_bytes(Path(settings.MODEL_DIR)),
        "prunable": prunable,
        "prunable_bytes": sum(f.bytes for f in prunable),
        "keep_versions": settings.MODEL_KEEP_VERSIONS,
    }
