"""Figures read by OCR: the table's arithmetic chooses between the readings a scan allows; a figure read with
low confidence is a finding. Budget lines as the extraction makes them, in a real table's arithmetic."""

from __future__ import annotations

from decimal import Decimal as D

from kg.extract.readings import UNCERTAIN, choose_readings, uncertain_figures
from kg.model import BudgetLine, Line, Span, Table

T = Table("2025年预算支出总表", "expenditure", Line(1, "", []), money_unit="万元", index=3)


def bl(row: int, code: str, yuan: str, readings=(), confidence=0.99) -> BudgetLine:
    return BudgetLine(T.title, T.kind, 3, code, "合计", D(yuan), Span("scan.pdf", page=4, confidence=confidence),
                      code=code, scheme="functional", row_index=row, readings=tuple(D(r) for r in readings))


def table(child: BudgetLine) -> list[BudgetLine]:
    """201 = 20103 + 20105: 3.06 万元 = 1.88 + 1.18."""
    return [bl(1, "201", "30600"), child, bl(3, "20105", "11800")]


def test_the_reading_the_sum_agrees_with_is_taken():
    lines = table(bl(2, "20103", "18300", readings=["18800", "183.00"], confidence=0.62))  # 1.83: a 3 that may be an 8
    assert choose_readings(lines, [T]) == [1]
    assert lines[1].amount == D("18800")
    assert lines[1].note == "OCR read 18,300 元; 18,800 元, another reading of the same print, is the one its table's sums agree with"
    assert uncertain_figures(lines, [1]) == []  # confirmed by the arithmetic: not flagged


def test_a_lost_decimal_point_is_put_back():
    lines = table(bl(2, "20103", "1880000", readings=["18800"]))  # "188" read for "1.88"
    assert choose_readings(lines, [T]) == [1] and lines[1].amount == D("18800")


def test_arithmetic_that_cannot_tell_two_readings_apart_chooses_neither():
    # 3.11 = 1.88 + 1.23 = 1.83 + 1.28: either uncertain child could be the misread one
    lines = [bl(1, "201", "31100"), bl(2, "20103", "18300", readings=["18800"], confidence=0.62),
             bl(3, "20105", "12300", readings=["12800"], confidence=0.7)]
    assert choose_readings(lines, [T]) == []
    assert [l.amount for l in lines] == [D("31100"), D("18300"), D("12300")]
    found = uncertain_figures(lines)
    assert [(f.check_id, f.lines, f.actual) for f in found] == [(UNCERTAIN, (1,), D("18300")), (UNCERTAIN, (2,), D("12300"))]
    assert found[0].message == ("2025年预算支出总表: row '20103', column 合计: 18,300 元 read by OCR with confidence 0.62 "
                                "(it may also read 18,800 元): not to be trusted without a look at the page")


def test_figures_of_a_text_layer_are_never_flagged():
    lines = table(bl(2, "20103", "18300", confidence=None))
    assert uncertain_figures(lines) == [] and choose_readings(lines, [T]) == []
