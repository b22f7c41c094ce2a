"""One date format throughout: `{% load sd_format %}`.

- `{{ d|datum }}`: long form, "26 november 2026" (text, headings, detail pages)
- `{{ d|datum_kort }}`: short form, "26-11-2026" (dense tables)
- `{{ dt|datumtijd }}`: "26-11-2026 14:05" (log entries, timestamps; local time)

Nothing else: templates never pass their own format string to `|date`.
"""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


def _local(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def datum(value: dt.date | dt.datetime | None) -> str:
    return date_format(_local(value), "j F Y") if value else ""


@register.filter
def datum_kort(value: dt.date | dt.datetime | None) -> str:
    return date_format(_local(value), "d-m-Y") if value else ""


@register.filter
def datumtijd(value: dt.datetime | None) -> str:
    return date_format(_local(value), "d-m-Y H:i") if value else ""
