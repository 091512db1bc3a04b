"""Server-rendered SVG charts (no JavaScript). Pure functions returning SVG markup strings.

Every chart is an <svg role="img"> with a <title> and a <desc> listing its values, so a screen reader
gets the numbers; text is escaped.
"""
from decimal import Decimal
from html import escape

PALETTE = ["#2f55a4", "#f2a900", "#1f8a5b", "#b3261e", "#6b4fa1", "#0f7c8c"]
INK, SOFT, GRID = "#1d2433", "#5b6478", "#e4e8f1"


def _num(value) -> float:
    return float(value or 0)


def _fmt(value, fmt) -> str:
    return fmt(value) if fmt else (f"{value}" if value is not None else "—")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _integer_max(value: float, intervals: int = 4) -> int:
    """The axis top for counts: ``intervals`` equal steps of a whole, round size (1, 2, 5, 10, 20, 25, 50, ...), so
    that every grid line is a whole number (a top of 1 made the lines 0.25, 0.5, 0.75, all printed "0")."""
    magnitude = 1
    while True:
        for step in (1, 2, 2.5, 5):
            size = step * magnitude
            if size == int(size) and size * intervals >= value:
                return int(size * intervals)
        magnitude *= 10


def _svg(width, height, title, desc, body, uid):
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-size="12">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>{body}</svg>'
    )


def bar_chart(items, *, title, uid, fmt=None, max_value=None, width=560, bar_height=26, color=PALETTE[0]):
    """Horizontal bars: items = [(label, value)]; values may be None (shown as —)."""
    label_w, right = 170, 70
    height = 16 + len(items) * (bar_height + 10)
    top = max([_num(v) for _, v in items] + [0])
    scale_max = float(max_value) if max_value is not None else _nice_max(top)
    plot = width - label_w - right
    parts = []
    for i, (label, value) in enumerate(items):
        y = 8 + i * (bar_height + 10)
        w = 0 if value is None else max(2.0, plot * min(_num(value), scale_max) / scale_max)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height / 2 + 4}" text-anchor="end" fill="{INK}">{escape(str(label))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{plot}" height="{bar_height}" rx="4" fill="{GRID}"/>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" rx="4" fill="{color}"/>'
            f'<text x="{label_w + plot + 8}" y="{y + bar_height / 2 + 4}" fill="{INK}" font-weight="700">'
            f'{escape(_fmt(value, fmt))}</text>'
        )
    desc = "; ".join(f"{label}: {_fmt(value, fmt)}" for label, value in items)
    return _svg(width, height, title, desc, "".join(parts), uid)


def column_chart(items, *, title, uid, fmt=None, width=560, height=240, color=PALETTE[0], y_label="", counts=False):
    """Vertical columns (e.g. a histogram): items = [(label, value)]; ``counts``: whole numbers on the axis."""
    return grouped_columns([label for label, _ in items], [(y_label or title, [v for _, v in items])],
                           title=title, uid=uid, fmt=fmt, width=width, height=height, colors=[color], legend=False,
                           counts=counts)


def grouped_columns(categories, series, *, title, uid, fmt=None, width=620, height=280, colors=PALETTE,
                    legend=True, axis_fmt=None, counts=False):
    """Vertical grouped columns: categories = [label]; series = [(name, [value per category])]."""
    left, right, bottom = 56, 12, 34
    legend_items, lx, ly = [], left, 4
    if legend:
        for s, (name, _vals) in enumerate(series):
            w = 30 + 6.6 * len(str(name))
            if lx + w > width - right and lx > left:
                lx, ly = left, ly + 18
            legend_items.append((lx, ly, s, name))
            lx += w
    top = 14 + (ly + 18 if legend else 0)
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [_num(v) for _, vals in series for v in vals]
    scale_max = _integer_max(max(values + [0])) if counts else _nice_max(max(values + [0]))
    parts = []
    for k in range(5):  # grid lines and axis labels
        v = scale_max * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{SOFT}">'
                     f'{escape((axis_fmt or fmt or _short)(v))}</text>')
    n_cat, n_ser = max(len(categories), 1), max(len(series), 1)
    group_w = plot_w / n_cat
    bar_w = min(46.0, (group_w - 14) / n_ser)
    for c, category in enumerate(categories):
        gx = left + c * group_w + (group_w - bar_w * n_ser) / 2
        for s, (_name, vals) in enumerate(series):
            value = vals[c] if c < len(vals) else None
            h = plot_h * _num(value) / scale_max
            x, y = gx + s * bar_w, top + plot_h - h
            parts.append(f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" height="{h:.1f}" rx="3" '
                         f'fill="{colors[s % len(colors)]}"/>')
            if value is not None:
                parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{INK}" '
                             f'font-size="11">{escape(_fmt(value, fmt))}</text>')
        parts.append(f'<text x="{left + c * group_w + group_w / 2:.1f}" y="{height - bottom + 18}" '
                     f'text-anchor="middle" fill="{INK}">{escape(str(category))}</text>')
    for x, y, s, name in legend_items:
        parts.append(f'<rect x="{x:.0f}" y="{y}" width="12" height="12" rx="2" fill="{colors[s % len(colors)]}"/>'
                     f'<text x="{x + 17:.0f}" y="{y + 10}" fill="{INK}">{escape(str(name))}</text>')
    desc = "; ".join(
        f"{category}: " + ", ".join(f"{name} {_fmt(vals[c] if c < len(vals) else None, fmt)}" for name, vals in series)
        for c, category in enumerate(categories)
    )
    return _svg(width, height, title, desc, "".join(parts), uid)


def _short(value) -> str:
    value = float(value)
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if value >= 1000:
        return f"{value / 1000:g}k"
    return f"{value:g}"


def percent(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.0f} %"
