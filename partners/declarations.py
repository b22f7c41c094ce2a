"""Declarations (iWmo/iJw 303) and their answer per line (304): validate, store, book.

`declaration_receive` takes a batch of lines from one provider (the API client's
organisation, in the client's municipality) and answers each line: accepted, or refused
with a reason code (`REASONS`, documented in docs/api.md). Accepted lines are booked as
budget actuals (`budget.actuals.actuals_book`, source "declaration_line" = the line's id)
in the same transaction; a refused line books nothing. A credit line (`credit_of`, the
provider's reference of an earlier accepted line) reverses that line exactly once.

Speed (≥ 2 000 lines/s, docs/performance.md): the whole batch is validated against data
fetched in a fixed number of queries — the allocations (row-locked in primary-key order,
so two batches on one allocation cannot both use the same remaining volume), their
tariffs, the volume already accepted per allocation and month, the earlier lines named
by reference, and the closed budget years — and stored with bulk inserts. The number of
queries does not grow with the number of lines (tests/partners/test_declarations.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid as uuid_lib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Case, F, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from arrangements.constants import ArrangementStatus, Frequency
from arrangements.models import Arrangement, Tariff
from budget.actuals import Actual, actuals_book
from budget.constants import BudgetStatus
from budget.models import Budget
from socialdomain.audit import audit_write
from socialdomain.bulk import insert_rows

from .declaration_models import Declaration, DeclarationLine, LineStatus

SOURCE_KIND = "declaration_line"
MAX_LINES = 5_000  # per batch: a month of a large provider fits; larger batches are split by the client
CENT = Decimal("0.01")
SEVEN = Decimal(7)

# Reason codes of the 304-style answer (iWmo-like four digits; docs/api.md lists them).
ACCEPTED = "0000"
REASONS: dict[str, object] = {
    "8001": _("De toewijzing is onbekend."),
    "8002": _("Voor deze toewijzing is (nog) geen start van zorg ontvangen."),
    "8003": _("Deze toewijzing is afgewezen of ingetrokken."),
    "8004": _("De periode ligt na de einddatum van de zorg."),
    "8005": _("De periode valt niet binnen één kalendermaand."),
    "8006": _("De periode valt buiten de periode van de toewijzing."),
    "8007": _("De productcode hoort niet bij de toewijzing."),
    "8008": _("Omvang en bedrag moeten groter dan nul zijn."),
    "8009": _("Voor de hele periode geldt niet één tarief; splits de regel bij de tariefwijziging."),
    "8010": _("Het bedrag is niet gelijk aan omvang maal het geldende tarief."),
    "8011": _("De omvang gaat boven de toegewezen omvang voor deze periode."),
    "8012": _("Deze referentie is al eerder gedeclareerd."),
    "8013": _("De regel die gecrediteerd wordt is onbekend."),
    "8014": _("Deze regel is al gecrediteerd."),
    "8015": _("De creditregel komt niet overeen met de oorspronkelijke regel."),
    "8016": _("Het begrotingsjaar van deze periode is afgesloten."),
    "8017": _("De periode ligt (deels) in de toekomst."),
}


@dataclass(frozen=True)
class LineIn:
    """One declared line, already parsed (types checked) by the API layer."""

    allocation: str  # the allocation's public id (the arrangement's uuid), as sent
    reference: str  # the provider's own unique number for the line
    period_start: dt.date
    period_end: dt.date  # >= period_start (the API layer refuses the rest as invalid input)
    product_code: str
    volume: Decimal
    amount: Decimal
    credit_of: str = ""  # reference of the accepted line this credit reverses


@dataclass(frozen=True)
class LineAnswer:
    position: int
    reference: str
    id: uuid_lib.UUID
    status: str  # LineStatus
    reason_code: str  # "0000" for accepted

    @property
    def reason(self) -> str:
        return "" if self.reason_code == ACCEPTED else str(REASONS[self.reason_code])


@dataclass(frozen=True)
class DeclarationAnswer:
    declaration: Declaration
    lines: tuple[LineAnswer, ...]

    @property
    def accepted(self) -> int:
        return sum(1 for line in self.lines if line.status == LineStatus.ACCEPTED)


ALLOC_FIELDS = (
    "pk",
    "uuid",
    "status",
    "start_date",
    "end_date",
    "stopped_on",
    "volume",
    "frequency",
    "item_id",
    "item__product_code",
    "item__law",
    "item__taakveld",
    "case__team_id",
    "case__household_id",
)


@dataclass(frozen=True, slots=True)
class Alloc:
    """What validating and booking a line needs of its allocation (`ALLOC_FIELDS`)."""

    pk: int
    uuid: uuid_lib.UUID
    status: str
    start_date: dt.date
    end_date: dt.date | None
    stopped_on: dt.date | None
    volume: Decimal | None
    frequency: str
    item_id: int
    product_code: str
    law: str
    taakveld: str
    team_id: int
    household_id: int


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _uuid_or_none(value: str) -> uuid_lib.UUID | None:
    try:
        return uuid_lib.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None


def _allocation_end(a: Arrangement | Alloc) -> dt.date | None:
    """The last day care may be declared: the stop date of a stopped one, else the end."""
    if a.status == ArrangementStatus.STOPPED and a.stopped_on is not None:
        return min(a.stopped_on, a.end_date) if a.end_date else a.stopped_on
    return a.end_date


def allowed_volume(a: Arrangement | Alloc, month: dt.date) -> Decimal:
    """The volume that may be declared on allocation `a` for the calendar month `month`
    (for "whole period" allocations: over the whole allocation), rounded to cents.

    per week: volume x days of the allocation in the month / 7; per month: volume x days of
    the allocation in the month / days of the month (a full month is the volume); whole
    period: the volume. Days count up to the stop date of a stopped allocation.
    """
    volume = a.volume or Decimal(0)
    if a.frequency == Frequency.WHOLE_PERIOD:
        return _round(volume)
    month_days = calendar.monthrange(month.year, month.month)[1]
    first = max(month, a.start_date)
    end = _allocation_end(a)
    last = month.replace(day=month_days)
    if end is not None:
        last = min(last, end)
    days = Decimal(max((last - first).days + 1, 0))
    if a.frequency == Frequency.PER_WEEK:
        return _round(volume * days / SEVEN)
    return _round(volume * days / Decimal(month_days))


def _tariff_for(tariffs: list[Tariff], start: dt.date, end: dt.date) -> Tariff | None:
    """The one tariff in force on every day of the period, or None."""
    for t in tariffs:
        if t.valid_from <= start and (t.valid_until is None or end <= t.valid_until):
            return t
    return None


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def declaration_receive(
    *, organisation: Organisation, municipality_id: int, client_id: str, lines: Sequence[LineIn]
) -> DeclarationAnswer:
    """Validate, store and book a batch of declaration lines; answer each line.

    Only allocations of `organisation` on cases of `municipality_id` are found: any other
    allocation is "unknown" (8001), the same answer as a missing one, so nothing reveals
    whether another provider's allocation exists. Audited once per batch
    (`partner_declaration_receive`, with organisation and client). Never raises for a
    line's content; the caller checks types and `len(lines) <= MAX_LINES`.
    """
    wanted = {u for u in (_uuid_or_none(line.allocation) for line in lines) if u is not None}
    # Lock the allocations in primary-key order (no deadlock between concurrent batches).
    # Plain tuples, not model instances: a batch reads thousands of them (docs/performance.md).
    allocations = {
        row[1]: Alloc(*row)
        for row in Arrangement.objects.select_for_update(of=("self",))
        .filter(uuid__in=wanted, provider=organisation, case__team__municipality_id=municipality_id)
        .order_by("pk")
        .values_list(*ALLOC_FIELDS)
    }
    tariffs: dict[int, list[Tariff]] = defaultdict(list)
    for t in Tariff.objects.filter(item_id__in={a.item_id for a in allocations.values()}).order_by("valid_from"):
        tariffs[t.item_id].append(t)
    # Net accepted volume per allocation and month (credits subtract): only the batch's
    # months, and every month of the "whole period" allocations.
    used: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    whole_used: dict[int, Decimal] = defaultdict(Decimal)
    whole_ids = [a.pk for a in allocations.values() if a.frequency == Frequency.WHOLE_PERIOD]
    if allocations and lines:
        first = min(_month(line.period_start) for line in lines)
        last = max(line.period_start for line in lines)
        volume_rows = (
            DeclarationLine.objects.filter(
                Q(period_start__gte=first, period_start__lte=last) | Q(arrangement_id__in=whole_ids),
                arrangement_id__in=[a.pk for a in allocations.values()],
                status=LineStatus.ACCEPTED,
            )
            .values_list("arrangement_id", "period_start")
            .annotate(net=Sum(Case(When(credit_of__isnull=True, then=F("volume")), default=-F("volume"))))
            .order_by()
        )
        for arrangement_id, period_start, net in volume_rows:
            used[(arrangement_id, _month(period_start))] += net
            whole_used[arrangement_id] += net
    # Earlier accepted lines named by these references (duplicates and credited originals).
    references = {line.reference for line in lines} | {line.credit_of for line in lines if line.credit_of}
    earlier = {
        line.reference: line
        for line in DeclarationLine.objects.filter(
            organisation=organisation, status=LineStatus.ACCEPTED, reference__in=references
        )
    }
    credited = set(
        DeclarationLine.objects.filter(
            status=LineStatus.ACCEPTED, credit_of_id__in=[line.pk for line in earlier.values()]
        ).values_list("credit_of_id", flat=True)
    )
    years = {line.period_start.year for line in lines}
    closed_years = set(
        Budget.objects.filter(municipality_id=municipality_id, year__in=years, status=BudgetStatus.CLOSED).values_list(
            "year", flat=True
        )
    )

    declaration = Declaration.objects.create(
        organisation=organisation, municipality_id=municipality_id, client_id=client_id, lines_total=len(lines)
    )
    seen_references: set[str] = set()
    credited_in_batch: set[str] = set()
    rows: list[DeclarationLine] = []
    for position, line in enumerate(lines):
        allocation = allocations.get(_uuid_or_none(line.allocation))  # type: ignore[arg-type]
        original: DeclarationLine | None = None
        code = ACCEPTED
        if allocation is None:
            code = "8001"
        elif line.reference in earlier or line.reference in seen_references:
            code = "8012"
        elif line.volume <= 0 or line.amount <= 0:
            code = "8008"
        elif line.period_start.year in closed_years:
            code = "8016"
        elif line.credit_of:
            original = earlier.get(line.credit_of)
            if original is None or original.credit_of_id is not None:
                code = "8013"
            elif original.pk in credited or line.credit_of in credited_in_batch:
                code = "8014"
            elif (
                original.arrangement_id != allocation.pk
                or (original.period_start, original.period_end) != (line.period_start, line.period_end)
                or original.volume != line.volume
                or original.amount != line.amount
                or original.product_code != line.product_code
            ):
                code = "8015"
        else:
            code = _check_debit(allocation, line, tariffs[allocation.item_id], used, whole_used)
        seen_references.add(line.reference)
        accepted = code == ACCEPTED
        if accepted and original is not None:
            credited_in_batch.add(line.credit_of)
            month = _month(line.period_start)
            used[(allocation.pk, month)] -= line.volume  # type: ignore[union-attr]
            whole_used[allocation.pk] -= line.volume  # type: ignore[union-attr]
        rows.append(
            DeclarationLine(
                declaration_id=declaration.pk,
                organisation_id=organisation.pk,
                position=position,
                # Refused lines keep their (own) allocation for history; another's is None.
                arrangement_id=allocation.pk if allocation is not None else None,
                reference=line.reference,
                period_start=line.period_start,
                period_end=line.period_end,
                product_code=line.product_code,
                volume=line.volume,
                amount=line.amount,
                credit_of_id=original.pk if accepted and original is not None else None,
                status=LineStatus.ACCEPTED if accepted else LineStatus.REFUSED,
                reason_code="" if accepted else code,
            )
        )
    _insert_lines(rows)

    by_pk = {a.pk: a for a in allocations.values()}
    actuals = []
    for row in rows:
        if row.status != LineStatus.ACCEPTED:
            continue
        a = by_pk[row.arrangement_id]  # type: ignore[index]
        sign = -1 if row.credit_of_id is not None else 1
        actuals.append(
            Actual(
                municipality_id=municipality_id,
                team_id=a.team_id,
                provider_id=organisation.pk,
                household_id=a.household_id,
                law=a.law,
                taakveld=a.taakveld,
                month=_month(row.period_start),
                amount=sign * row.amount,
                volume=sign * row.volume,
                source_id=row.pk,
                correction=row.credit_of_id is not None,
                item_id=a.item_id,
            )
        )
    actuals_book(actuals=actuals, source_kind=SOURCE_KIND, actor=None, organisation=organisation, client=client_id)
    declaration.lines_accepted = len(actuals)
    declaration.save(update_fields=["lines_accepted"])
    audit_write(
        actor=None,
        action="partner_declaration_receive",
        obj=declaration,
        changes={"lines_total": [None, len(rows)], "lines_accepted": [None, len(actuals)]},
        organisation=organisation,
        client=client_id,
    )
    answers = tuple(
        LineAnswer(
            position=row.position,
            reference=row.reference,
            id=row.uuid,
            status=row.status,
            reason_code=row.reason_code or ACCEPTED,
        )
        for row in rows
    )
    return DeclarationAnswer(declaration=declaration, lines=answers)


LINE_COLUMNS = (
    "uuid",
    "declaration_id",
    "organisation_id",
    "position",
    "arrangement_id",
    "reference",
    "period_start",
    "period_end",
    "product_code",
    "volume",
    "amount",
    "credit_of_id",
    "status",
    "reason_code",
)


def _insert_lines(rows: list[DeclarationLine]) -> None:
    """One multi-row INSERT of the new lines, setting their ids (socialdomain/bulk.py: no
    per-value preparation; values are of their column types, constraints are the database's)."""
    ids = insert_rows(
        DeclarationLine, LINE_COLUMNS, [[getattr(r, c) for c in LINE_COLUMNS] for r in rows], returning_ids=True
    )
    for line, pk in zip(rows, ids, strict=True):
        line.pk = line.id = pk
        line._state.adding = False


def _check_debit(
    a: Alloc,
    line: LineIn,
    tariffs: list[Tariff],
    used: dict[tuple[int, dt.date], Decimal],
    whole_used: dict[int, Decimal],
) -> str:
    """The reason code of a normal (debit) line, "0000" when it is accepted; on acceptance
    its volume is added to what is used, so later lines of the batch count it."""
    if a.status in (ArrangementStatus.REQUESTED, ArrangementStatus.GRANTED, ArrangementStatus.ALLOCATED):
        return "8002"
    if a.status == ArrangementStatus.REFUSED:
        return "8003"
    end = _allocation_end(a)
    if a.status == ArrangementStatus.STOPPED and end is not None and line.period_end > end:
        return "8004"
    if (line.period_start.year, line.period_start.month) != (line.period_end.year, line.period_end.month):
        return "8005"
    if line.period_end > timezone.localdate():  # care is declared after it was delivered
        return "8017"
    if line.period_start < a.start_date or (end is not None and line.period_end > end):
        return "8006"
    if line.product_code != a.product_code:
        return "8007"
    tariff = _tariff_for(tariffs, line.period_start, line.period_end)
    if tariff is None:
        return "8009"
    if _round(line.volume * tariff.amount) != line.amount:
        return "8010"
    month = _month(line.period_start)
    if a.frequency == Frequency.WHOLE_PERIOD:
        if whole_used[a.pk] + line.volume > allowed_volume(a, month):
            return "8011"
    elif used[(a.pk, month)] + line.volume > allowed_volume(a, month):
        return "8011"
    used[(a.pk, month)] += line.volume
    whole_used[a.pk] += line.volume
    return ACCEPTED
