"""The admin's CSV import as a browser drives it: upload (a dry-run preview), then confirm."""

from __future__ import annotations

import html
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

_CONFIRM = re.compile(r'name="confirm" value="([^"]+)"')


def upload_csv(client: Client, url: str, text: str | bytes, **extra: Any) -> Any:
    data = text.encode() if isinstance(text, str) else text
    upload = SimpleUploadedFile("upload.csv", data, content_type="text/csv")
    return client.post(url, {"file": upload, **extra})


def confirm_token(preview: Any) -> str | None:
    """The signed token of the preview page's confirm form, or None when it has none."""
    match = _CONFIRM.search(preview.content.decode())
    return html.unescape(match.group(1)) if match else None


def confirm_csv(client: Client, url: str, preview: Any, **extra: Any) -> Any:
    token = confirm_token(preview)
    assert preview.status_code == 200 and token, preview.content.decode()[-3000:]
    return client.post(url, {"confirm": token, **extra})


def import_csv(client: Client, url: str, text: str | bytes) -> Any:
    """Upload and confirm; a file with problems returns its upload page (no confirm form)."""
    preview = upload_csv(client, url, text)
    if confirm_token(preview) is None:
        return preview
    return confirm_csv(client, url, preview)
