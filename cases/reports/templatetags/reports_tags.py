"""Server-side SVG bar charts: no JavaScript, no external library, nothing the strict
Content-Security-Policy would block (SVG presentation attributes, not style)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

BAR_HEIGHT = 22
LABEL_WIDTH = 260
BAR_WIDTH = 360


@register.simple_tag
def bar_chart(breakdown):
    rows = breakdown.rows
    if not rows:
        return ""
    top = max(value for _label, value in rows) or 1
    height = BAR_HEIGHT * len(rows) + 4
    width = LABEL_WIDTH + BAR_WIDTH + 60
    bars = format_html_join(
        "",
        '<g><text x="{}" y="{}" text-anchor="end" font-size="13">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#2f6fab"></rect>'
        '<text x="{}" y="{}" font-size="13">{}{}</text></g>',
        (
            (
                LABEL_WIDTH - 8, i * BAR_HEIGHT + 16, label,
                LABEL_WIDTH, i * BAR_HEIGHT + 4, max(1, round(BAR_WIDTH * value / top)),
                BAR_HEIGHT - 6,
                LABEL_WIDTH + max(1, round(BAR_WIDTH * value / top)) + 6, i * BAR_HEIGHT + 16,
                value, breakdown.unit,
            )
            for i, (label, value) in enumerate(rows)
        ),
    )  # fmt: skip
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        breakdown.title, width, height, width, height, mark_safe(bars),
    )  # fmt: skip
