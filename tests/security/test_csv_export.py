import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from socialdomain.csv_export import csv_response, safe_cell


@pytest.mark.parametrize(
    "dangerous",
    ['=HYPERLINK("http://evil")', "+31 6 1234", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"],
)
def test_safe_cell_neutralises_each_dangerous_first_character(dangerous):
    assert safe_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize("harmless", ["Jansen", "Overleg met school", "3 kinderen", "a=b", "", "'al geciteerd"])
def test_safe_cell_leaves_harmless_text_alone(harmless):
    assert safe_cell(harmless) == harmless


def test_safe_cell_writes_numbers_dates_and_none_as_data():
    assert safe_cell(-5) == "-5"
    assert safe_cell(Decimal("-12.50")) == "-12.50"
    assert safe_cell(date(2026, 1, 31)) == "2026-01-31"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "ja"


def test_csv_response_defuses_every_cell_and_is_an_attachment():
    response = csv_response(
        filename="rapport 2026.csv",
        header=["naam", "=opmerking"],
        rows=[["=cmd|' /C calc'!A0", -3], ["Bosman", "@x"]],
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="rapport2026.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows == [["naam", "'=opmerking"], ["'=cmd|' /C calc'!A0", "-3"], ["Bosman", "'@x"]]


def test_csv_response_accepts_a_generator_of_rows():
    response = csv_response(filename="x", header=["a"], rows=(["+1"] for _ in range(2)))
    assert response.content.decode("utf-8-sig").splitlines() == ["a", "'+1", "'+1"]
