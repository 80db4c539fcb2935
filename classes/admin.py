"""The teachers' admin: classes (join codes, members), the class view with its CSV export,
task sets with due dates, and the tutor report.

Interfaces only: the figures come from classes/overview.py and classes/report.py, the writes
from classes/services.py. A teacher reaches only their own classes: every URL with a class id
looks it up in `SchoolClass.objects.visible_to(user)`, so another class's id is a 404.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, re_path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from classes import charts, services
from classes.csvout import csv_writer
from classes.models import TEACHERS_GROUP, HandledReportItem, Membership, SchoolClass, TaskSet
from classes.overview import class_overview, write_overview_csv
from classes.report import tutor_report
from studysmart.admin_scoping import NotFoundAdmin

User = get_user_model()
CLASS_ID = r"(?P<class_id>[0-9]{1,18})"


def school_zone() -> ZoneInfo:
    return ZoneInfo(settings.SCHOOL_TIME_ZONE)


class MembershipInline(admin.TabularInline):
    """The class's students. Students join with the code; deleting a row removes the student
    from the class and nothing else (their practice and chats stay theirs)."""

    model = Membership
    extra = 0
    fields = ("student", "joined_at")
    readonly_fields = ("joined_at",)
    raw_id_fields = ("student",)
    verbose_name = "student"
    verbose_name_plural = "students (they join with the class code)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only superusers enrol by hand: a teacher's user list holds their classes' students only.
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and super().has_delete_permission(request, obj)


@admin.register(SchoolClass)
class SchoolClassAdmin(NotFoundAdmin):
    list_display = ("name", "join_code_display", "student_count", "teacher_names", "links")
    search_fields = ("name",)
    filter_horizontal = ("teachers",)
    readonly_fields = ("join_code_display", "code_rotated_at", "created_at")
    fields = ("name", "teachers", "join_code_display", "code_rotated_at", "created_at")
    inlines = (MembershipInline,)
    actions = ("rotate_codes",)
    change_form_template = "admin/classes/schoolclass/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SchoolClass]:
        return (
            SchoolClass.objects.visible_to(request.user)
            .annotate(_students=Count("memberships", distinct=True))
            .prefetch_related("teachers")
        )

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "teachers":
            kwargs["queryset"] = User.objects.filter(groups__name=TEACHERS_GROUP).order_by(
                "username"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            # A teacher's new class is theirs; they cannot hand it away by mistake.
            form.instance.teachers.add(request.user)

    @admin.display(description="students", ordering="_students")
    def student_count(self, obj: SchoolClass) -> int:
        return int(getattr(obj, "_students", 0))

    @admin.display(description="teachers")
    def teacher_names(self, obj: SchoolClass) -> str:
        return ", ".join(t.get_username() for t in obj.teachers.all()) or "—"

    @admin.display(description="")
    def links(self, obj: SchoolClass) -> str:
        return format_html(
            '<a href="{}">Class view</a> · <a href="{}">Tutor report</a>',
            reverse("admin:classes_schoolclass_overview", args=[obj.pk]),
            reverse("admin:classes_schoolclass_report", args=[obj.pk]),
        )

    @admin.action(description="Rotate the join codes of the selected classes")
    def rotate_codes(self, request: HttpRequest, queryset: QuerySet[SchoolClass]) -> None:
        for school_class in queryset:
            services.rotate_join_code(school_class=school_class)
        self.message_user(request, f"New join codes for {queryset.count()} classes.")

    # --- custom views ---------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("report/", wrap(self.report_view), name="classes_report_all"),
            path(
                "report/handled/",
                wrap(require_POST(self.handled_view)),
                name="classes_report_handled",
            ),
            # At most 18 digits: a longer id would overflow the database's integer (a 500).
            re_path(
                rf"^{CLASS_ID}/view/$",
                wrap(self.overview_view),
                name="classes_schoolclass_overview",
            ),
            re_path(
                rf"^{CLASS_ID}/export/$", wrap(self.export_view), name="classes_schoolclass_export"
            ),
            re_path(
                rf"^{CLASS_ID}/report/$", wrap(self.report_view), name="classes_schoolclass_report"
            ),
            re_path(
                rf"^{CLASS_ID}/rotate/$",
                wrap(require_POST(self.rotate_view)),
                name="classes_schoolclass_rotate",
            ),
            *super().get_urls(),
        ]

    def access_class(self, request: HttpRequest, class_id: int | str) -> SchoolClass:
        """The class if the user may see it, else 404 (not 403: ids reveal nothing)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(SchoolClass.objects.visible_to(request.user), pk=int(class_id))

    def overview_view(self, request: HttpRequest, class_id: str) -> HttpResponse:
        school_class = self.access_class(request, class_id)
        sort = request.GET.get("sort", "name")[:40]
        with timezone.override(school_zone()):
            overview = class_overview(school_class=school_class, sort=sort)
            base = reverse("admin:classes_schoolclass_overview", args=[school_class.pk])

            def sort_url(key: str) -> str:
                return f"{base}?{urlencode({'sort': key})}"

            def student_url(user_id: int) -> str:
                return reverse("admin:tasks_practicetask_student_history", args=[user_id])

            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Class view: {school_class.name}",
                "school_class": school_class,
                "overview": overview,
                "accuracy_map": charts.heatmap(
                    overview,
                    measure="accuracy",
                    title=f"{school_class.name}: accuracy per student and topic",
                    sort_url=sort_url,
                    student_url=student_url,
                ),
                "chance_map": charts.heatmap(
                    overview,
                    measure="chance",
                    title=f"{school_class.name}: current predicted chance per student and topic",
                    sort_url=sort_url,
                    student_url=student_url,
                ),
                "sort_links": {
                    key: sort_url(f"-{key}" if sort == key else key)
                    for key in ("name", "accuracy", "chance", "last")
                },
                "inactive_days": settings.CLASS_INACTIVE_DAYS,
                "wrong_in_a_row": settings.CLASS_WRONG_IN_A_ROW,
                "school_time_zone": settings.SCHOOL_TIME_ZONE,
                "now": timezone.now(),
            }
            response = TemplateResponse(request, "admin/classes/class_view.html", context)
            return response.render()  # inside the override: dates in the school's zone

    def export_view(self, request: HttpRequest, class_id: str) -> HttpResponse:
        school_class = self.access_class(request, class_id)
        out = io.StringIO()
        with timezone.override(school_zone()):
            overview = class_overview(
                school_class=school_class, sort=request.GET.get("sort", "name")
            )
            write_overview_csv(overview, out, writer=csv_writer)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="class-{school_class.pk}-{stamp}.csv"'
        )
        return response

    def rotate_view(self, request: HttpRequest, class_id: str) -> HttpResponse:
        school_class = self.access_class(request, class_id)
        if not self.has_change_permission(request, school_class):
            raise PermissionDenied
        services.rotate_join_code(school_class=school_class)
        self.message_user(
            request,
            f"New join code: {school_class.join_code_display}. The old one no longer works.",
        )
        return HttpResponseRedirect(
            reverse("admin:classes_schoolclass_change", args=[school_class.pk])
        )

    def report_view(self, request: HttpRequest, class_id: str | None = None) -> HttpResponse:
        if class_id is None:
            # Every chat: superusers only (a teacher's report is per class).
            if not request.user.is_superuser:
                raise PermissionDenied
            school_class, students = None, None
        else:
            school_class = self.access_class(request, class_id)
            students = User.objects.filter(class_memberships__school_class=school_class)
        report = tutor_report(school_class=school_class, students=students)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Tutor report: {school_class.name if school_class else 'all chats'}",
            "school_class": school_class,
            "report": report,
            "add_note_url": reverse("admin:tutor_knowledgeentry_add"),
            "handled_url": reverse("admin:classes_report_handled"),
            "can_add_note": request.user.has_perm("tutor.add_knowledgeentry"),
        }
        with timezone.override(school_zone()):
            return TemplateResponse(request, "admin/classes/tutor_report.html", context).render()

    def handled_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("classes.add_handledreportitem"):
            raise PermissionDenied
        raw_class = request.POST.get("school_class", "")
        kind, key = request.POST.get("kind", ""), request.POST.get("key", "")
        if kind not in HandledReportItem.Kind.values or not key:
            return HttpResponse("kind and key are required.", status=400)
        if raw_class:
            if not re.fullmatch(r"[0-9]{1,18}", raw_class):
                raise Http404
            school_class: SchoolClass | None = self.access_class(request, int(raw_class))
            back = reverse("admin:classes_schoolclass_report", args=[int(raw_class)])
        else:
            if not request.user.is_superuser:
                raise PermissionDenied
            school_class, back = None, reverse("admin:classes_report_all")
        services.mark_handled(kind=kind, key=key, school_class=school_class, user=request.user)
        self.message_user(request, "Marked handled: it comes back if it is asked again.")
        return HttpResponseRedirect(back)


