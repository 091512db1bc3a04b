"""Server-rendered SVG charts (pure Python, no Django): skill levels over time, score trend.

The SVG is built from escaped text only; callers pass plain data and translated labels."""
from __future__ import annotations

import datetime
from html import escape

PALETTE = ["#2f4a8a", "#d97706", "#12703c", "#a4161a", "#7c3aed", "#0e7490", "#be185d", "#4d7c0f", "#92400e", "#334155"]


def _x_scale(start: datetime.date, end: datetime.date, left: float, right: float):
    span = max((end - start).days, 1)
    return lambda d: left + (right - left) * ((d - start).days / span)


def _month_ticks(start: datetime.date, end: datetime.date, max_ticks: int = 8):
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(datetime.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    step = max(1, -(-len(months) // max_ticks))
    return [d for d in months[::step] if d >= start] or [start]


def skill_history_svg(series, today: datetime.date, level_labels: dict[int, str], month_label,
                      title: str, width: int = 760, height: int = 300) -> str:
    """Step chart of levels (1–5) over time.

    `series`: list of (name, [(date, level or None), …]) sorted by date; None = skill removed.
    `month_label(date) -> str` formats the x-axis ticks (localised by the caller)."""
    series = [(name, pts) for name, pts in series if pts]
    left, right, top, bottom = 118, width - 16, 16, height - 34
    legend_rows = -(-len(series) // 3) if series else 0
    total_h = height + 14 + legend_rows * 22
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_h}" role="img" '
           f'aria-label="{escape(title)}" class="skill-chart"><title>{escape(title)}</title>']
    if not series:
        out.append("</svg>")
        return "".join(out)
    start = min(p[0] for _n, pts in series for p in pts)
    start = min(start, today - datetime.timedelta(days=30))
    x = _x_scale(start, today, left, right)

    def y(level):
        return bottom - (bottom - top) * ((level - 1) / 4)

    out.append(f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="#fafbfe"/>')
    for level in range(1, 6):
        yy = y(level)
        out.append(f'<line x1="{left}" x2="{right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#dde2ec"/>')
        out.append(f'<text x="{left - 8}" y="{yy + 4:.1f}" text-anchor="end" font-size="12" fill="#4a5570">'
                   f'{escape(level_labels.get(level, str(level)))}</text>')
    for tick in _month_ticks(start, today):
        xx = x(tick)
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{top}" y2="{bottom}" stroke="#eef1f6"/>')
        out.append(f'<text x="{xx:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" fill="#4a5570">'
                   f'{escape(month_label(tick))}</text>')
    n = len(series)
    for idx, (name, pts) in enumerate(series):
        colour = PALETTE[idx % len(PALETTE)]
        # Offset overlapping lines a little so that equal levels stay distinguishable.
        dy = (idx - (n - 1) / 2) * 2.2
        segments, current, prev = [], [], None
        for when, level in pts:
            if level is None:
                if current:
                    current.append((x(when), current[-1][1]))
                    segments.append(current)
                current, prev = [], None
                continue
            yy = y(level) + dy
            if prev is not None:
                current.append((x(when), prev))
            current.append((x(when), yy))
            prev = yy
        if current:
            current.append((x(today), current[-1][1]))
            segments.append(current)
        for seg in segments:
            d = " ".join(f"{px:.1f},{py:.1f}" for px, py in seg)
            out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2.5" '
                       f'stroke-linejoin="round" data-skill="{escape(name)}"/>')
        for when, level in pts:
            if level is not None:
                out.append(f'<circle cx="{x(when):.1f}" cy="{y(level) + dy:.1f}" r="3.5" fill="#fff" '
                           f'stroke="{colour}" stroke-width="2"><title>{escape(name)}: {level}/5 '
                           f'({when:%Y-%m-%d})</title></circle>')
    for idx, (name, _pts) in enumerate(series):
        colour = PALETTE[idx % len(PALETTE)]
        lx = left + (idx % 3) * ((right - left) / 3)
        ly = height + 16 + (idx // 3) * 22
        out.append(f'<rect x="{lx:.1f}" y="{ly - 9}" width="14" height="4" rx="2" fill="{colour}"/>')
        out.append(f'<text x="{lx + 20:.1f}" y="{ly - 3}" font-size="12.5" fill="#17203a">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)


def score_trend_svg(points, title: str, month_label, width: int = 360, height: int = 110) -> str:
    """Small line chart of monthly scores (0–100). `points`: [(date, Decimal|int)] sorted by date."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="{escape(title)}" class="trend-chart"><title>{escape(title)}</title>']
    if not points:
        out.append("</svg>")
        return "".join(out)
    left, right, top, bottom = 28, width - 10, 10, height - 22
    n = len(points)

    def px(i):
        return left + (right - left) * (i / max(n - 1, 1))

    def py(v):
        return bottom - (bottom - top) * (float(v) / 100)

    for v in (0, 50, 100):
        out.append(f'<line x1="{left}" x2="{right}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#eef1f6"/>')
        out.append(f'<text x="{left - 5}" y="{py(v) + 4:.1f}" text-anchor="end" font-size="10" fill="#4a5570">{v}</text>')
    coords = [(px(i), py(v)) for i, (_d, v) in enumerate(points)]
    area = f"{coords[0][0]:.1f},{bottom} " + " ".join(f"{a:.1f},{b:.1f}" for a, b in coords) + f" {coords[-1][0]:.1f},{bottom}"
    out.append(f'<polygon points="{area}" fill="#e8eefc"/>')
    out.append('<polyline points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
               + '" fill="none" stroke="#2f4a8a" stroke-width="2.5" stroke-linejoin="round"/>')
    for i, (d, v) in enumerate(points):
        out.append(f'<circle cx="{coords[i][0]:.1f}" cy="{coords[i][1]:.1f}" r="3" fill="#2f4a8a">'
                   f'<title>{escape(month_label(d))}: {int(round(float(v)))}/100</title></circle>')
        if i in (0, n - 1) or n <= 8:
            anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
            out.append(f'<text x="{coords[i][0]:.1f}" y="{height - 6}" text-anchor="{anchor}" font-size="10" '
                       f'fill="#4a5570">{escape(month_label(d))}</text>')
    out.append("</svg>")
    return "".join(out)
