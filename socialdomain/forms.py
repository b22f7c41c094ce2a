"""Form helpers shared by the apps' views (and the admin): the base classes, service errors
on the form, the input policy (`InputPolicyMixin`) and the one-time form token
(`FormTokenMixin`, `form_submitted_once`).

`Form` / `ModelForm` are the base classes of every form of ours: they replace Django's
"---------" select placeholder by a Dutch one ("— Kies team —"); `PlaceholderAdminMixin`
does the same for the admin's forms and its action menu. Combine them with the policy:
`class MyForm(InputPolicyMixin, FormTokenMixin, Form)`.
"""

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .validators import NoControlCharactersValidator

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


# --- The input policy of every form -------------------------------------------------------


class InputPolicyMixin(forms.BaseForm):
    """Put first in the bases of every form (`class MyForm(InputPolicyMixin, forms.Form)`).

    When the form is validated:
    - every text field (`forms.CharField` and subclasses) must declare a `max_length`
      (ImproperlyConfigured otherwise: each text field has a documented maximum, see
      `socialdomain.validators`), and refuses bidi and control characters
      (`NoControlCharactersValidator`, multi-line for a Textarea), naming the field;
    - errors on hidden fields (the form token, a version number) are repeated as non-field
      errors, because a hidden field has no place on the page to show its message.

    Fields added in a subclass's `__init__` (after `super().__init__`) are covered too:
    the policy is applied in `full_clean`, not at construction.
    """

    def _apply_input_policy(self) -> None:
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or getattr(field, "_input_policy", False):
                continue
            if isinstance(field, forms.UUIDField):  # its format is its check
                continue
            if field.max_length is None:
                raise ImproperlyConfigured(f"{type(self).__name__}.{name}: a text field needs a max_length")
            multiline = isinstance(field.widget, forms.Textarea)
            label = str(field.label) if field.label else None
            field.validators.append(NoControlCharactersValidator(multiline=multiline, label=label))
            field._input_policy = True  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        self._apply_input_policy()
        super().full_clean()
        if not self.is_bound:
            return
        for bound in self.hidden_fields():
            for error in self.errors.get(bound.name, []):
                self.add_error(
                    None,
                    _("Het formulier is onvolledig of verouderd (%(field)s: %(error)s) Laad de pagina opnieuw.")
                    % {"field": bound.label, "error": error},
                )


# --- One-time form token: a double submit saves once ----------------------------------------

FORM_TOKEN_FIELD = "form_token"  # noqa: S105 - a field name, not a secret


class FormTokenMixin(forms.Form):
    """A hidden one-time token (`form_token`): use with `form_submitted_once` in the view.

    A fresh token is rendered with every unbound form. Optional on purpose: a request
    without one (a script, an API client) is processed as before; every form the browser
    renders carries it, so a double click or a replayed POST is caught.
    """

    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4, label=_("formulier"))


class DuplicateSubmission(Exception):
    """The form with this token was already saved; `result_url` shows what it saved."""

    def __init__(self, result_url: str) -> None:
        super().__init__("form already submitted")
        self.result_url = result_url


@dataclass
class Submission:
    """Set `result_url` inside the block: where a repeated submit of this form is sent."""

    token: uuid.UUID | None
    result_url: str = ""


ALREADY_SAVED = _("Dit formulier was al verstuurd en is één keer opgeslagen. U ziet hier het resultaat.")


@contextmanager
def form_submitted_once(*, form: forms.BaseForm, user: Any) -> Iterator[Submission]:
    """Run the block (the service call) at most once per form token, in one transaction.

        try:
            with form_submitted_once(form=form, user=request.user) as once:
                contact = services.network_contact_add(...)
                once.result_url = reverse("cases:detail", kwargs={"uuid": case.uuid})
        except DuplicateSubmission as dup:
            messages.info(request, ALREADY_SAVED)
            return redirect(dup.result_url)

    A unique (user, token) row is inserted in the same transaction as the write: a
    concurrent second submit waits on the unique index and then sees the first's row;
    if the block raises (a ValidationError), the row is rolled back with the write, so
    the corrected form can be sent with the same token.
    """
    from accounts.models import FormSubmission  # infrastructure → app model, as socialdomain.audit does

    token = form.cleaned_data.get(FORM_TOKEN_FIELD)
    submission = Submission(token=token)
    with transaction.atomic():
        row = None
        if token is not None:
            try:
                with transaction.atomic():
                    row = FormSubmission.objects.create(user=user, token=token)
            except IntegrityError:
                first = FormSubmission.objects.filter(user=user, token=token).first()
                raise DuplicateSubmission(first.result_url if first else "") from None
        yield submission
        if row is not None and submission.result_url:
            row.result_url = submission.result_url
            row.save(update_fields=["result_url"])


def labelled_errors(form: forms.BaseForm) -> list[str]:
    """Every error of the form as one line, named after its field ("Plaats: Dit veld is vereist.").

    For places that show errors away from the fields (the gesprek autosave status, a
    flash message). Hidden fields' errors are already among the non-field errors
    (`InputPolicyMixin`), so they are not repeated.
    """
    lines = [str(e) for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if name == NON_FIELD_ERRORS or field is None or field.widget.is_hidden:
            continue
        lines += [f"{field.label or name}: {e}" for e in errors]
    return lines


# A double submit comes seconds apart; a tab reopened the next day renders a new token.
FORM_TOKEN_TTL = datetime.timedelta(days=2)


def form_submissions_purge(*, older_than: datetime.timedelta = FORM_TOKEN_TTL) -> int:
    """Delete used form tokens older than `older_than` (the beat task; safe to run twice).

    After that a replay of such an old form is saved again as a new record: by then
    it is a deliberate new submit, not a double click.
    """
    from accounts.models import FormSubmission

    deleted, _per_model = FormSubmission.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted
