"""Template context for every page."""

from __future__ import annotations

from django.http import HttpRequest

from studysmart.services import THEME_SESSION_KEY, theme_for

THEME_CHOICES = (("system", "Auto"), ("light", "Light"), ("dark", "Dark"))


def theme(request: HttpRequest) -> dict[str, object]:
    """The chosen colour theme, rendered into <html data-theme> so the page arrives in it
    (no flash of the other theme); "system" leaves it to prefers-color-scheme. Logging in
    copies the user's preference into the session, so a page reads no table for it; a session
    without it (one begun before the preference existed) reads the preference, not writing
    the session on a GET."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return {"theme": "system", "theme_choices": THEME_CHOICES}
    chosen = session.get(THEME_SESSION_KEY)
    if chosen is None:
        chosen = theme_for(user=user)
    return {"theme": chosen, "theme_choices": THEME_CHOICES}
