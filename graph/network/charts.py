"""Small SVG bar charts written into the report page (no library, no script, no network).

>>> svg = bar_chart("Events", [("2021", 1), ("2025", 4)])
>>> svg.startswith("<svg") and "2025" in svg and "<script" not in svg
True
"""

from __future__ import annotations

import html
from collections.abc import Sequence

WIDTH, HEIGHT = 220, 130
TOP, BOTTOM, SIDE = 36, 22, 8
BAR = "#0072B2"
UNDATED_BAR = "#9a9a9a"


def bar_chart(title: str, values: Sequence[tuple[str, int]], note: str = "") -> str:
    """One small bar chart: a bar per year (grey for "undated"), the value above each bar."""
    e = html.escape
    n = max(len(values), 1)
    top = max((v for _, v in values), default=0) or 1
    step = (WIDTH - 2 * SIDE) / n
    plot = HEIGHT - TOP - BOTTOM
    parts = [f'<svg class="chart" role="img" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">',
             f"<title>{e(title)}: " + e(", ".join(f"{k} {v}" for k, v in values)) + "</title>",
             f'<text x="{SIDE}" y="14" class="chart-title">{e(title)}</text>',
             f'<line x1="{SIDE}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - SIDE}" '
             f'y2="{HEIGHT - BOTTOM}" stroke="#999"/>']
    for i, (year, value) in enumerate(values):
        h = round(plot * value / top, 1)
        x = round(SIDE + i * step + step * 0.15, 1)
        w = round(step * 0.7, 1)
        y = round(HEIGHT - BOTTOM - h, 1)
        colour = UNDATED_BAR if not year[:1].isdigit() else BAR
        parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}"/>')
        cx = round(x + w / 2, 1)
        parts.append(f'<text x="{cx}" y="{round(y - 3, 1)}" text-anchor="middle" '
                     f'class="chart-value">{value}</text>')
        parts.append(f'<text x="{cx}" y="{HEIGHT - 7}" text-anchor="middle" '
                     f'class="chart-year">{e(year)}</text>')
    if note:
        parts.append(f"<desc>{e(note)}</desc>")
    parts.append("</svg>")
    return "".join(parts)


CHART_CSS = (".charts{display:flex;flex-wrap:wrap;gap:12px;margin:0.5rem 0 1.5rem}"
             ".chart{border:1px solid #e3e1da;background:#fff}"
             ".chart-title{font:600 12px system-ui,sans-serif;fill:#222}"
             ".chart-value{font:11px system-ui,sans-serif;fill:#222}"
             ".chart-year{font:11px system-ui,sans-serif;fill:#555}")
