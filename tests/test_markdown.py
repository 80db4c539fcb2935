"""render_markdown: Markdown with $/$$ LaTeX as sanitised HTML + MathML (pure Python)."""

import pytest

from studysmart.markdown import render_markdown


def test_it_renders_inline_math_as_mathml() -> None:
    html = render_markdown("Energy is $E = mc^2$.")
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in html
    assert "<msup><mi>c</mi><mn>2</mn></msup>" in html
    assert "$" not in html


def test_it_renders_display_math_as_a_block() -> None:
    html = render_markdown("The integral\n\n$$\\int_0^T v\\,dt$$\n\nis the displacement.")
    assert 'display="block"' in html
    assert "<msubsup><mo>∫</mo><mn>0</mn><mi>T</mi></msubsup>" in html
    assert "<p>is the displacement.</p>" in html


def test_it_renders_multiline_display_math_inside_a_paragraph() -> None:
    html = render_markdown("Given\n$$\nx = \\frac{a}{b}\n$$\nwhere $b \\ne 0$.")
    assert html.count("<math") == 2
    assert "<mfrac>" in html
    assert "<p>where" in html and html.count('display="block"') == 1


def test_it_keeps_underscores_and_asterisks_inside_math() -> None:
    html = render_markdown("$a_1 * b_2 * c_3$ and $x_i*y_j$")
    assert "<em>" not in html
    assert "<msub><mi>a</mi><mn>1</mn></msub><mo>*</mo><msub><mi>b</mi><mn>2</mn></msub>" in html
    assert "<msub><mi>x</mi><mi>i</mi></msub><mo>*</mo><msub><mi>y</mi><mi>j</mi></msub>" in html


def test_it_keeps_backslashes_inside_math() -> None:
    html = render_markdown("$\\{x\\} \\, \\alpha$")
    assert "math-error" not in html
    assert "<mi>α</mi>" in html
    assert '<mo stretchy="false">{</mo><mi>x</mi><mo stretchy="false">}</mo>' in html
    assert '<mspace width="0.167em"></mspace>' in html


def test_it_still_renders_markdown_around_math() -> None:
    html = render_markdown("**Answer:** $v = 22\\,\\mathrm{m/s}$, see *above*.")
    assert "<strong>Answer:</strong>" in html
    assert "<em>above</em>" in html
    assert '<mi mathvariant="normal">m</mi>' in html


def test_it_keeps_single_letter_units_upright() -> None:
    html = render_markdown("$t = 5\\,\\mathrm{s}$")
    assert '<mi mathvariant="normal">s</mi>' in html


def test_it_renders_tables() -> None:
    html = render_markdown("| quantity | unit |\n|---|---|\n| $F$ | N |")
    assert "<table>" in html and "<td><math" in html


def test_it_leaves_dollar_amounts_and_code_alone() -> None:
    assert render_markdown("It costs $5 and $10.") == "<p>It costs $5 and $10.</p>\n"
    assert "<code>$x_1$</code>" in render_markdown("Write `$x_1$` for math.")
    assert render_markdown("A literal \\$ sign") == "<p>A literal $ sign</p>\n"


def test_it_strips_scripts() -> None:
    html = render_markdown("Hi <script>alert(1)</script> there\n\n<script>alert(2)</script>")
    assert "<script" not in html and "alert" not in html


def test_it_strips_event_handlers_and_style_attributes() -> None:
    html = render_markdown('<img src="x.png" onerror="alert(1)"> <b style="color:red">b</b>')
    assert "onerror" not in html and "alert" not in html
    assert "style=" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
    ],
)
def test_it_strips_javascript_links(text: str) -> None:
    html = render_markdown(text)
    assert 'href="javascript' not in html.lower()
    assert "<a href" not in html


def test_it_keeps_safe_links() -> None:
    html = render_markdown("[docs](https://example.org/x)")
    assert 'href="https://example.org/x"' in html


def test_it_sanitises_html_smuggled_through_latex() -> None:
    html = render_markdown(
        "$\\text{<script>alert(1)</script>}$ $\\href{javascript:alert(1)}{x}$ "
        "$\\style{color:red}{y}$ $\\class{evil}{z}$"
    )
    assert "<script" not in html and "alert" not in html
    assert "javascript" not in html and "style=" not in html and "evil" not in html


@pytest.mark.parametrize("latex", ["\\frac{1}{", "x^", "\\notacommand{x}", "\\left( x"])
def test_it_renders_bad_latex_as_an_escaped_error_without_raising(latex: str) -> None:
    html = render_markdown(f"Before ${latex}$ after <b>")
    assert '<code class="math-error">' in html
    assert "<math" not in html
    assert "Before" in html and "after" in html


def test_it_escapes_the_source_of_bad_latex() -> None:
    html = render_markdown("$\\frac{<img src=x onerror=alert(1)>}{$")
    assert "math-error" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html


def test_it_returns_an_empty_string_for_empty_input() -> None:
    assert render_markdown("") == ""
