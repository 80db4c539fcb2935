"""Markdown with LaTeX math, rendered server-side to sanitised HTML + MathML.

`$...$` is inline math and `$$...$$` display math. Math is tokenised by markdown-it rules of its
own, so Markdown never sees the LaTeX (underscores, asterisks and backslashes reach latex2mathml
untouched) and a `$` inside a code span stays code. Browsers render MathML natively: no
JavaScript, no CDN.
"""

import html
import re
from collections.abc import Sequence

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

MARKDOWN_TAGS: frozenset[str] = frozenset(
    {
        "a", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
        "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
# Everything latex2mathml emits (see latex2mathml/commands.py), nothing that styles or links.
MATHML_TAGS: frozenset[str] = frozenset(
    {
        "math", "menclose", "mfrac", "mi", "mn", "mo", "mover", "mpadded", "mphantom", "mroot",
        "mrow", "ms", "mspace", "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd",
        "mtext", "mtr", "munder", "munderover", "none",
    }
)  # fmt: skip
MATHML_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "accent", "accentunder", "columnalign", "columnlines", "columnspacing", "depth",
        "display", "displaystyle", "fence", "form", "height", "largeop", "linebreak",
        "linethickness", "lspace", "mathsize", "mathvariant", "maxsize", "minsize",
        "movablelimits", "notation", "rowlines", "rowspacing", "rspace", "scriptlevel",
        "separator", "stretchy", "symmetric", "voffset", "width", "xmlns",
    }
)  # fmt: skip
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "code": {"class"},  # "language-…" from fences, "math-error" from us
    **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
}


# latex2mathml drops mathvariant="normal" for a single letter in \mathrm ("5\,\mathrm{s}" would
# show an italic s); an extra group keeps units upright.
_MATHRM_SINGLE_LETTER = re.compile(r"\\mathrm\{([A-Za-z])\}")


def _mathml(latex: str, *, display: bool) -> str:
    """Convert one formula; unsupported or malformed LaTeX becomes an escaped error span."""
    source = _MATHRM_SINGLE_LETTER.sub(r"\\mathrm{{\1}}", latex)
    try:
        mathml = latex_to_mathml(source, display="block" if display else "inline")
    except Exception:  # latex2mathml raises many unrelated types for malformed input
        mathml = ""
    # latex2mathml passes unknown commands through as text such as <mi>\foo</mi>; every command it
    # knows becomes an entity or element, so a backslash left in the output means "unsupported".
    if not mathml or "\\" in mathml:
        delimiter = "$$" if display else "$"
        escaped = html.escape(f"{delimiter}{latex}{delimiter}")
        return f'<code class="math-error">{escaped}</code>'
    return mathml


def _find_inline_close(src: str, start: int, end: int) -> int:
    """Index of the `$` closing inline math opened just before `start`, or -1.

    Pandoc's rule keeps prices apart ("$5 and $10"): no space just inside either delimiter and
    no digit right after the closing one.
    """
    if start >= end or src[start].isspace():
        return -1
    pos = start
    while (pos := src.find("$", pos, end)) != -1:
        escaped = src[pos - 1] == "\\"
        after = src[pos + 1] if pos + 1 < end else ""
        if not escaped and not src[pos - 1].isspace() and not after.isdigit() and pos > start:
            return pos
        pos += 1
    return -1


def _math_inline_rule(state: StateInline, silent: bool) -> bool:
    src, pos, end = state.src, state.pos, state.posMax
    if src[pos] != "$":
        return False
    if src.startswith("$$", pos):
        close = src.find("$$", pos + 2, end)
        if close == -1 or not src[pos + 2 : close].strip():
            return False
        token_type, content, new_pos = "math_display", src[pos + 2 : close], close + 2
    else:
        close = _find_inline_close(src, pos + 1, end)
        if close == -1:
            return False
        token_type, content, new_pos = "math_inline", src[pos + 1 : close], close + 1
    if not silent:
        token = state.push(token_type, "math", 0)
        token.content = content
        token.markup = "$$" if token_type == "math_display" else "$"
    state.pos = new_pos
    return True


def _math_block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """`$$` at the start of a line opens display math; the line ending in `$$` closes it."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    begin = state.bMarks[start_line] + state.tShift[start_line]
    first = state.src[begin : state.eMarks[start_line]].strip()
    if not first.startswith("$$"):
        return False
    rest = first[2:]
    if rest.endswith("$$") and "$$" not in rest[:-2] and rest[:-2].strip():
        lines, next_line = [rest[:-2]], start_line + 1
    elif "$$" in rest:
        return False  # "$$a$$ and more text": inline display math inside a paragraph
    else:
        lines, line = [rest], start_line + 1
        while True:
            if line >= end_line or state.isEmpty(line):
                return False  # unclosed: leave it to the paragraph as plain text
            text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].strip()
            if text.endswith("$$"):
                lines.append(text[:-2])
                break
            lines.append(text)
            line += 1
        next_line = line + 1
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = "\n".join(lines).strip()
    token.markup = "$$"
    token.map = [start_line, next_line]
    state.line = next_line
    return True


def _render_inline(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return _mathml(tokens[idx].content, display=False)


def _render_display(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return _mathml(tokens[idx].content, display=True)


def _render_block(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return _mathml(tokens[idx].content, display=True) + "\n"


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    md.inline.ruler.before("escape", "math_inline", _math_inline_rule)
    md.block.ruler.before(
        "fence", "math_block", _math_block_rule, {"alt": ["paragraph", "blockquote", "list"]}
    )
    md.add_render_rule("math_inline", _render_inline)
    md.add_render_rule("math_display", _render_display)
    md.add_render_rule("math_block", _render_block)
    return md


_PARSER = _build_parser()


def render_markdown(text: str) -> str:
    """Render Markdown with `$`/`$$` LaTeX to sanitised HTML with MathML, ready to mark safe."""
    return nh3.clean(
        _PARSER.render(text),
        tags=set(MARKDOWN_TAGS | MATHML_TAGS),
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