class TaskSetForm(forms.ModelForm):
    class Meta:
        model = TaskSet
        fields = (
            "school_class", "title", "kind", "tasks", "topics", "count", "target_percent", "due_at",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind == TaskSet.Kind.CHOSEN and "tasks" in self.fields:
            tasks = list(data.get("tasks") or [])
            if not tasks:
                self.add_error("tasks", "Choose the tasks of the set.")
            elif len(tasks) > 20:
                self.add_error("tasks", "A set has at most 20 tasks.")
            elif any(t.is_imported or not t.is_active for t in tasks):
                self.add_error("tasks", "Imported or inactive tasks cannot be assigned.")
        if kind == TaskSet.Kind.ADAPTIVE and "topics" in self.fields and not data.get("topics"):
            self.add_error("topics", "Choose the topics the adaptive tasks come from.")
        count = data.get("count")
        if count is not None and not 1 <= count <= 20:
            self.add_error("count", "From 1 to 20 tasks.")
        target = data.get("target_percent")
        if target is not None and not 5 <= target <= 95:
            self.add_error("target_percent", "From 5 to 95 %.")
        return data


@admin.register(TaskSet)
class TaskSetAdmin(NotFoundAdmin):
    """Assigning a set hands it to every student of the class at once (and to students who
    join before the due date). Due dates are entered and shown in the school's time zone."""

    form = TaskSetForm
    list_display = ("title", "school_class", "kind", "due_display", "assigned_students")
    list_filter = (("school_class", admin.RelatedOnlyFieldListFilter), "kind")
    search_fields = ("title",)
    autocomplete_fields = ("tasks",)
    filter_horizontal = ("topics",)
    date_hierarchy = "due_at"
    # Fixed once assigned: students already have the tasks. The due date may move.
    locked_after_assignment = ("school_class", "kind", "tasks", "topics", "count", "target_percent")

    def get_queryset(self, request: HttpRequest) -> QuerySet[TaskSet]:
        classes = SchoolClass.objects.visible_to(request.user)
        return (
            super()
            .get_queryset(request)
            .filter(school_class__in=classes)
            .select_related("school_class")
            .annotate(_students=Count("assigned__student", distinct=True))
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.locked_after_assignment if obj is not None else ()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "school_class":
            kwargs["queryset"] = SchoolClass.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        if "due_at" not in initial:
            # A week from now, 17:00 school time: a sensible default to adjust.
            local = timezone.localtime(timezone.now() + timedelta(days=7), school_zone())
            initial["due_at"] = local.replace(hour=17, minute=0, second=0, microsecond=0)
        return initial

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with timezone.override(school_zone()):
            response = super().changeform_view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()  # inside the override: the form shows school time
            return response

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        with timezone.override(school_zone()):
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response

    def save_model(self, request: HttpRequest, obj: TaskSet, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]  # staff: logged in
            obj.time_zone = settings.SCHOOL_TIME_ZONE
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change:
            # The chosen tasks and topics are saved now: hand the set out.
            created = services.assign_task_set(task_set=form.instance)
            self.message_user(
                request,
                f"Assigned to {form.instance.school_class}: {created} practice tasks created.",
                messages.SUCCESS,
            )

    def response_add(
        self, request: HttpRequest, obj: TaskSet, post_url_continue: Any = None
    ) -> Any:
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return HttpResponseRedirect(
            reverse("admin:classes_schoolclass_overview", args=[obj.school_class_id])
        )

    @admin.display(description="due", ordering="due_at")
    def due_display(self, obj: TaskSet) -> str:
        local = timezone.localtime(obj.due_at, school_zone())
        return f"{local:%a %d %b %Y, %H:%M} ({settings.SCHOOL_TIME_ZONE})"

    @admin.display(description="students", ordering="_students")
    def assigned_students(self, obj: TaskSet) -> int:
        return int(getattr(obj, "_students", 0))
