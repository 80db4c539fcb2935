from __future__ import annotations

import functools
import hmac
import ipaddress
from ipaddress import IPv4Network, IPv6Network
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from studysmart import health as health_checks
from studysmart import services
from studysmart.errors import error_response, json_methods, wants_json
from studysmart.lockout import client_ip

WELCOME = "Welcome to StudySmart AI API"


@login_not_required
@never_cache
@json_methods("GET")
def health(request: HttpRequest) -> JsonResponse:
    database = health_checks.check_database()
    if database["ok"]:
        queue = health_checks.check_queue()
        models = health_checks.check_models()
    else:
        # Both read the database too; report them as unknown rather than wait on more timeouts.
        queue = {"ok": False, "error": "database unreachable"}
        models = {"ok": False, "error": "database unreachable"}
    status = health_checks.overall_status(database, queue, models)
    body = {
        "message": WELCOME,
        "status": status,
        "database": database,
        "queue": queue,
        "models": models,
    }
    return JsonResponse(body, status=503 if status == "down" else 200)


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False,
        label="E-mail address (optional)",
        help_text="Only used to reset your password if you forget it.",
    )

    class_code = forms.CharField(
        label="Class code (optional)",
        required=False,
        max_length=32,
        help_text="From your teacher: you join their class and get the work they set.",
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")

    def __init__(self, *args: Any, throttle_key: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.throttle_key = throttle_key

    def clean_class_code(self) -> str:
        from classes.services import JoinError, find_class_by_code

        code = self.cleaned_data.get("class_code", "").strip()
        if code:
            try:
                find_class_by_code(code=code, throttle_key=self.throttle_key)
            except JoinError as exc:
                raise ValidationError(exc.message) from None
        return code


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("tasks:dashboard")
    # At sign-up there is no account yet: wrong class codes are counted per address.
    throttle_key = f"addr:{request.META.get('REMOTE_ADDR', '')}"
    form = SignupForm(request.POST or None, throttle_key=throttle_key)
    if request.method == "POST" and form.is_valid():
        from classes.services import JoinError, join_class

        code = form.cleaned_data["class_code"]
        try:
            with transaction.atomic():
                user = form.save()
                if code:
                    join_class(student=user, code=code, throttle_key=throttle_key)
        except JoinError as exc:  # the code was rotated a moment ago: no account either
            form.add_error("class_code", exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[services.THEME_SESSION_KEY] = services.theme_for(user=user)
            return redirect("tasks:dashboard")
    return render(request, "registration/signup.html", {"form": form})


class BoundedUsernameMixin:
    """Refuse an over-long username before authenticating.

    Django's AuthenticationForm sets the field's max_length after its validators are built, so
    without this a 100,000-character username reaches authenticate() and django-axes, whose
    255-character column overflows on PostgreSQL (a 500, not a form error).
    """

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]  # type: ignore[attr-defined]
        limit = self.fields["username"].max_length or 150  # type: ignore[attr-defined]
        if len(username) > limit:
            raise ValidationError(f"Usernames have at most {limit} characters.")
        return username


class LoginForm(BoundedUsernameMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedUsernameMixin, AdminAuthenticationForm):
    pass


@method_decorator(login_not_required, name="dispatch")
class StudySmartLoginView(LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # The chosen theme rides in the session: pages render it without a query.
        self.request.session[services.THEME_SESSION_KEY] = services.theme_for(user=form.get_user())
        return response


@require_POST
def theme(request: HttpRequest) -> HttpResponse:
    """Remember the colour theme (light, dark, or "system": as the device). static/studysmart/
    app.js sends it with fetch and switches at once; without JavaScript the form posts and the
    page comes back in the new theme."""
    chosen = request.POST.get("theme", "")
    try:
        services.set_theme(user=request.user, theme=chosen)
    except ValueError as exc:
        if wants_json(request):
            return error_response(
                status=400, code="bad_request", message=str(exc), fields={"theme": str(exc)}
            )
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    request.session[services.THEME_SESSION_KEY] = chosen
    if wants_json(request):
        return JsonResponse({"theme": chosen})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    return redirect(back)


@login_not_required
@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on pages without an icon link (the admin's)."""
    return redirect(static("studysmart/favicon.svg"), permanent=True)


def trusted_client_address(request: HttpRequest) -> str | None:
    """The client's address as far as it can be trusted, or None.

    Behind a proxy (BEHIND_PROXY), the entry it wrote in X-Forwarded-For, as the login lockout
    counts it. Without one, the connection's own address, unless a forwarded header came along:
    a daphne started with --proxy-headers would have taken the address from it, whoever sent it."""
    if settings.BEHIND_PROXY:
        return client_ip(request) or None
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return None
    return request.META.get("REMOTE_ADDR") or None


def metrics_access_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())
    address = trusted_client_address(request)
    if address is None:
        return False
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in allowed_networks(settings.METRICS_ALLOWED_IPS))


@functools.cache
def _networks(entries: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ipaddress.ip_network(e, strict=False) for e in entries)


def allowed_networks(entries: list[str]) -> tuple[IPv4Network | IPv6Network, ...]:
    return _networks(tuple(entries))


@login_not_required
@never_cache
@require_http_methods(["GET"])
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format (README "Operating it"): allowed addresses or a bearer token."""
    from prometheus_client import CONTENT_TYPE_LATEST

    from studysmart.metrics import exposition

    if not metrics_access_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
