"""Property tests of the disclosure control (reports/disclosure.py) on random tables."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reports import disclosure

MIN = 10
# Counts drawn so that small, zero and large cells all occur often.
count = st.one_of(st.just(0), st.integers(1, MIN - 1), st.integers(MIN, 60))
tables = st.integers(1, 6).flatmap(
    lambda cols: st.lists(st.lists(count, min_size=cols, max_size=cols), min_size=1, max_size=7)
)


def with_totals(body: list[list[int]]) -> list[list[int]]:
    """The body with a total column and a total row (as the reports publish them)."""
    rows = [[*r, sum(r)] for r in body]
    rows.append([sum(r[c] for r in rows) for c in range(len(rows[0]))])
    return rows


def lines(table: list[list[int]]) -> list[list[tuple[int, int]]]:
    """Every row and column of a table with totals, as (row, col) cells; the last is the total."""
    n_rows, n_cols = len(table), len(table[0])
    out = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    out += [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    return out


@settings(max_examples=300, deadline=None)
@given(body=tables)
def test_no_published_cell_lies_between_zero_and_the_minimum(body: list[list[int]]) -> None:
    table = with_totals(body)
    mask = disclosure.suppress_table(table, minimum=MIN, row_totals=True, column_totals=True)
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            if not mask[r][c]:
                assert not 0 < value < MIN


@settings(max_examples=300, deadline=None)
@given(body=tables)
def test_no_suppressed_cell_is_a_published_total_minus_the_published_cells_of_its_line(body: list[list[int]]) -> None:
    table = with_totals(body)
    mask = disclosure.suppress_table(table, minimum=MIN, row_totals=True, column_totals=True)
    for line in lines(table):
        *parts, total = line
        hidden = [cell for cell in line if mask[cell[0]][cell[1]]]
        # One hidden cell in a line would be the total minus the rest (or the sum of the parts).
        assert len(hidden) != 1
        if not mask[total[0]][total[1]]:
            for r, c in parts:
                if mask[r][c]:
                    others = sum(table[pr][pc] for pr, pc in parts if (pr, pc) != (r, c) and not mask[pr][pc])
                    hidden_others = [p for p in parts if p != (r, c) and mask[p[0]][p[1]]]
                    assert hidden_others, "the only hidden part of a line with a published total"
                    assert others <= table[total[0]][total[1]]


@settings(max_examples=200, deadline=None)
@given(body=tables)
def test_no_suppressed_cell_follows_from_all_the_totals_together(body: list[list[int]]) -> None:
    """Stronger than one line: combining every row and column equation determines no hidden cell."""
    table = with_totals(body)
    mask = disclosure.suppress_table(table, minimum=MIN, row_totals=True, column_totals=True)
    n_cols = len(table[0])
    flat_hidden = [m for row in mask for m in row]
    equations = []
    for line in lines(table):
        *parts, total = line
        equations.append([*((r * n_cols + c, 1) for r, c in parts), (total[0] * n_cols + total[1], -1)])
    assert disclosure._determined(equations, flat_hidden) == []
    for eq in equations:
        cells = [i for i, _ in eq if flat_hidden[i]]
        assert len(cells) != 1


@settings(max_examples=200, deadline=None)
@given(body=st.lists(st.lists(st.integers(MIN, 80), min_size=3, max_size=3), min_size=1, max_size=8))
def test_with_nothing_small_every_cell_is_published_as_the_raw_count(body: list[list[int]]) -> None:
    table = with_totals(body)
    mask = disclosure.suppress_table(table, minimum=MIN, row_totals=True, column_totals=True)
    assert not any(any(row) for row in mask)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(count, min_size=1, max_size=12))
def test_a_list_with_a_published_total_never_shows_one_lone_hidden_part(parts: list[int]) -> None:
    """The shape of the budget dashboard's rows (suppress_with_total)."""
    mask = disclosure.suppress_with_total(parts, minimum=MIN)
    assert len(mask) == len(parts) + 1  # the parts, then the total
    assert sum(mask) != 1
    assert all(m or not 0 < v < MIN for v, m in zip([*parts, sum(parts)], mask, strict=True))


def test_the_audit_finds_a_cell_fixed_by_three_equations_together() -> None:
    # a + b = 5, a + c = 7, b + c = 8: every line has two hidden cells, yet a = 2.
    eqs = [[(0, 1), (1, 1)], [(0, 1), (2, 1)], [(1, 1), (2, 1)]]
    assert disclosure._determined(eqs, [True, True, True]) == [0, 1, 2]
    # With a fourth unknown in one equation nothing is fixed any more.
    eqs[0] = [(0, 1), (1, 1), (3, 1)]
    assert disclosure._determined(eqs, [True, True, True, True]) == []


def test_the_flow_between_quarters_is_protected() -> None:
    # opened, closed, open at the end x (this quarter, previous quarter).
    table = [[3, 40], [20, 25], [100, 117]]
    flow = [[((2, 0), 1), ((2, 1), -1), ((0, 0), -1), ((1, 0), 1)]]
    mask = disclosure.suppress_table(table, minimum=MIN, extra=flow)
    assert mask[0][0]  # the small count
    # ...and one more of the four terms, so "open - previous open + closed" does not give it.
    assert sum(mask[r][c] for (r, c), _ in flow[0]) >= 2


def test_statistics_need_the_minimum_number_of_observations() -> None:
    assert disclosure.statistic(5, observations=MIN - 1, minimum=MIN) == (None, True)
    assert disclosure.statistic(5, observations=MIN, minimum=MIN) == (5, False)
    assert disclosure.statistic(None, observations=0, minimum=MIN) == (None, False)


def _split(total_parts: list[int], k: int) -> list[list[int]]:
    """Deal the same population over k rows another way (same column total)."""
    rows = [[0] for _ in range(k)]
    for i, v in enumerate(total_parts):
        rows[i % k][0] += v
    return rows


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(count, min_size=1, max_size=8), k=st.integers(1, 4))
def test_tables_of_one_population_hide_a_total_in_all_of_them(parts: list[int], k: int) -> None:
    """Signals by source and by triage route have the same total: hidden in one, hidden in all."""
    a = [*([v] for v in parts), [sum(parts)]]
    b = [*_split(parts, k), [sum(parts)]]
    mask_a, mask_b = disclosure.suppress_linked_tables([a, b], minimum=MIN)
    assert mask_a[-1][0] == mask_b[-1][0]
    for table, mask in ((a, mask_a), (b, mask_b)):
        assert sum(m[0] for m in mask) != 1
        assert all(m[0] or not 0 < row[0] < MIN for row, m in zip(table, mask, strict=True))
