"""Form helpers shared by the apps' views."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form that called it.

    Errors keyed by a field the form has go to that field; the rest (and plain,
    unkeyed errors) become non-field errors, so nothing a service says is lost.
    """
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
