from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from studysmart import errors, views

# The admin's login gets the same bound on usernames as the site's.
admin.site.login_form = views.AdminLoginForm

# Django's own refusals in JSON for API clients (docs/errors.md), its pages for browsers.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    path("", include("tasks.urls")),
    path("models/", include("mlmodels.urls")),
    path("tutor/", include("tutor.urls")),
    path("classes/", include("classes.urls")),
    path("api/tutor/", include("tutor.api_urls")),
    path("api/health/", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.StudySmartLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/theme/", views.theme, name="theme"),
    # Password reset with Django's views (each allowed without a login); the e-mail goes to the
    # address given at sign-up. Accounts without one get a link from a teacher (the admin).
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
]
