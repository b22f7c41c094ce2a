"""Form helpers shared by the apps' views (and the admin).

`Form` / `ModelForm` are the base classes of every form of ours: they replace Django's
"---------" select placeholder by a Dutch one ("— Kies team —"); `PlaceholderAdminMixin`
does the same for the admin's forms and its action menu.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DJANGO_EMPTY_LABEL = "---------"


def select_placeholder(label: Any) -> str:
    """The Dutch placeholder for a field labelled "Team": "— Kies team —" (BSN stays BSN)."""
    text = str(label or "").strip().rstrip(":")
    if not text:
        return gettext("— Kies —")
    if len(text) > 1 and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    return gettext("— Kies %(label)s —") % {"label": text}


def apply_select_placeholder(field: forms.Field) -> None:
    """Give a single-choice field with Django's dashed empty choice a Dutch placeholder."""
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = select_placeholder(field.label)
        return
    if isinstance(field, forms.ChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]
        if choices and choices[0][0] in ("", None) and str(choices[0][1]) == DJANGO_EMPTY_LABEL:
            field.choices = [(choices[0][0], select_placeholder(field.label)), *choices[1:]]


class PlaceholderMixin:
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            apply_select_placeholder(field)


class Form(PlaceholderMixin, forms.Form):
    pass


class ModelForm(PlaceholderMixin, forms.ModelForm):
    pass


class PlaceholderAdminMixin:
    """For every ModelAdmin and inline of ours: Dutch select placeholders and action menu."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None:
            apply_select_placeholder(field)
        return field

    def get_action_choices(self, request, default_choices=None):  # type: ignore[no-untyped-def]
        return super().get_action_choices(  # type: ignore[misc]
            request, default_choices=[("", _("— Kies een actie —"))]
        )


class LabelledInlineMixin:
    """Tabular inlines show column headings, not <label>s: give every field of a row
    (the delete box included) its accessible name, so screen readers hear more than "selectievakje"."""

    def get_formset(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]

        class LabelledFormSet(formset):  # type: ignore[misc, valid-type]
            def add_fields(self, form, index):  # type: ignore[no-untyped-def]
                super().add_fields(form, index)
                row = gettext("nieuw") if index is None else str(index + 1)
                for field in form.fields.values():
                    if not field.widget.is_hidden:
                        field.widget.attrs["aria-label"] = f"{field.label} ({gettext('rij')} {row})"

        return LabelledFormSet


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
