"""Student pages of classes: join a class with its code, and the assigned-sets panel that
the dashboard shows (and fetches again when a new set is announced over /ws/updates/)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from classes import services

MAX_CODE_CHARS = 32


@require_POST
def join(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", "")[:MAX_CODE_CHARS]
    try:
        school_class = services.join_class(student=request.user, code=code)
    except services.JoinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You joined {school_class.name}.")
    return redirect("tasks:dashboard")


@never_cache
@require_GET
def assigned_sets(request: HttpRequest) -> HttpResponse:
    """The dashboard's "assigned by your teachers" panel on its own."""
    context = {"task_sets": services.student_task_sets(student=request.user)}
    return render(request, "classes/_assigned_sets.html", context)
