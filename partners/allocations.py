"""Finding "an allocation of this client" for the writes of this module group.

One rule for requests (315) and progress reports, the one of
`partners.selectors.allocations_for_client` plus a row lock: the arrangement with that
public id, allocated (301) to the client's organisation, on a case of the client's
municipality, still or once running (allocated, started or stopped), and its household
member not under a processing restriction (AVG art. 18). Anything else is `Arrangement.DoesNotExist`, the same
for missing and for someone else's (the API answers 404 for both).
"""

from __future__ import annotations

import uuid as uuid_lib

from accounts.models import Organisation
from arrangements.constants import ArrangementStatus
from arrangements.models import Arrangement

SENT_STATUSES = (ArrangementStatus.ALLOCATED, ArrangementStatus.STARTED, ArrangementStatus.STOPPED)


def allocation_for_client(
    *, organisation: Organisation, municipality_id: int, allocation: str | uuid_lib.UUID, lock: bool = False
) -> Arrangement:
    """The client's allocation by public id, or `Arrangement.DoesNotExist` (also for a malformed id)."""
    try:
        public_id = allocation if isinstance(allocation, uuid_lib.UUID) else uuid_lib.UUID(str(allocation))
    except ValueError:
        raise Arrangement.DoesNotExist from None
    qs = Arrangement.objects.filter(
        uuid=public_id,
        provider=organisation,
        case__team__municipality_id=municipality_id,
        status__in=SENT_STATUSES,
        allocated_at__isnull=False,  # as partners.selectors.allocations_for_client
        member__person__processing_restricted=False,
    ).select_related("case", "item")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.get()
