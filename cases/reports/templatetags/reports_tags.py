"""Server-side SVG bar charts: no JavaScript, no external library, nothing the strict
Content-Security-Policy would block (SVG presentation attributes, not style).

Each row is its label on a line of its own with the bar and its value below it, so a
chart stays narrow; the chart scales down with its viewBox to the width of the screen
(`.chart` in cases.css: at most 100 % wide, height from the aspect ratio), and its
values are written the Russian way («86,0 %», «12 500»: intranet.formatting)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from intranet import formatting

register = template.Library()

WIDTH = 360  # the natural width of a chart, in pixels, unless a label needs more
ROW_HEIGHT = 42
FONT_SIZE = 15
CHAR_WIDTH = 9  # a generous average advance of a character at FONT_SIZE
VALUE_ROOM = 72  # room after the longest bar for its value («100,0 %»)


def chart_value(breakdown, value) -> str:
    if breakdown.unit == "%":
        return formatting.percent(value)
    return formatting.number(value)


@register.simple_tag
def bar_chart(breakdown):
    rows = breakdown.rows
    if not rows:
        return ""
    top = max(value for _label, value in rows) or 1
    width = max(WIDTH, max(CHAR_WIDTH * len(str(label)) for label, _value in rows) + 8)
    bar_room = width - VALUE_ROOM
    height = ROW_HEIGHT * len(rows)
    rows_svg = []
    for i, (label, value) in enumerate(rows):
        y, length = i * ROW_HEIGHT, max(1, round(bar_room * value / top))
        shown = chart_value(breakdown, value)
        rows_svg.append((y + 15, label, y + 21, length, length + 6, y + 34, shown))
    bars = format_html_join(
        "",
        '<g><text x="0" y="{}">{}</text>'
        '<rect x="0" y="{}" width="{}" height="16" fill="#2f6fab"></rect>'
        '<text x="{}" y="{}">{}</text></g>',
        rows_svg,
    )
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" preserveAspectRatio="xMinYMin meet" font-size="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        breakdown.title, width, height, width, height, FONT_SIZE, mark_safe(bars),
    )  # fmt: skip
