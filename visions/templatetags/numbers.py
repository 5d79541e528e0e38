"""One way to write a quantity on every page, the projector and the PDF (built into every template)."""

from django import template

from visions.documents.charts import format_value

register = template.Library()


@register.filter
def number(value):
    """1630 → "1,630", 2.5 → "2.5", 0.125 → "0.13", None → "–" (the charts' and the PDF's format)."""
    if value in (None, ""):
        return format_value(None)
    try:
        return format_value(float(value))
    except (TypeError, ValueError):
        return value
