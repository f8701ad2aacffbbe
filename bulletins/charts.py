"""Server-side SVG line charts for the dashboard's trends: inline <svg> markup with presentation
attributes only (the Content-Security-Policy allows no inline style), the axis labels as <text>, and
each point's week and value in a <title> (read by screen readers, shown on hover). Values are
escaped; a week without a value (None) breaks the line."""
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 34


def _nice_max(value: float) -> float:
    """The top of the y axis: `value` rounded up to 1, 2 or 5 × a power of ten (at least 1)."""
    if value <= 1:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return f"{value:g}"


def line_chart(*, title: str, points: list[tuple[str, float | None]], unit: str = "", y_max: float | None = None,
               colour: str = "#1d4ed8", chart_id: str = "chart") -> SafeString:
    """An SVG line chart of (label, value) points, labels along the x axis (every other one when many)."""
    values = [v for _label, v in points if v is not None]
    top = y_max if y_max is not None else _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(points)

    def x(i: int) -> float:
        return round(LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1)

    def y(v: float) -> float:
        return round(TOP + plot_h - plot_h * (min(v, top) / top if top else 0), 1)

    parts = [format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title">'
        '<title id="{}-title">{}</title>', WIDTH, HEIGHT, chart_id, chart_id, title,
    )]
    # y axis: 0, half and top, with grid lines
    for tick in (0, top / 2, top):
        ty = y(tick)
        parts.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e4e7ec" stroke-width="1"/>'
            '<text x="{}" y="{}" text-anchor="end" font-size="10" fill="#475467">{}{}</text>',
            LEFT, ty, WIDTH - RIGHT, ty, LEFT - 4, round(ty + 3, 1), _number(round(tick, 1)), unit,
        ))
    parts.append(format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#98a2b3" stroke-width="1"/>', LEFT, TOP + plot_h, WIDTH - RIGHT, TOP + plot_h,
    ))
    # x axis labels: the week number (W47), every other one when there are many
    every = 2 if n > 8 else 1
    for i, (label, _value) in enumerate(points):
        if (n - 1 - i) % every == 0:
            short = label.split("-")[-1] if "-" in label else label
            parts.append(format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#475467">{}</text>', x(i), HEIGHT - BOTTOM + 14, short,
            ))
    # the line, broken where a week has no value
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_label, value) in enumerate(points):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(i)},{y(value)}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-linejoin="round"/>', " ".join(seg), colour,
            ))
    parts.append(format_html_join("", (
        '<circle cx="{}" cy="{}" r="3.5" fill="{}" stroke="#ffffff" stroke-width="1" class="trend-point">'
        '<title>{}: {}{}</title></circle>'
    ), ((x(i), y(v), colour, label, _number(v), unit) for i, (label, v) in enumerate(points) if v is not None)))
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))
