"""Admin for the question bank and practice tasks: search, filters, CSV in and out, history,
and authoring: a multiple-choice options editor and a live preview of a task as students see it.

The admin classes are interfaces: CSV parsing, validation and the upsert live in
`tasks/bank_csv.py`; the views here parse the request, call it and render. How teachers edit
content here and in the files: docs/content.md.
"""

from __future__ import annotations

import io
import secrets
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Max, Min, Q, QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from studysmart.admin_scoping import StudentScopedAdmin, scope_to_students
from tasks.bank_csv import (
    TASK_CSV_FIELDS,
    TOPIC_CSV_FIELDS,
    CsvFileError,
    CsvKind,
    CsvPlan,
    PreviewRefused,
    StalePlan,
    apply_previewed_csv,
    decode_upload,
    plan_tasks_csv,
    plan_topics_csv,
    read_preview,
    sign_preview,
    write_tasks_csv,
    write_topics_csv,
)
from tasks.models import AnswerKind, PracticeTask, Task, Topic

if TYPE_CHECKING:
    from django.contrib.auth.models import User as UserModel

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A CSV preview lists at most this many rows per action (the counts are always whole).
PREVIEW_ROWS_SHOWN = 200
CONFIRM_FIELD = "confirm"
RECENT_ATTEMPTS = 25
# Rows of the options editor: a choice task has four, and room for two more.
OPTION_ROWS = 6
# A preview renders a task's texts: bounded like the fields themselves would be by a reader.
MAX_PREVIEW_CHARS = 50_000

User = get_user_model()


class SourceFilter(admin.SimpleListFilter):
    """Question bank versus each import source (the source field is "" for the bank)."""

    title = "source"
    parameter_name = "source"
    BANK = "__bank__"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        sources = (
            model_admin.model.objects.exclude(source="")
            .order_by("source")
            .values_list("source", flat=True)
            .distinct()
        )
        return [(self.BANK, "Question bank (not imported)")] + [
            (s, f"Imported: {s}") for s in sources
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(source="" if value == self.BANK else value)


class CsvUploadForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8, with a header line.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB."
            )
        return upload


class OptionsWidget(forms.Widget):
    """Multiple-choice options as rows of (id, text) inputs instead of raw JSON."""

    template_name = "admin/tasks/options_widget.html"

    def __init__(self, rows: int = OPTION_ROWS, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.rows = rows

    def format_value(self, value: Any) -> list[dict[str, str]]:
        options = value if isinstance(value, list) else []
        if isinstance(value, str):  # a re-displayed form after an error: the raw JSON
            import json

            try:
                options = json.loads(value or "[]")
            except ValueError:
                options = []
        rows = [
            {"id": str(o.get("id", "")), "text": str(o.get("text", ""))}
            for o in options
            if isinstance(o, dict)
        ]
        return rows + [{"id": "", "text": ""}] * max(0, self.rows - len(rows))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["rows"] = [
            {"index": i, **row} for i, row in enumerate(self.format_value(value))
        ]
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The project's template engine (templates/), not the form renderer's own one.
        from django.template.loader import render_to_string

        return render_to_string(self.template_name, self.get_context(name, value, attrs))

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, str]]:
        rows = []
        for i in range(self.rows):
            option_id = str(data.get(f"{name}_{i}_id", "")).strip()
            text = str(data.get(f"{name}_{i}_text", "")).strip()
            if option_id or text:
                rows.append({"id": option_id, "text": text})
        return rows

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(k.startswith(f"{name}_") for k in data)


class OptionsField(forms.Field):
    widget = OptionsWidget

    def clean(self, value: Any) -> list[dict[str, str]]:
        rows = super().clean(value) or []
        errors = []
        for row in rows:
            if not row["id"] or not row["text"]:
                errors.append("Every option needs both an id (a, b, …) and a text.")
                break
        ids = [row["id"] for row in rows]
        if len(set(ids)) != len(ids):
            errors.append("Option ids must be different from each other.")
        if errors:
            raise forms.ValidationError(errors)
        return rows


