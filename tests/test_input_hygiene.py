"""Bad input a careless user or an attacker hands `kg ingest` (issue 15): encodings, control characters,
encrypted PDFs, empty tables, personal data in prose. Each case goes through the real reader and pipeline
into a real store, and what is stored is checked."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SAMPLE

from kg.errors import ReadError
from kg.pipeline import extract, ingest, parse_file
from kg.read import read
from kg.store import Store

S1 = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
S2 = SAMPLE / "demo-002_示范市政务服务中心_2024.txt"
CONTACT = "项目联系人：李明，联系电话：0352-5027788，手机：139 1234 5678。"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def literals(store: Store) -> list[str]:
    """Every literal stored, as text."""
    import pyoxigraph as ox

    return [q.object.value for q in store._s.quads_for_pattern(None, None, None, None) if isinstance(q.object, ox.Literal)]


def summary(path: Path) -> tuple:
    """What a document gives, to compare two encodings of it."""
    ex = extract(read(path))
    return (ex.document.unit_name, len(ex.projects), sorted(str(l.amount) for l in ex.budget_lines),
            sorted(r.docno for r in ex.references if r.docno))


@pytest.mark.parametrize("encoding, bom", [
    ("utf-16", True),  # the platform's order with its mark
    ("utf-16-be", True),
    ("utf-16-le", False),  # no mark: told by its NUL bytes
    ("utf-32", True),
    ("utf-32-be", False),
    ("gb18030", False),
])
def test_the_sample_in_another_encoding_reads_as_in_utf8(tmp_path, encoding, bom):
    text = S1.read_text("utf-8")
    data = text.encode(encoding)
    if bom and encoding in ("utf-16-be", "utf-32-be"):
        data = "\ufeff".encode(encoding) + data
    p = tmp_path / S1.name
    p.write_bytes(data)
    assert summary(p) == summary(S1)
    assert read(p).warnings == []


def test_nul_bytes_after_the_first_4_kib_are_removed_with_a_warning_and_never_stored(tmp_path):
    text = S1.read_text("utf-8")
    at = text.index("立项依据")  # far past 4 KiB: inside the first project's basis
    assert len(text[:at].encode("utf-8")) > 4096
    dirty = text[:at] + "立项\x00依据" + text[at + 4:].replace("示政办发〔2023〕15号", "示政办发〔2023〕\x0015号\x07", 1)
    p = tmp_path / "dirty.txt"
    p.write_text(dirty, "utf-8")
    doc = read(p)
    assert doc.warnings == ["3 control characters removed from the text (NUL ×2, U+0007 ×1): they are not stored"]
    assert summary(p) == summary(S1)  # the indicator and the reference read as in the clean text
    notes: list[tuple[str, str, str]] = []
    store = Store(tmp_path / "store")
    report = ingest([p], store, on_note=lambda path, level, message: notes.append((path.name, level, message)))
    assert report.documents == 1 and not report.failed
    assert ("dirty.txt", "warning", doc.warnings[0]) in notes
    assert not [v for v in literals(store) if CONTROL.search(v)]
    refs = store.select("SELECT DISTINCT ?n WHERE { ?p bk:justifiedBy ?d . ?d bk:docNumber ?n }")
    assert {r["n"] for r in refs} >= {"示政办发〔2023〕15号"}


def test_a_control_character_in_a_file_name_is_not_stored(tmp_path):
    p = tmp_path / "a\x01b.txt"
    p.write_bytes(S2.read_bytes())
    store = Store(tmp_path / "store")
    assert ingest([p], store).documents == 1
    assert store.select("SELECT ?f WHERE { ?d bk:sourceFile ?f }") == [{"f": "ab.txt"}]
    assert not [v for v in literals(store) if CONTROL.search(v)]


def test_a_name_and_phone_numbers_in_prose_are_redacted_from_every_literal(tmp_path):
    text = S1.read_text("utf-8").replace("由本中心负责市级共享平台的运行维护。", "由本中心负责市级共享平台的运行维护。" + CONTACT, 1)
    p = tmp_path / S1.name
    p.write_text(text, "utf-8")
    notes: list[tuple[str, str]] = []
    store = Store(tmp_path / "store")
    ingest([p], store, on_note=lambda path, level, message: notes.append((level, message)))
    stored = literals(store)
    assert not [v for v in stored if "李明" in v or "5027788" in v or "13912345678" in v or "139 1234 5678" in v]
    basis = store.select("SELECT ?b WHERE { ?p bk:basisText ?b FILTER(CONTAINS(?b, '共享平台')) }")
    assert basis == [{"b": "依据示范市人民政府办公厅《示范市政务数据共享管理办法》（示政办发〔2023〕15号）和《中华人民共和国数据安全法》，"
                           "由本中心负责市级共享平台的运行维护。项目联系人：[姓名]，联系电话：[电话]，手机：[电话]。"}]
    assert store.select("SELECT ?n WHERE { ?d bk:personalDataRedacted ?n }") == [{"n": 3}]
    assert ("note", "2 phone numbers and 1 name of people redacted (kg ingest --keep-personal keeps them)") in notes
    # the extraction is the clean text's: the basis still justifies the project
    assert store.select("SELECT (COUNT(*) AS ?n) WHERE { ?p bk:justifiedBy ?d }") == \
        [{"n": len(store.select("SELECT ?p ?d WHERE { ?p bk:justifiedBy ?d }"))}]
    kept = Store(tmp_path / "kept")
    ingest([p], kept, keep_personal=True)
    assert any(CONTACT in v for v in literals(kept))
    assert kept.select("SELECT ?n WHERE { ?d bk:personalDataRedacted ?n }") == []


def test_the_kpi_footer_clerk_and_phone_are_still_left_out(tmp_path):
    store = Store(tmp_path / "store")
    ingest([S1], store)
    assert not [v for v in literals(store) if "张示例" in v or "13800000000" in v]


def test_a_pdf_that_needs_a_password_is_named_as_such(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    locked, owner = tmp_path / "locked.pdf", tmp_path / "owner.pdf"
    for path, user in ((locked, "secret"), (owner, "")):
        c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption(user, ownerPassword="owner", canPrint=1))
        c.drawString(100, 700, "2025 budget")
        c.save()
    with pytest.raises(ReadError) as e:
        read(locked)
    assert str(e.value) == ("locked.pdf: an encrypted PDF that needs a password to be opened: ingest a copy saved "
                            "without its password")
    assert [l.text for l in read(owner).lines] == ["2025 budget"]  # an owner password only: read as now


def test_a_pdf_over_the_page_limit_is_refused(tmp_path):
    from reportlab.pdfgen import canvas

    from kg.read.limits import Limits

    p = tmp_path / "long.pdf"
    c = canvas.Canvas(str(p))
    for n in range(3):
        c.drawString(100, 700, f"page {n + 1}")
        c.showPage()
    c.save()
    with pytest.raises(ReadError) as e:
        read(p, limits=Limits(max_pages=2))
    assert str(e.value) == "long.pdf: 3 pages, over the limit of 2 pages a document (kg ingest --max-pages)"
    assert read(p, limits=Limits(max_pages=3)).pages == 3


def test_a_named_pipe_on_the_command_line_is_reported_and_the_batch_goes_on(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    store = Store(tmp_path / "store")
    report = ingest([fifo, S2], store)  # reading the pipe would block for ever
    assert report.failed == [("pipe.txt", "not a regular file (a named pipe)")]
    assert report.documents == 1


def test_a_document_whose_tables_are_all_empty_gets_a_warning(tmp_path):
    text = S2.read_text("utf-8")
    lines = text.split("\n")
    start = max(i for i, l in enumerate(lines) if l.startswith("第二部分"))  # the body's, not the contents' line
    end = next(i for i, l in enumerate(lines) if l.startswith("第三部分") and i > start)
    blank = [re.sub(r"(?<=\t)[\d,.\-]+(?=\t|$)", "", l) if start < i < end else l for i, l in enumerate(lines)]
    p = tmp_path / "empty-tables.txt"
    p.write_text("\n".join(blank), "utf-8")
    parsed = parse_file(p)
    assert parsed.encoded is not None, parsed.reason
    ex = extract(read(p))
    assert ex.tables and not [l for l in ex.budget_lines if l.table_index]
    assert parsed.warnings == [f"its {len(ex.tables)} budget table(s) print no figure: only its projects and targets are stored"]
    assert parse_file(S2).warnings == []


def test_the_redaction_rules_keep_organs_titles_and_amounts():
    from kg.extract.redact import redact

    assert redact("负责人：办公室；联系人：财务科；单位负责人：局长")[0] == "负责人：办公室；联系人：财务科；单位负责人：局长"
    assert redact("《关于李明同志任职的通知》（联系人：李明）")[0] == "《关于李明同志任职的通知》（联系人：[姓名]）"
    assert redact("合计\t13912345678.00\t0352") == ("合计\t13912345678.00\t0352", redact("")[1])
    assert redact("电话：(0352)5027788转801；传真 5027789；Tel: 0351-1234567")[0] == "电话：[电话]；传真 [电话]；Tel: [电话]"
    assert redact("联系方式：+86 139-1234-5678")[0] == "联系方式：[电话]"
    assert Decimal("13912345678.00")  # amounts are typed literals and never pass through redact
