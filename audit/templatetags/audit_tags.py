from django import template

from audit.labels import action_label as _action_label
from audit.labels import target_label as _target_label
from audit.labels import view_label as _view_label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """{{ event.action|action_label }} → the Dutch label of an audit action."""
    return _action_label(action)


@register.filter
def view_label(view: str) -> str:
    """{{ event.view|view_label }} → the Dutch name of the screen of a read."""
    return _view_label(view)


@register.filter
def target_label(target_type: str) -> str:
    """{{ event.target_type|target_label }} → the Dutch name of the audited kind of record."""
    return _target_label(target_type)