class TaskAdminForm(forms.ModelForm):
    options = OptionsField(required=False, help_text="Multiple-choice tasks: one row per option.")

    class Meta:
        model = Task
        fields = (
            "topic", "slug", "title", "difficulty", "is_active", "concept", "statement",
            "answer_kind", "solution", "numeric_answer", "unit", "tolerance", "params", "options",
            "correct_option", "source", "external_id",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        options = data.get("options") or []
        if data.get("answer_kind") == AnswerKind.CHOICE:
            ids = [o["id"] for o in options]
            if len(ids) < 2:
                self.add_error("options", "A multiple-choice task needs at least two options.")
            elif data.get("correct_option") not in ids:
                self.add_error("correct_option", f"Choose one of the option ids: {', '.join(ids)}.")
        return data


class CsvModelAdmin(admin.ModelAdmin):
    """A ModelAdmin with `import/` and `export/` views and an export action.

    Subclasses set `csv_columns` and `csv_kind` and implement `csv_rows` (rows out); an import
    is previewed as a dry run first and written only on confirm.
    The export link on the changelist carries the changelist's filters and search.
    """

    change_list_template = "admin/tasks/csv_change_list.html"
    csv_columns: tuple[str, ...] = ()
    csv_filename = "export"
    csv_kind: CsvKind = "tasks"
    actions = ["export_selected_csv"]

    def csv_rows(self, queryset: QuerySet, out: io.StringIO) -> int:
        raise NotImplementedError

    def get_urls(self) -> list[URLPattern]:
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_csv_view), name=f"{prefix}_import_csv"),
            path("export/", wrap(self.export_csv_view), name=f"{prefix}_export_csv"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The changelist's own context has no change permission: the import needs both.
        can_import = self.has_add_permission(request) and self.has_change_permission(request)
        return super().changelist_view(request, {**(extra_context or {}), "can_import": can_import})

    def _csv_response(self, queryset: QuerySet) -> HttpResponse:
        out = io.StringIO()
        self.csv_rows(queryset, out)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}-{stamp}.csv"'
        return response

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_selected_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return self._csv_response(queryset)

    def export_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return self._csv_response(changelist.get_queryset(request))

    def import_csv_view(self, request: HttpRequest) -> HttpResponse:
        """Upload → a dry-run preview (nothing written) → confirm writes exactly that plan."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST" and CONFIRM_FIELD in request.POST:
            return self._confirm_csv_import(request)
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text = decode_upload(form.cleaned_data["file"].read())
                plan = self.csv_plan(text)
            except CsvFileError as exc:
                return self._csv_upload_page(request, form, error=exc)
            return self._csv_preview_page(request, text=text, plan=plan)
        return self._csv_upload_page(request, form)

    def csv_plan(self, text: str) -> CsvPlan:
        planner = plan_topics_csv if self.csv_kind == "topics" else plan_tasks_csv
        return planner(text=text)

    def _csv_session_key(self) -> str:
        return f"tasks:csv-import:{self.csv_kind}"

    def _confirm_csv_import(self, request: HttpRequest) -> HttpResponse:
        opts = self.model._meta
        # The text waits in the (server-side) session, one upload per kind; the form carries
        # only a signed reference to it and to the plan that was shown.
        pending = request.session.get(self._csv_session_key())
        try:
            if not isinstance(pending, dict):
                raise PreviewRefused("No upload is waiting to be imported: upload the file again.")
            text = pending["text"]
            fingerprint = read_preview(
                token=str(request.POST[CONFIRM_FIELD]),
                kind=self.csv_kind,
                upload_id=pending["id"],
                text=text,
            )
        except PreviewRefused as exc:
            return self._csv_upload_page(request, CsvUploadForm(), refused=str(exc), status=400)
        try:
            result = apply_previewed_csv(kind=self.csv_kind, text=text, fingerprint=fingerprint)
        except StalePlan as stale:
            return self._csv_preview_page(request, text=text, plan=stale.plan, stale=True)
        except CsvFileError as exc:
            request.session.pop(self._csv_session_key(), None)
            return self._csv_upload_page(request, CsvUploadForm(), error=exc, status=409)
        request.session.pop(self._csv_session_key(), None)
        self.message_user(
            request, f"Imported {opts.verbose_name_plural}: {result}.", messages.SUCCESS
        )
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def _csv_upload_page(
        self,
        request: HttpRequest,
        form: CsvUploadForm,
        *,
        error: CsvFileError | None = None,
        refused: str = "",
        status: int = 200,
    ) -> HttpResponse:
        opts = self.model._meta
        errors = error.errors if error else []
        total_errors = error.total if error else 0
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Import {opts.verbose_name_plural} from CSV",
            "form": form,
            "errors": errors,
            "more_errors": total_errors - len(errors),
            "total_errors": total_errors,
            "refused": refused,
            "columns": self.csv_columns,
        }
        return TemplateResponse(request, "admin/tasks/csv_import.html", context, status=status)

    def _csv_preview_page(
        self, request: HttpRequest, *, text: str, plan: CsvPlan, stale: bool = False
    ) -> HttpResponse:
        opts = self.model._meta
        upload_id = secrets.token_urlsafe(16)
        request.session[self._csv_session_key()] = {"id": upload_id, "text": text}
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Import {opts.verbose_name_plural} from CSV: preview",
            "plan": plan,
            "stale": stale,
            "shown": PREVIEW_ROWS_SHOWN,
            "sections": [
                (name, rows[:PREVIEW_ROWS_SHOWN], len(rows) - PREVIEW_ROWS_SHOWN)
                for name, rows in (
                    ("create", plan.created),
                    ("update", plan.updated),
                    ("leave unchanged", plan.unchanged),
                )
            ],
            "confirm_field": CONFIRM_FIELD,
            "confirm_token": sign_preview(plan=plan, text=text, upload_id=upload_id),
        }
        return TemplateResponse(
            request, "admin/tasks/csv_preview.html", context, status=409 if stale else 200
        )


@admin.register(Topic)
class TopicAdmin(CsvModelAdmin):
    list_display = ("name", "slug", "source", "task_count")
    list_filter = (SourceFilter,)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    csv_columns = TOPIC_CSV_FIELDS
    csv_filename = "topics"
    csv_kind = "topics"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Topic]:
        return super().get_queryset(request).annotate(_task_count=Count("tasks"))

    @admin.display(description="tasks", ordering="_task_count")
    def task_count(self, topic: Topic) -> int:
        return topic._task_count  # type: ignore[attr-defined]  # annotated by get_queryset

    def csv_rows(self, queryset: QuerySet, out: io.StringIO) -> int:
        return write_topics_csv(topics=queryset.order_by("slug").iterator(), out=out)


@admin.register(Task)
class TaskAdmin(CsvModelAdmin):
    form = TaskAdminForm
    change_list_template = "admin/tasks/task_change_list.html"
    list_display = (
        "slug", "title", "topic", "difficulty", "answer_kind", "source", "is_active", "retired",
    )  # fmt: skip
    list_filter = ("topic", "difficulty", "answer_kind", SourceFilter, "is_active", "retired")
    list_select_related = ("topic",)
    search_fields = ("slug", "title", "statement", "concept", "external_id")
    autocomplete_fields = ("topic",)
    readonly_fields = ("created_at", "updated_at", "retired", "preview")
    list_per_page = 50
    csv_columns = TASK_CSV_FIELDS
    csv_filename = "tasks"
    csv_kind = "tasks"
    fieldsets = (
        (None, {"fields": ("topic", "slug", "title", "difficulty", "is_active", "concept")}),
        ("Question", {"fields": ("statement", "answer_kind", "solution")}),
        ("Numeric answer", {"fields": ("numeric_answer", "unit", "tolerance", "params")}),
        ("Multiple choice", {"fields": ("options", "correct_option")}),
        ("As students see it", {"fields": ("preview",)}),
        ("Import", {"fields": ("source", "external_id", "retired", "created_at", "updated_at")}),
    )

    class Media:
        css = {"all": ("tasks/admin_task.css",)}
        js = ("tasks/admin_task.js",)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="tasks_task_preview",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="preview")
    def preview(self, task: Task) -> str:
        return render_to_string(
            "admin/tasks/task_preview.html",
            {"task": task, "preview_url": reverse("admin:tasks_task_preview")},
        )

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The posted (unsaved) texts of a task, rendered as students see them."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        task = preview_task(request.POST)
        if task is None:
            return HttpResponseBadRequest("The texts are too long to preview.")
        return TemplateResponse(request, "admin/tasks/_task_preview.html", {"task": task})

    def csv_rows(self, queryset: QuerySet, out: io.StringIO) -> int:
        tasks = queryset.select_related("topic").order_by("slug").iterator(chunk_size=500)
        return write_tasks_csv(tasks=tasks, out=out)


def preview_task(data: Any) -> Task | None:
    """An unsaved task holding the posted texts (None when they are too long to render)."""
    texts = {name: str(data.get(name, "")) for name in ("title", "statement", "solution")}
    options = OptionsWidget().value_from_datadict(data, None, "options")
    size = sum(map(len, texts.values())) + sum(len(o["text"]) for o in options)
    if size > MAX_PREVIEW_CHARS:
        return None
    task = Task(
        **texts,
        answer_kind=str(data.get("answer_kind", "")),
        unit=str(data.get("unit", ""))[:40],
        options=options,
        correct_option=str(data.get("correct_option", ""))[:10],
    )
    for name in ("numeric_answer", "tolerance"):
        try:
            setattr(task, name, float(data.get(name, "")))
        except ValueError:
            pass  # half-typed: previewed without it
    return task


@admin.register(PracticeTask)
class PracticeTaskAdmin(StudentScopedAdmin, admin.ModelAdmin):
    list_display = (
        "id",
        "student_link",
        "task",
        "topic",
        "difficulty",
        "status",
        "is_correct",
        "seconds_taken",
        "hints_used",
        "assigned_at",
        "answered_at",
        "source",
    )
    list_filter = (
        ("student", admin.RelatedOnlyFieldListFilter),
        ("task__topic", admin.RelatedOnlyFieldListFilter),
        "task__difficulty",
        "status",
        "is_correct",
        SourceFilter,
    )
    list_select_related = ("student", "task", "task__topic")
    search_fields = ("student__username", "task__slug", "task__title", "external_key")
    raw_id_fields = ("student", "task")
    date_hierarchy = "assigned_at"
    show_full_result_count = False  # imported histories run to hundreds of thousands of rows
    readonly_fields = ("assigned_alternatives",)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "student/<int:user_id>/",
                self.admin_site.admin_view(self.student_history_view),
                name="tasks_practicetask_student_history",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="student", ordering="student__username")
    def student_link(self, practice: PracticeTask) -> str:
        url = reverse("admin:tasks_practicetask_student_history", args=[practice.student_id])
        return format_html('<a href="{}">{}</a>', url, practice.student)

    @admin.display(description="topic", ordering="task__topic__name")
    def topic(self, practice: PracticeTask) -> str:
        return practice.task.topic.name

    @admin.display(description="difficulty", ordering="task__difficulty")
    def difficulty(self, practice: PracticeTask) -> str:
        return practice.task.get_difficulty_display() or "—"

    def student_history_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Teachers: only their classes' students (another's id is a 404, as in the changelist).
        student = get_object_or_404(
            scope_to_students(User.objects.all(), request.user, field=""), pk=user_id
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Practice history: {student.get_username()}",
            "student": student,
            **student_history(student=student),
        }
        return TemplateResponse(request, "admin/tasks/student_history.html", context)


def student_history(*, student: UserModel) -> dict[str, Any]:
    """A student's totals, accuracy per topic and recent attempts: three queries."""
    attempts = PracticeTask.objects.for_student(student)
    done = Q(status=PracticeTask.Status.COMPLETED)
    totals = attempts.aggregate(
        total=Count("id"),
        completed=Count("id", filter=done),
        correct=Count("id", filter=done & Q(is_correct=True)),
        mean_seconds=Avg("seconds_taken", filter=done),
        first_answered=Min("answered_at"),
        last_answered=Max("answered_at"),
    )
    totals["pending"] = totals["total"] - totals["completed"]
    totals["accuracy"] = totals["correct"] / totals["completed"] if totals["completed"] else None
    per_topic: list[dict[str, Any]] = [
        dict(row)
        for row in attempts.filter(done)
        .values("task__topic_id", "task__topic__name")
        .annotate(
            attempts=Count("id"),
            correct=Count("id", filter=Q(is_correct=True)),
            mean_seconds=Avg("seconds_taken"),
            last_answered=Max("answered_at"),
        )
        .order_by("task__topic__name")
    ]
    for row in per_topic:
        row["accuracy"] = row["correct"] / row["attempts"] if row["attempts"] else None
    recent = list(
        attempts.select_related("task", "task__topic").order_by("-assigned_at", "-id")[
            :RECENT_ATTEMPTS
        ]
    )
    return {"totals": totals, "per_topic": per_topic, "recent": recent}


