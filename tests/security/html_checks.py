"""Is this HTML inert? A parser-based check used by the XSS tests.

A payload is inert when, after the page is parsed the way a browser would tokenise it, it added
no script, no event-handler attribute and no script-bearing URL. Checking the parsed tree
rather than searching for strings catches payloads that survive in a new shape (an attribute
split off by an unescaped quote, say) and ignores the escaped text a student should see.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Tags that run code or embed another document.
ACTIVE_TAGS = frozenset({"script", "iframe", "object", "embed", "frame", "frameset", "base"})
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "background", "poster"}
)
_BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data:text/html)", re.IGNORECASE)
# Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag in ACTIVE_TAGS:
            src = dict(attrs).get("src") or ""
            # The site's own scripts: files from /static/ (and the admin's catalogue), never
            # inline code.
            if not (tag == "script" and src.startswith(OWN_SCRIPTS)):
                self.problems.append(f"<{tag} {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag}> has an event handler {name}={value!r}")
            if name in URL_ATTRIBUTES and value:
                if _BAD_SCHEME.match(_IGNORED_IN_SCHEME.sub("", value)):
                    self.problems.append(f"<{tag}> has a script URL {name}={value!r}")
        if tag == "meta" and "http-equiv" in names:
            self.problems.append(f"<meta http-equiv> {attrs}")

    handle_startendtag = handle_starttag


def active_content(html: str) -> list[str]:
    """Every script, event handler or script URL in ``html`` (the page's own static scripts
    excepted)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems


def assert_inert(html: str, *payload_markers: str) -> None:
    problems = active_content(html)
    assert not problems, problems
    for marker in payload_markers:
        # A marker may appear as escaped text, never as raw markup.
        assert marker not in html, f"{marker!r} appears unescaped"
