"""The shell every HTML report shares: one self-contained file, charts as inline SVG.

A report is a single HTML file that needs nothing at view time: no script, no CDN, no web
font, no image file beside it. Charts are drawn by matplotlib (the `svg` backend, no GUI) and
embedded as inline `<svg>`, with text kept as `<text>` (not glyph outlines) so titles and axis
labels can be read, searched and checked. The same input gives byte-identical output
(matplotlib's SVG ids are salted with a fixed string and its date metadata is dropped).

The page prints cleanly to A4 and Letter: its content is at most 180 mm wide (the narrower
printable width of the two with 12 mm margins leaves 186 mm), charts scale to that width,
and figures, tables' rows and headed sections are kept from breaking across pages.
"""

from __future__ import annotations

import html
import io
import re
import threading
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Cell", "chart", "esc", "figure", "money", "new_figure", "page", "table"]

Cell = str | int | Decimal | None

#: One lock around matplotlib: its rcParams are process-global (API jobs render in threads).
_MPL = threading.Lock()
#: Chart size in inches: 7 in (178 mm) fits A4 and Letter's printable width.
WIDTH_IN = 7.0

CSS = """
:root { --ink: #1d2330; --muted: #5b6474; --rule: #d7dbe2; --band: #f3f5f8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
  margin: 0 auto; padding: 16px; max-width: 180mm; }
h1 { font-size: 1.5em; margin: 0 0 .2em; }
h2 { font-size: 1.2em; margin: 1.4em 0 .4em; border-bottom: 1px solid var(--rule);
  break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.05em; margin: 1em 0 .3em; break-after: avoid; page-break-after: avoid; }
p, li { margin: .3em 0; }
.muted, figcaption, .note { color: var(--muted); }
.note { font-size: .9em; }
code, .sha { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .85em;
  overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 .8em; font-size: .82em; }
th, td { border-bottom: 1px solid var(--rule); padding: 2px 5px; text-align: right;
  white-space: nowrap; }
th { background: var(--band); font-weight: 600; }
th:first-child, td:first-child, td.text, th.text { text-align: left; white-space: normal; }
tr { break-inside: avoid; page-break-inside: avoid; }
figure { margin: .6em 0 1em; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .85em; margin-top: .2em; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; margin: .4em 0;
  font-size: .9em; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; }
.badge { display: inline-block; border: 1px solid var(--muted); border-radius: 3px;
  padding: 0 4px; font-size: .8em; color: var(--muted); }
@page { margin: 12mm; }
@media print {
  body { font-size: 9.5pt; padding: 0; max-width: none; }
  a { color: inherit; text-decoration: none; }
  section { break-before: auto; }
}
"""


def esc(x: object) -> str:
    return html.escape(str(x), quote=True)


def money(x: Cell, *, places: int = 2) -> str:
    """`1234567.5` → `1,234,567.50`; None → an en dash."""
    if x is None or x == "":
        return "–"
    d = Decimal(str(x))
    return f"{d:,.{places}f}"


def table(
    head: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    text_cols: int = 1,
    caption: str | None = None,
) -> str:
    """An HTML table; the first `text_cols` columns are left-aligned text, the rest numbers
    (a `Decimal` or a numeric string printed with thousands separators)."""
    out = ["<table>"]
    if caption:
        out.append(f"<caption class='note'>{esc(caption)}</caption>")
    out.append(
        "<thead><tr>"
        + "".join(
            f"<th{' class=text' if i < text_cols else ''} scope=col>{esc(h)}</th>"
            for i, h in enumerate(head)
        )
        + "</tr></thead><tbody>"
    )
    for r in rows:
        cells = []
        for i, c in enumerate(r):
            if i < text_cols:
                cells.append(f"<td class=text>{esc('' if c is None else c)}</td>")
            elif isinstance(c, Decimal) or (isinstance(c, str) and _NUM.fullmatch(c)):
                cells.append(f"<td>{esc(money(c, places=_places(str(c))))}</td>")
            else:
                cells.append(f"<td>{esc('–' if c is None else c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


_NUM = re.compile(r"-?\d+(\.\d+)?")


def _places(s: str) -> int:
    return len(s.split(".")[1]) if "." in s else 0


def chart(fig: Figure, *, ids: str) -> str:
    """Inline `<svg>` of a matplotlib figure: text as text, sized by the page (viewBox kept,
    fixed width/height dropped), deterministic bytes. Every id inside is prefixed with `ids`
    (and so are the references to it), so several charts share one page without clashes."""
    import matplotlib

    buf = io.StringIO()
    with (
        _MPL,
        matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mccredit", "svg.id": None}),
    ):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE: inline in HTML5
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", svg, count=1)
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, count=1, flags=re.S)
    svg = re.sub(r'(\bid="|url\(#|href="#)([^")]+)', rf"\1{ids}-\2", svg)
    return svg.replace("<svg", '<svg role="img"', 1)


def new_figure(height_in: float = 3.2, width_in: float = WIDTH_IN) -> Figure:
    """A matplotlib `Figure` (no pyplot, no GUI backend) in the reports' style."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    fig.set_facecolor("white")
    return fig


def figure(fig: Figure, *, fig_id: str, title: str, caption: str | None = None) -> str:
    """A chart in a `<figure class=chart>` with an id and an accessible title."""
    svg = chart(fig, ids=fig_id)
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return (
        f"<figure class=chart id='{esc(fig_id)}' aria-label='{esc(title)}'"
        f" data-title='{esc(title)}'>{svg}{cap}</figure>"
    )


def page(title: str, body: str, *, lang: str = "en") -> str:
    """The whole document: doctype, metadata, the CSS above, `body`."""
    return (
        f"<!doctype html>\n<html lang={lang}><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
