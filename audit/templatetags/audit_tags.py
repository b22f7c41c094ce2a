from django import template

from audit.labels import action_label as _action_label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """{{ event.action|action_label }} → the Dutch label of an audit action."""
    return _action_label(action)
