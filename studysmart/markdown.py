"""Markdown with LaTeX math, rendered server-side to sanitised HTML + MathML.

The one renderer of every text a student reads: task statements, options and worked solutions,
and the tutor's replies (streamed, stored and reloaded) all go through `render_markdown`, so the
same Markdown + math looks the same everywhere (a test compares them).

`$...$` is inline math and `$$...$$` display math, tokenised by mdit-py-plugins' dollarmath, so
Markdown never sees the LaTeX (underscores, asterisks and backslashes reach latex2mathml
untouched) and a `$` inside a code span stays code. Browsers render MathML natively: no
JavaScript, no CDN; nh3 sanitises the result.
"""

import functools
import html
import re
from collections.abc import Callable, Sequence
from typing import Any

import nh3
from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

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


def _render_math(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if token.type == "math_inline":
        return _mathml(token.content, display=False)
    mathml = _mathml(token.content, display=True)
    return mathml + "\n" if token.block else mathml


def _honour_silent(rule: Callable[[StateBlock, int, int, bool], bool]) -> Any:
    """The plugin's block rule pushes its token even when asked only whether it would match
    (`silent`, as a paragraph terminator does): match, then take the token back."""

    def rule_with_silent(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if not silent:
            return rule(state, start_line, end_line, False)
        tokens, line = len(state.tokens), state.line
        matched = rule(state, start_line, end_line, False)
        del state.tokens[tokens:]
        state.line = line
        return matched

    return rule_with_silent


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table")
    # Pandoc's rule keeps prices apart ("$5 and $10"): no space just inside the delimiters and
    # no digit against them. `$$…$$` inside a paragraph is display math too.
    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    # A line starting with `$$` opens display math even in the middle of a paragraph (as
    # teachers write it), so LaTeX continued on a line such as "+ m_2}" is never read as a list.
    block_rule = md.block.ruler.__rules__[md.block.ruler.__find__("math_block")].fn
    md.block.ruler.at(
        "math_block", _honour_silent(block_rule), {"alt": ["paragraph", "blockquote", "list"]}
    )
    # MathML straight from latex2mathml, without the plugin's <span>/<div> wrappers (whose
    # contents a client-side typesetter would fill): browsers render MathML natively.
    for rule in ("math_inline", "math_inline_double", "math_block"):
        md.add_render_rule(rule, _render_math)
    return md


_PARSER = _build_parser()


@functools.lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Render Markdown with `$`/`$$` LaTeX to sanitised HTML with MathML, ready to mark safe.

    Memoised: bank texts rarely change, and a page of tasks (or a reloaded chat) would otherwise
    convert the same formulas on every request."""
    html_text = nh3.clean(
        _PARSER.render(text),
        tags=set(MARKDOWN_TAGS | MATHML_TAGS),
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    # Keep inline math together with the punctuation right after it: browsers would otherwise
    # happily start a line with the full stop that ends a formula.
    return _MATH_THEN_PUNCTUATION.sub(r'<span class="nobr">\1\2</span>', html_text)


_MATH_THEN_PUNCTUATION = re.compile(
    r"(<math(?![^>]*display=\"block\")[^>]*>(?:(?!</math>).)*</math>)([.,;:!?)]+)", re.S
)


def render_markdown_inline(text: str) -> str:
    """As render_markdown, without the paragraph around a one-line text (option labels)."""
    html_text = render_markdown(text).strip()
    if html_text.startswith("<p>") and html_text.endswith("</p>") and html_text.count("<p>") == 1:
        return html_text[3:-4]
    return html_text
