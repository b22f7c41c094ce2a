"""Statistical disclosure control for published tables (docs/reports.md, "Disclosure control").

One implementation for every place that publishes counts about households or persons: the
quarterly and on-demand reports (`reports.figures`), the team benchmark
(`reports.benchmark`), and it is written so that the budget dashboard's small-cell rule
(`budget.selectors._suppress`) can call `suppress_with_total` instead of its own copy.

The rules:

1. **Primary suppression**: a count in (0, minimum) is not published (`minimum` is the
   setting `DISCLOSURE_MINIMUM`, default 10). Zero is published: "nobody" identifies nobody.
2. **Secondary suppression**: a table states which cells are tied by a published linear
   equation (a row or column with its total, the flow "open at the end = open at the end of
   the previous quarter + opened - closed"). No suppressed cell may be recoverable:
   - in every equation either no cell or at least two cells are suppressed (so "total minus
     the published others" never yields one hidden cell);
   - and, stronger, no hidden cell is determined by the *system* of equations together
     (exact rational Gaussian elimination over the hidden cells, `_determined`).
   The extra cells are chosen small first (the least information lost), deterministically
   (ties by position), so the same table always gets the same pattern.
3. **Statistics** (median, p90, averages) are published only over at least `minimum`
   observations (`statistic`); a rate derived from a suppressed count is suppressed.

Derived figures whose cells depend on a count (a cost beside the number of arrangements)
follow that count's suppression (`follow`): the pattern that protects the counts protects
any values laid out in the same shape.

We looked for a maintained implementation: sdcMicro and sdcTable (R) and tau-Argus (Java)
are the references; on PyPI there is no maintained Python package for cell suppression of
tabular data (see the report of this change), so it is this small module, proved with
property tests (tests/reports/test_disclosure_properties.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from django.conf import settings

# An equation: the cells it ties together, each with its coefficient (parts +1, the total -1;
# sum == 0). Cells are indices into one flat list of counts.
Equation = Sequence[tuple[int, int]]


def minimum() -> int:
    """The configured minimum count (DISCLOSURE_MINIMUM, default 10)."""
    return int(getattr(settings, "DISCLOSURE_MINIMUM", 10))


def is_small(count: int, minimum: int) -> bool:
    return 0 < count < minimum


def statistic(value: Decimal | int | None, *, observations: int, minimum: int) -> tuple[Decimal | int | None, bool]:
    """A median, percentile or average: published only over >= minimum observations.

    Returns (value, suppressed). Without observations there is nothing to hide: (None, False).
    """
    if observations == 0:
        return None, False
    if observations < minimum:
        return None, True
    return value, False


def suppress(
    counts: Sequence[int],
    equations: Iterable[Equation] = (),
    *,
    minimum: int,
    force: Sequence[bool] | None = None,
) -> list[bool]:
    """The suppression mask for `counts` (True: not published).

    `equations` lists the published linear relations between the cells. The result has
    no count in (0, minimum) unsuppressed, and no suppressed cell is determined by the
    published cells and the equations (rule 2 above).
    """
    eqs = [[(i, c) for i, c in eq if c] for eq in equations]
    eqs = [eq for eq in eqs if eq]
    hidden = [is_small(n, minimum) for n in counts]
    if force is not None:
        hidden = [h or bool(f) for h, f in zip(hidden, force, strict=True)]
    if not any(hidden):
        return hidden
    while True:
        changed = _two_per_equation(counts, eqs, hidden)
        determined = _determined(eqs, hidden)
        if not determined:
            return hidden
        # Hide one more cell in an equation of the first recoverable cell, then check again.
        target = determined[0]
        for eq in eqs:
            if any(i == target for i, _ in eq):
                pick = _cheapest(counts, [i for i, _ in eq if not hidden[i]])
                if pick is not None:
                    hidden[pick] = True
                    changed = True
                    break
        if not changed:  # pragma: no cover - every determined cell sits in an equation with a published cell
            return hidden


def suppress_with_total(counts: Sequence[int], *, minimum: int) -> list[bool]:
    """One list of parts and their published total (the budget dashboard's rows by team,
    provider or law). Returns the mask of the parts followed by the total's own flag: a
    total of 1..minimum-1 (or one that would give away a lone hidden part) is hidden too."""
    cells = [*counts, sum(counts)]
    n = len(counts)
    return suppress(cells, [[*((i, 1) for i in range(n)), (n, -1)]], minimum=minimum)


def suppress_table(
    counts: Sequence[Sequence[int]],
    *,
    minimum: int,
    row_totals: bool = False,
    column_totals: bool = False,
    extra: Iterable[Sequence[tuple[tuple[int, int], int]]] = (),
) -> list[list[bool]]:
    """A rows x columns table. `row_totals`: the last cell of each row is that row's total;
    `column_totals`: the last row holds the column totals. `extra` adds equations over
    (row, column) cells (e.g. the cases flow between quarters)."""
    n_rows = len(counts)
    n_cols = len(counts[0]) if n_rows else 0
    flat = [int(v) for row in counts for v in row]

    def ix(r: int, c: int) -> int:
        return r * n_cols + c

    equations: list[list[tuple[int, int]]] = []
    body_rows = n_rows - 1 if column_totals else n_rows
    body_cols = n_cols - 1 if row_totals else n_cols
    if row_totals:
        for r in range(n_rows):
            equations.append([*((ix(r, c), 1) for c in range(body_cols)), (ix(r, n_cols - 1), -1)])
    if column_totals:
        for c in range(n_cols):
            equations.append([*((ix(r, c), 1) for r in range(body_rows)), (ix(n_rows - 1, c), -1)])
    for eq in extra:
        equations.append([(ix(r, c), coef) for (r, c), coef in eq])
    mask = suppress(flat, equations, minimum=minimum)
    return [mask[r * n_cols : (r + 1) * n_cols] for r in range(n_rows)]


def suppress_linked_tables(
    tables: Sequence[Sequence[Sequence[int]]],
    *,
    minimum: int,
    force: Sequence[Sequence[Sequence[bool]]] | None = None,
) -> list[list[list[bool]]]:
    """Several tables of the same population, each with a total row (its last row), whose
    totals are the same number (signals by source, by entry point, by triage route; the
    arrangements by law, kind, provider and form). They are suppressed as one system: each
    column sums to its total, and the totals of one column are equal across the tables, so
    a total hidden in one table is never published in another."""
    offsets: list[int] = []
    flat: list[int] = []
    flat_force: list[bool] = []
    width = len(tables[0][0]) if tables and tables[0] else 0
    for t, table in enumerate(tables):
        offsets.append(len(flat))
        for r, row in enumerate(table):
            flat.extend(int(v) for v in row)
            flat_force.extend(bool(force[t][r][c]) if force is not None else False for c in range(len(row)))
    equations: list[list[tuple[int, int]]] = []
    for t, table in enumerate(tables):
        last = len(table) - 1
        for c in range(width):
            cells = [(offsets[t] + r * width + c, 1) for r in range(last)]
            equations.append([*cells, (offsets[t] + last * width + c, -1)])
            if t:
                first_total = offsets[0] + (len(tables[0]) - 1) * width + c
                equations.append([(offsets[t] + last * width + c, 1), (first_total, -1)])
    mask = suppress(flat, equations, minimum=minimum, force=flat_force)
    return [
        [mask[offsets[t] + r * width : offsets[t] + (r + 1) * width] for r in range(len(table))]
        for t, table in enumerate(tables)
    ]


def follow(mask: Sequence[bool], values: Sequence[Decimal | int | None]) -> list[Decimal | int | None]:
    """Values laid out like a suppressed count table: hidden where the count is hidden."""
    return [None if m else v for m, v in zip(mask, values, strict=True)]


# --- internals ---------------------------------------------------------------------------


def _cheapest(counts: Sequence[int], candidates: Sequence[int]) -> int | None:
    """The published cell that costs the least to hide: the smallest positive count, then a
    zero (hiding a zero protects less: a structural zero may be guessed), ties by position."""
    if not candidates:
        return None
    positive = [i for i in candidates if counts[i] > 0]
    pool = positive or list(candidates)
    return min(pool, key=lambda i: (counts[i], i))


def _two_per_equation(counts: Sequence[int], eqs: list[list[tuple[int, int]]], hidden: list[bool]) -> bool:
    """Until no equation has exactly one hidden cell, hide the cheapest published other cell."""
    changed = False
    again = True
    while again:
        again = False
        for eq in eqs:
            cells = [i for i, _ in eq]
            n_hidden = sum(hidden[i] for i in cells)
            if n_hidden == 1:
                pick = _cheapest(counts, [i for i in cells if not hidden[i]])
                if pick is not None:
                    hidden[pick] = True
                    changed = again = True
    return changed


def _determined(eqs: list[list[tuple[int, int]]], hidden: list[bool]) -> list[int]:
    """Hidden cells whose value follows from the equations and the published cells.

    Each equation restricted to the hidden cells is a row of a matrix A (the published
    cells move to the right-hand side). A hidden cell x_i is determined exactly when the
    unit vector e_i lies in A's row space, i.e. when a row of A's reduced row echelon form
    has its only non-zero entry in column i. Exact arithmetic with fractions.
    """
    unknowns = sorted({i for eq in eqs for i, _ in eq if hidden[i]})
    if not unknowns:
        return []
    col = {cell: k for k, cell in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for eq in eqs:
        row = [Fraction(0)] * len(unknowns)
        for i, coef in eq:
            if hidden[i]:
                row[col[i]] += coef
        if any(row):
            matrix.append(row)
    pivot_row = 0
    for c in range(len(unknowns)):
        pr = next((r for r in range(pivot_row, len(matrix)) if matrix[r][c] != 0), None)
        if pr is None:
            continue
        matrix[pivot_row], matrix[pr] = matrix[pr], matrix[pivot_row]
        p = matrix[pivot_row][c]
        matrix[pivot_row] = [v / p for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][c] != 0:
                f = matrix[r][c]
                matrix[r] = [a - f * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
        if pivot_row == len(matrix):
            break
    out = []
    for row in matrix[:pivot_row]:
        nonzero = [k for k, v in enumerate(row) if v != 0]
        if len(nonzero) == 1:
            out.append(unknowns[nonzero[0]])
    return sorted(out)
