"""Text whose tables a converter wrote otherwise than with tabs: HTML <table>, Markdown pipes, columns of
spaces (kg.read.markup). The first two read exactly as the tab-separated text; space-aligned columns lose
their blank cells, and the document then says that it was read incompletely."""

from __future__ import annotations


import pytest
from conftest import SAMPLE

from kg.pipeline import extract_file
from kg.read.text import lines_from_text

SRC = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"


def converted(style: str) -> str:
    """The sample with every run of tab-separated lines written as the style writes a table."""
    out: list[str] = []
    block = False
    for line in SRC.read_text("utf-8").split("\n"):
        if "\t" in line:
            cells = line.split("\t")
            if style == "pipe":
                out.append("| " + " | ".join(cells) + " |")
                if not block:
                    out.append("|" + "---|" * len(cells))
            elif style == "html":
                out.append(("<table>" if not block else "") + "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            else:
                out.append("    ".join(cells))
            block = True
            continue
        if block and line.strip():
            if style == "html":
                out[-1] += "</table>"
            block = False
        out.append(line)
    return "\n".join(out)


def facts(ex):
    return (
        [(b.table_kind, b.code, b.row_label, b.column, b.amount) for b in ex.budget_lines],
        [(p.name, p.row.amount if p.row else None) for p in ex.projects],
        [(i.l1, i.l2, i.l3, i.target.text) for p in ex.projects if p.kpi for i in p.kpi.indicators],
        [(r.key, r.section) for r in ex.references],
    )


@pytest.fixture(scope="module")
def tab():
    return extract_file(SRC)


@pytest.mark.parametrize("style", ["pipe", "html"])
def test_html_and_markdown_tables_read_as_the_tab_separated_text(tmp_path, tab, style):
    path = tmp_path / f"{style}_{SRC.name}"
    path.write_text(converted(style), "utf-8")
    ex = extract_file(path)
    assert facts(ex) == facts(tab)
    assert len(ex.budget_lines) == 202 and ex.completeness.complete


def test_space_aligned_columns_that_lost_their_blanks_are_said_to_be_incomplete(tmp_path, tab):
    path = tmp_path / f"space_{SRC.name}"
    path.write_text(converted("space"), "utf-8")
    ex = extract_file(path)
    assert [p.name for p in ex.projects] == [p.name for p in tab.projects]
    assert not ex.completeness.complete
    assert ex.completeness.problems == ["15 lines of figures (lines 85–319) belong to no table read"]


def test_an_html_table_over_several_lines_with_merged_cells():
    text = "\n".join([
        "2025年预算支出总表",
        '<table><tr><th rowspan="2">科目编码</th><th rowspan="2">科目名称</th><th colspan="3">支出预算</th></tr>',
        "<tr><th>合计</th><th>基本支出</th><th>项目支出</th></tr>",
        "<tr><td>201</td><td>一般公共服务支出</td><td>1.50</td><td>1.00</td><td>0.50</td></tr></table>",
        "注：单位为万元。",
    ])
    lines = lines_from_text(text)
    assert [(l.no, l.cells) for l in lines] == [
        (1, ["2025年预算支出总表"]),
        (2, ["科目编码", "科目名称", "支出预算", "", ""]),
        (3, ["", "", "合计", "基本支出", "项目支出"]),
        (4, ["201", "一般公共服务支出", "1.50", "1.00", "0.50"]),
        (5, ["注：单位为万元。"]),
    ]