# The user's change page links to the history. Registered over Django's own UserAdmin;
# teachers see their classes' students only.
class StudentUserAdmin(StudentScopedAdmin, UserAdmin):
    student_field = ""
    change_form_template = "admin/tasks/user_change_form.html"
    actions = ["issue_password_reset_links", "unlock_login"]

    @admin.action(description="Issue a one-time password reset link", permissions=["change"])
    def issue_password_reset_links(self, request: HttpRequest, queryset: QuerySet) -> None:
        """For students without an e-mail address: a link the teacher passes on. It works
        once (Django's reset token changes with the password) and expires after
        PASSWORD_RESET_TIMEOUT."""
        from studysmart.services import password_reset_path

        for user in queryset.filter(is_active=True).order_by("username")[:50]:
            link = request.build_absolute_uri(password_reset_path(user=user))
            messages.success(
                request, format_html("Reset link for {}: <code>{}</code>", user.username, link)
            )

    @admin.action(description="Unlock login (forget failed log-ins)", permissions=["change"])
    def unlock_login(self, request: HttpRequest, queryset: QuerySet) -> None:
        from axes.utils import reset

        names = list(queryset.values_list("username", flat=True))
        cleared = sum(reset(username=name) for name in names)
        self.message_user(
            request, f"Unlocked {len(names)} account(s); {cleared} failure record(s) cleared."
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StudentUserAdmin)
