"""Bar charts made at build time (no JavaScript, no chart library): HTML labels, an SVG bar a row.

A chart is a `role="img"` block named by its own heading and described by a visually hidden
paragraph that states every figure, so a screen reader gets the data; the page also shows the same
figures as a table. Values are written next to every bar and in-progress bars are hatched *and*
labelled, so nothing is told by colour alone. Colours have at least 4.5:1 contrast against white.

Why this shape: one SVG scaled to the column (a viewBox) changed its type size with the screen, from
half the page's on a phone to more than it on a desktop, and a text in an SVG cannot wrap. Here the
labels are HTML (they wrap, in the page's font) and each bar is an SVG without a viewBox, drawn in
percentages of the row's width, so a chart is as wide as the text at any size; the quota line is drawn
across each bar, never across a label, and each value is painted last, over a white halo.
"""

from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#0b4f8a"  # 8.6:1 on white
QUOTA = "#a3161a"
ROW_HEIGHT, BAR_TOP, BAR_HEIGHT = 24, 3, 18


def _bar_row(chart_id: str, bar: dict, largest: int, marker: dict | None) -> str:
    share = 100 * bar["value"] / largest
    fill = f"url(#{chart_id}-hatch)" if bar.get("open") else BAR
    marks = [f'<rect x="0" y="{BAR_TOP}" width="{share:.2f}%" height="{BAR_HEIGHT}" fill="{fill}" stroke="{BAR}" '
             f'stroke-width="1"/>' if bar["value"] else
             f'<line x1="0.5" y1="{BAR_TOP}" x2="0.5" y2="{BAR_TOP + BAR_HEIGHT}" stroke="{BAR}" stroke-width="1"/>']
    if marker:
        at = 100 * marker["value"] / largest
        marks.append(f'<line x1="{at:.2f}%" y1="0" x2="{at:.2f}%" y2="{ROW_HEIGHT}" stroke="{QUOTA}" stroke-width="2" '
                     f'stroke-dasharray="6 4"/>')
    marks.append(f'<text x="{share:.2f}%" dx="6" y="{BAR_TOP + BAR_HEIGHT - 4}">{bar["value"]}</text>')
    label = escape(bar["label"]) + (Markup(' <span class="chart-note">') + escape(bar["note"]) + Markup("</span>")
                                    if bar.get("note") else "")
    return (f'<div class="chart-row"><div class="chart-label">{label}</div>'
            f'<svg class="chart-bar" width="100%" height="{ROW_HEIGHT}" aria-hidden="true">'
            f'{"".join(marks)}</svg></div>')


def bar_chart(chart_id: str, title: str, description: str, bars: list[dict],
              marker: dict | None = None, heading_level: int = 3) -> Markup:
    """Horizontal bars, one per item: {label, value, note?, open?}, under a heading of `heading_level`.
    `marker`: {value, label} draws a dashed reference line across the bars, explained below them."""
    largest = max([bar["value"] for bar in bars] + [marker["value"] if marker else 0, 1])
    heading = f"h{heading_level}"
    parts = [
        f'<{heading} id="{chart_id}-title" class="chart-title">{escape(title)}</{heading}>',
        f'<div class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<p id="{chart_id}-desc" class="visually-hidden">{escape(description)}</p>',
        f'<svg class="chart-defs" width="0" height="0" aria-hidden="true"><defs>'
        f'<pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="6" stroke="{BAR}" stroke-width="3"/>'
        f'</pattern></defs></svg>',
        *(_bar_row(chart_id, bar, largest, marker) for bar in bars),
    ]
    if marker:
        parts.append(f'<p class="chart-legend"><svg width="28" height="12" aria-hidden="true">'
                     f'<line x1="0" y1="6" x2="28" y2="6" stroke="{QUOTA}" stroke-width="2" stroke-dasharray="6 4"/></svg> '
                     f'{escape(marker["label"])}</p>')
    parts.append("</div>")
    return Markup("".join(parts))


def describe(title: str, bars: list[dict], unit_word: str = "điển hình") -> str:
    """The figures in one sentence, for the chart's <desc>."""
    items = "; ".join(f"{bar['label']}: {bar['value']} {unit_word}{' ' + bar['note'] if bar.get('note') else ''}"
                      for bar in bars)
    return f"{title}. {items}." if items else f"{title}: chưa có số liệu."
