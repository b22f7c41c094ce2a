"""Money in Dutch notation: `{{ amount|euro }}` → "€ 1.234,56"."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def euro(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"€\u00a0{text}"
