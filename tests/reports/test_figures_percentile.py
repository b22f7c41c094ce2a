"""The median and p90 of the durations come from a per-day histogram (reports.figures._percentile):
the same answer as percentile_cont over the raw values."""

import statistics
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from reports.figures import _percentile


@given(days=st.lists(st.integers(0, 400), min_size=2, max_size=200), q=st.sampled_from([0.1, 0.25, 0.5, 0.9]))
def test_the_histogram_percentile_equals_percentile_cont_over_the_raw_values(days: list[int], q: float) -> None:
    s = sorted(days)
    pos = Fraction(str(q)) * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    exact = s[lo] + (s[hi] - s[lo]) * (pos - lo)
    expected = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert _percentile(dict(Counter(days)), q) == expected
    # and the same as the standard library's "inclusive" quantile (percentile_cont), within rounding
    reference = statistics.quantiles(days, n=100, method="inclusive")[round(q * 100) - 1]
    assert abs(float(expected) - reference) <= 0.05 + 1e-9


def test_no_observations_no_percentile() -> None:
    assert _percentile({}, 0.5) is None
    assert _percentile({7: 1}, 0.9) == Decimal("7.0")
