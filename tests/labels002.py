"""Seed 002 against our own labels (tests/fixtures/seed-002-labels.json): precision and recall of the
project → basis edges and of the indicators.

An edge is (project, policy key: canonical number, else the title); an indicator is (project, 二级指标,
三级指标, 指标值), each indicator of the table once (the 实施期 and 年度 sides print the same ones; where
OCR lost one side's cells the other's count), the 年度 side's reading where the two differ. Texts are compared without spaces, with full-width brackets and
percent signs as half-width ones, so "(%)" and "（%）" are one spelling.
"""

from __future__ import annotations

import json
from pathlib import Path

from kg.extract.citations import role

LABELS = Path(__file__).parent / "fixtures" / "seed-002-labels.json"


def norm(text: str | None) -> str:
    t = "".join((text or "").split())
    return t.translate(str.maketrans("（）％，：", "()%,:"))


def labels() -> dict:
    return json.loads(LABELS.read_text("utf-8"))


def edges(ex) -> set[tuple[str, str]]:
    return {(ex.projects[r.project].name, norm(r.key)) for r in ex.references
            if r.project is not None and role(r) == "justifiedBy"}


def indicators(ex) -> set[tuple[str, str, str, str]]:
    return {(p.name, norm(i.l2), norm(i.l3), norm(i.target.text)) for p in ex.projects if p.kpi
            for i in p.kpi.indicators}


def wanted(lab: dict) -> tuple[set, set]:
    e = {(p, norm(k)) for p, keys in lab["basis"].items() for k in keys}
    i = {(p, norm(l2), norm(l3), norm(v)) for p, rows in lab["indicators"].items() for l2, l3, v in rows}
    return e, i


def score(got: set, want: set) -> tuple[float, float]:
    """(precision, recall)."""
    hit = len(got & want)
    return (hit / len(got) if got else 1.0), (hit / len(want) if want else 1.0)


def error_list(ex) -> list[str]:
    """The indicators read but not labelled (FP) and labelled but not read (FN), by project."""
    _, want = wanted(labels())
    got = indicators(ex)
    out = []
    for project in sorted({x[0] for x in got | want}):
        fp = sorted(x[1:] for x in got - want if x[0] == project)
        fn = sorted(x[1:] for x in want - got if x[0] == project)
        if fp or fn:
            out.append(f"{project}: {len([x for x in got & want if x[0] == project])} right")
            out.extend(f"  FP {' | '.join(x)}" for x in fp)
            out.extend(f"  FN {' | '.join(x)}" for x in fn)
    return out


if __name__ == "__main__":
    import os
    import sys

    from kg.pipeline import extract_file

    seeds = Path(os.environ.get("KG_SHARED", "/work/shared")) / "seeds"
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else seeds / labels()["file"]
    ex = extract_file(path)
    _, want = wanted(labels())
    p, r = score(indicators(ex), want)
    print(f"indicators: P {p:.3f} R {r:.3f}")
    print("\n".join(error_list(ex)))
