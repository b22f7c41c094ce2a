"""How intake's views reach their records: through a case (`cases.access.case_view`) or,
for a signal, through `signal_view`. Both fetch, authorise and log the read before the view runs.

    @case_view(case_from=gesprek_case_uuid)        # /aanmeldingen/gesprek/<uuid:uuid>/...
    def gesprek_detail(request, case, uuid): ...

    @case_view(write=True, case_from=case_uuid_kwarg)   # /aanmeldingen/dossier/<uuid:case_uuid>/...
    def meldcode_steps(request, case): ...

    @signal_view()                                  # /aanmeldingen/<uuid:uuid>/
    def signal_detail(request, signal): ...

A signal linked to a case is case content: its read goes into that case's access log
through `cases.access.case_get_and_log_read` (flagged when through break-glass). A signal
not yet linked to a case (the team's inbox, before triage) is logged as a read of the
signal itself. Missing and forbidden answer 404 and log nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import User
from audit.models import AccessGround
from cases.access import case_get_and_log_read
from socialdomain.audit import audit_read

from . import selectors
from .models import Gesprek, Signal

# The purpose of reading an unlinked signal: deciding what to do with it.
SIGNAL_READ_PURPOSE = "triage"


def gesprek_case_uuid(kwargs: dict[str, Any]) -> UUID | None:
    """`case_from` for the gesprek routes: the case of the gesprek in the URL (None → 404).

    Not permission-filtered on purpose: `case_view` authorises the case it returns, and
    the view then fetches the gesprek *within* that case.
    """
    return Gesprek.objects.filter(uuid=kwargs["uuid"]).values_list("case__uuid", flat=True).first()


def case_uuid_kwarg(kwargs: dict[str, Any]) -> UUID | None:
    """`case_from` for routes that name the case as `case_uuid` (consumed)."""
    value: UUID | None = kwargs.pop("case_uuid", None)
    return value


def _signal_log_read(*, request: HttpRequest, signal: Signal) -> None:
    if signal.case_id is not None:
        # Case content: one entry in the case's own access log (the case is fetched and
        # authorised again; the signal was visible through it, so this cannot 404).
        case_get_and_log_read(request=request, uuid=signal.case.uuid)  # type: ignore[union-attr]
        return
    match = getattr(request, "resolver_match", None)
    audit_read(
        actor=request.user,
        obj=signal,
        case_uuid=None,
        view=match.view_name if match else "",
        purpose=SIGNAL_READ_PURPOSE,
        # An unlinked signal is visible only to casework members of its receiving team.
        ground=AccessGround.TEAM,
    )


def signal_get_for_user_and_log_read(*, request: HttpRequest, uuid: UUID | str) -> Signal:
    """The signal if the user may see it, with its read written; `Http404` otherwise."""
    user: User = request.user  # type: ignore[assignment]
    try:
        signal = selectors.signal_get_for_user(user=user, uuid=uuid)
    except (Signal.DoesNotExist, ValueError):
        raise Http404 from None
    _signal_log_read(request=request, signal=signal)
    return signal


def signal_view() -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view of one signal (URL keyword `uuid`, consumed): `view(request, signal, **kwargs)`.

    Exactly one read entry per request, written before the view runs: in the case's
    access log for a linked signal, on the signal itself otherwise.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            signal = signal_get_for_user_and_log_read(request=request, uuid=kwargs.pop("uuid"))
            return view(request, signal, *args, **kwargs)

        wrapper.signal_bound = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


def is_signal_view(callback: Callable[..., Any]) -> bool:
    """True for a view wrapped by `signal_view` (the URL-map test uses this)."""
    return bool(getattr(callback, "signal_bound", False))
