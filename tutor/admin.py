"""Admins edit the knowledge base here and download all content as files; chats are read-only
records. How teachers edit content: docs/content.md."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone

from studysmart.admin_scoping import StudentScopedAdmin
from tutor import knowledge_index
from tutor.models import Chat, ChatMessage, KnowledgeEntry


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):
    change_list_template = "admin/tutor/knowledgeentry_change_list.html"
    list_display = ("title", "slug", "topic", "embedder", "embedded_at", "updated_at")
    list_filter = ("topic", "embedder")
    search_fields = ("slug", "title", "keywords", "explanation")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("embedder", "embedding_dimensions", "embedded_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "topic", "keywords")}),
        ("Answer angles", {"fields": ("explanation", "example", "simpler", "alternative")}),
        ("More facets", {"fields": ("facets",), "classes": ("collapse",)}),
        ("Retrieval", {"fields": readonly_fields}),
    )
    actions = ("recompute_embeddings",)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "download-content/",
                self.admin_site.admin_view(self.download_content_view),
                name="tutor_knowledgeentry_download_content",
            ),
            *super().get_urls(),
        ]

    def download_content_view(self, request: HttpRequest) -> HttpResponse:
        """The question bank and the notes as the database holds them, in the `content/`
        format, as a zip built in memory (the server never writes into its code tree)."""
        from tutor.content import content_zip

        if not (self.has_view_permission(request) and request.user.has_perm("tasks.view_task")):
            raise PermissionDenied
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content_zip(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="content-{stamp}.zip"'
        return response

    def save_model(
        self, request: HttpRequest, obj: KnowledgeEntry, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        # The vectors follow the text: the embedder is refitted on the rows and every entry
        # re-embedded by the service, after the commit (not by a signal or save()).
        knowledge_index.refresh_embeddings_on_commit()

    def delete_model(self, request: HttpRequest, obj: KnowledgeEntry) -> None:
        super().delete_model(request, obj)
        knowledge_index.refresh_embeddings_on_commit()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        knowledge_index.refresh_embeddings_on_commit()

    @admin.action(description="Recompute embeddings of the selected entries")
    def recompute_embeddings(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = knowledge_index.embed_entries(entries=list(queryset))
        self.message_user(request, f"Recomputed {count} embeddings.")


class ChatMessageInline(admin.TabularInline):
    model = ChatMessage
    extra = 0
    can_delete = False
    fields = (
        "role", "status", "intent", "facet", "text", "passages", "prompt_tokens",
        "completion_tokens", "ttft_ms", "total_ms", "rating", "created_at",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Chat)
class ChatAdmin(StudentScopedAdmin, admin.ModelAdmin):
    list_display = ("__str__", "student", "topic", "created_at", "updated_at")
    list_select_related = ("student",)
    search_fields = ("title", "student__username", "topic")
    readonly_fields = ("student", "title", "topic", "practice_task", "created_at", "updated_at")
    inlines = (ChatMessageInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
