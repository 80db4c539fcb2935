"""The tutor's error: a code and a sentence safe to show the student."""

from __future__ import annotations

ERROR_MESSAGES = {
    "bad_request": "That message could not be understood.",
    "too_long": "That message is too long.",
    "rate_limited": "You're sending messages very quickly. Please wait a moment and try again.",
    "busy": "The tutor is still answering in this chat. Wait for it or press stop.",
    "not_found": "That chat does not exist.",
    "unavailable": "The tutor is unavailable right now. Please try again in a moment.",
    "internal": "Something went wrong on our side. Please try again.",
}


class TutorError(Exception):
    """A reply could not be given. ``code`` is a SPEC §7 error code, ``message`` is safe to show."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message or ERROR_MESSAGES.get(code, ERROR_MESSAGES["internal"])
        super().__init__(self.message)
