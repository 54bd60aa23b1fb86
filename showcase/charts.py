"""Bar charts as inline SVG, made at build time (no JavaScript, no chart library).

Each chart is an `<svg role="img">` named by its own `<title>` and described by a
`<desc>` that states every figure, so a screen reader gets the data; the page also
shows the same figures as a table. Values are written next to every bar and
in-progress bars are hatched *and* labelled, so nothing is told by colour alone.
Colours have at least 4.5:1 contrast against white.
"""

from __future__ import annotations

from markupsafe import Markup, escape

BAR = "#0b4f8a"  # 8.6:1 on white
TEXT = "#1f2328"
MUTED = "#505a64"  # 7:1 on white
QUOTA = "#a3161a"


def _text(x: float, y: float, content: str, *, anchor: str = "start", weight: str = "normal", fill: str = TEXT,
          size: int = 14) -> str:
    return (f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" font-size="{size}" font-weight="{weight}" '
            f'fill="{fill}">{escape(content)}</text>')


def bar_chart(chart_id: str, title: str, description: str, bars: list[dict],
              marker: dict | None = None) -> Markup:
    """Horizontal bars, one per item: {label, value, note?, open?}. `marker`: {value, label} draws a reference line."""
    width, left, right, label_gap, bar_height, row = 640, 8, 96, 20, 18, 50
    top = 10
    height = top + row * max(len(bars), 1) + (26 if marker else 6)
    largest = max([bar["value"] for bar in bars] + [marker["value"] if marker else 0, 1])
    span = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{BAR}" stroke-width="3"/></pattern></defs>',
    ]
    for index, bar in enumerate(bars):
        y = top + index * row
        parts.append(_text(left, y + 14, bar["label"], weight="600"))
        length = span * bar["value"] / largest
        fill = f"url(#{chart_id}-hatch)" if bar.get("open") else BAR
        parts.append(f'<rect x="{left}" y="{y + label_gap:g}" width="{max(length, 1):.1f}" height="{bar_height}" '
                     f'fill="{fill}" stroke="{BAR}" stroke-width="1"/>')
        note = f" {bar['note']}" if bar.get("note") else ""
        parts.append(_text(left + max(length, 1) + 6, y + label_gap + 14, f"{bar['value']}{note}", fill=TEXT))
    if marker:
        x = left + span * marker["value"] / largest
        bottom = top + row * len(bars)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{bottom}" stroke="{QUOTA}" stroke-width="2" '
                     f'stroke-dasharray="6 4"/>')
        parts.append(_text(x, bottom + 18, marker["label"], anchor="middle", fill=QUOTA, size=13))
    parts.append("</svg>")
    return Markup("".join(parts))


def describe(title: str, bars: list[dict], unit_word: str = "điển hình") -> str:
    """The figures in one sentence, for the chart's <desc>."""
    items = "; ".join(f"{bar['label']}: {bar['value']} {unit_word}{' ' + bar['note'] if bar.get('note') else ''}"
                      for bar in bars)
    return f"{title}. {items}." if items else f"{title}: chưa có số liệu."
