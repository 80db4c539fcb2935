"""The tutor's error: a code and a sentence safe to show the student."""

from __future__ import annotations

from studysmart.errors import ApiError

ERROR_MESSAGES = {
    "bad_request": "That message could not be understood.",
    "too_long": "That message is too long.",
    "rate_limited": "You're sending messages very quickly. Please wait a moment and try again.",
    "busy": "The tutor is still answering in this chat. Wait for it or press stop.",
    "not_found": "That chat does not exist.",
    "unavailable": "The tutor is unavailable right now. Please try again in a moment.",
    "internal": "Something went wrong on our side. Please try again.",
}


class TutorError(ApiError):
    """A reply could not be given. ``code`` is one of docs/errors.md, ``message`` is safe to
    show; the socket sends both in an ``error`` frame, the HTTP API as the JSON error shape."""

    def __init__(
        self, code: str, message: str | None = None, *, fields: dict[str, str] | None = None
    ) -> None:
        message = message or ERROR_MESSAGES.get(code, ERROR_MESSAGES["internal"])
        super().__init__(code, message, fields=fields)
