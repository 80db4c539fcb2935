"""What a teacher may see in the admin: their own classes and those classes' students, and
everything that belongs to those students (practice tasks, chats). Superusers see everything.

Here in the project package, and written with lookup paths only (a class's teachers and its
members, `classes.SchoolClass`), so that the tasks and tutor admins can use it without the
apps importing each other in a circle.

Every admin class that lists students' rows mixes in `StudentScopedAdmin`; its queryset is
what the changelist, the change view (another class's id → 404), the list filters built
from it (`RelatedOnlyFieldListFilter`), the autocomplete and the raw-id lookups all use.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse


def visible_students(user: Any) -> QuerySet[Any]:
    """The users whose data `user` may read in the admin: all for a superuser; for a teacher,
    the students of the classes they teach."""
    users = get_user_model().objects.all()
    if user.is_superuser:
        return users
    return users.filter(class_memberships__school_class__teachers=user).distinct()


def scope_to_students(queryset: QuerySet[Any], user: Any, *, field: str) -> QuerySet[Any]:
    """`queryset` narrowed to rows whose `field` (a user FK path, "" for users themselves) is
    one of the students `user` may see."""
    if user.is_superuser:
        return queryset
    if not field:
        return queryset.filter(pk__in=visible_students(user).values("pk"))
    return queryset.filter(**{f"{field}__in": visible_students(user).values("pk")})


class NotFoundAdmin(admin.ModelAdmin):
    """A ModelAdmin whose change, history and delete pages answer 404 for an id outside the
    user's queryset (Django redirects to the index with "doesn't exist" by default): a guessed
    id of another class's row looks exactly like one that never existed."""

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> HttpResponse:
        raise Http404(f"No {opts.verbose_name} with this id.")


class StudentScopedAdmin(NotFoundAdmin):
    """A ModelAdmin whose rows belong to students: teachers see those of their classes only."""

    # The path from the row to its student ("" when the row is the user).
    student_field = "student"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        return scope_to_students(queryset, request.user, field=self.student_field)
