"""Bar charts drawn on the server as SVG (no JavaScript, no build): presentation attributes
only, so the console's CSP (no inline styles) holds. Every label is escaped; each bar has a
<title> with its exact value, and the chart a role and label for screen readers (the table
under it holds the same figures)."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BAR_COLOUR = "#12355b"
TEXT_COLOUR = "#1b1b1b"


def bar_chart(bars: list[tuple[str, float]], title: str, *, width: int = 640,
              bar_height: int = 22, label_width: int = 220) -> Markup:
    """Horizontal bars, one per (label, value), longest value full width."""
    if not bars:
        return Markup("")
    top = max(value for _label, value in bars) or 1
    plot = width - label_width - 60
    height = len(bars) * (bar_height + 6) + 6
    parts = [f'<svg class="staff-chart" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for index, (label, value) in enumerate(bars):
        y = 6 + index * (bar_height + 6)
        length = max(1.0, plot * value / top) if value else 0.0
        middle = y + bar_height / 2 + 5
        parts.append(
            f'<text x="{label_width - 8}" y="{middle:.0f}" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(_short(label))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{BAR_COLOUR}"><title>{escape(label)}: {_number(value)}</title></rect>'
            f'<text x="{label_width + length + 6:.1f}" y="{middle:.0f}" font-size="13" '
            f'fill="{TEXT_COLOUR}">{_number(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(columns: list[tuple[str, float]], title: str, *, width: int = 640,
                 height: int = 180) -> Markup:
    """Vertical columns over time (one per day), with the first and last day written under."""
    if not columns:
        return Markup("")
    top = max(value for _label, value in columns) or 1
    step = width / len(columns)
    plot = height - 30
    parts = [f'<svg class="staff-chart" role="img" aria-label="{escape(title)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for index, (label, value) in enumerate(columns):
        bar = plot * value / top
        parts.append(f'<rect x="{index * step + 1:.1f}" y="{plot - bar + 4:.1f}" '
                     f'width="{max(step - 2, 1):.1f}" height="{bar:.1f}" fill="{BAR_COLOUR}">'
                     f'<title>{escape(label)}: {_number(value)}</title></rect>')
    first, last = columns[0][0], columns[-1][0]
    parts.append(f'<text x="0" y="{height - 6}" font-size="12" fill="{TEXT_COLOUR}">'
                 f'{escape(first)}</text><text x="{width}" y="{height - 6}" text-anchor="end" '
                 f'font-size="12" fill="{TEXT_COLOUR}">{escape(last)}</text>'
                 f'<text x="{width}" y="14" text-anchor="end" font-size="12" '
                 f'fill="{TEXT_COLOUR}">max {_number(top)}</text></svg>')
    return Markup("".join(parts))


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")
