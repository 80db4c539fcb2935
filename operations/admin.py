"""The admin side of operations: a student's data (export, erase) on the user list."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from operations.models import ErasedStudent
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
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
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
