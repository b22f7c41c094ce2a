from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget import services
from budget.constants import ReallocationStatus
from budget.models import LedgerEntry, Reallocation
from budget.selectors import line_positions
from tests.accounts.factories import MunicipalityFactory, UserFactory
from tests.budget.factories import BudgetFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    budget = BudgetFactory()
    return budget, BudgetLineFactory(budget=budget), BudgetLineFactory(budget=budget, law="wmo", taakveld="6.6")


def test_an_approved_reallocation_moves_money_between_lines(lines):
    budget, jeugd, wmo = lines
    requester, approver = UserFactory(), UserFactory()
    realloc = services.reallocation_request(
        actor=requester, budget=budget, from_line=jeugd, to_line=wmo, amount=Decimal("2500.00"), reason="Wmo loopt uit"
    )
    services.reallocation_decide(actor=approver, reallocation=realloc, approve=True)
    by_line = {p.line.pk: p.budget for p in line_positions(budget=budget)}
    assert by_line[jeugd.pk] == Decimal("97500.00") and by_line[wmo.pk] == Decimal("102500.00")


def test_a_self_approved_reallocation_is_refused(lines):
    budget, jeugd, wmo = lines
    requester = UserFactory()
    realloc = services.reallocation_request(
        actor=requester, budget=budget, from_line=jeugd, to_line=wmo, amount=Decimal("1.00"), reason="x"
    )
    with pytest.raises(ValidationError, match="vier ogen"):
        services.reallocation_decide(actor=requester, reallocation=realloc, approve=True)
    realloc.refresh_from_db()
    assert realloc.status == ReallocationStatus.REQUESTED and LedgerEntry.objects.count() == 0


def test_an_earmarked_line_refuses_a_reallocation_out(lines):
    budget, jeugd, wmo = lines
    jeugd.earmarked = True
    jeugd.save()
    with pytest.raises(ValidationError, match="geoormerkt"):
        services.reallocation_request(
            actor=UserFactory(), budget=budget, from_line=jeugd, to_line=wmo, amount=Decimal("1.00"), reason="x"
        )
    assert Reallocation.objects.count() == 0
    # Money may still flow *into* an earmarked line.
    services.reallocation_request(
        actor=UserFactory(), budget=budget, from_line=wmo, to_line=jeugd, amount=Decimal("1.00"), reason="x"
    )


@pytest.mark.parametrize("amount", ["0", "-10", "NaN"])
def test_a_reallocation_of_zero_negative_or_nan_is_refused(lines, amount):
    budget, jeugd, wmo = lines
    with pytest.raises(ValidationError):
        services.reallocation_request(
            actor=UserFactory(), budget=budget, from_line=jeugd, to_line=wmo, amount=Decimal(amount), reason="x"
        )
    assert Reallocation.objects.count() == 0


def test_a_reallocation_to_a_line_of_the_other_municipality_is_refused(lines):
    budget, jeugd, _wmo = lines
    foreign = BudgetLineFactory(budget=BudgetFactory(municipality=MunicipalityFactory()))
    with pytest.raises(ValidationError):
        services.reallocation_request(
            actor=UserFactory(), budget=budget, from_line=jeugd, to_line=foreign, amount=Decimal("1"), reason="x"
        )
    assert Reallocation.objects.count() == 0


def test_a_reallocation_is_decided_once(lines):
    budget, jeugd, wmo = lines
    realloc = services.reallocation_request(
        actor=UserFactory(), budget=budget, from_line=jeugd, to_line=wmo, amount=Decimal("1"), reason="x"
    )
    approver = UserFactory()
    services.reallocation_decide(actor=approver, reallocation=realloc, approve=True)
    with pytest.raises(ValidationError):
        services.reallocation_decide(actor=approver, reallocation=realloc, approve=True)
    assert LedgerEntry.objects.count() == 2
