"""Reading documents: encodings, markup, watermarks, and a clear one-line error for bad input."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import SAMPLE, needs_seeds, seed_path

from kg.errors import ReadError
from kg.read import expand, read


def test_gb18030_text_is_read(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes("示范单位\n2025年度单位预算公开\n".encode("gb18030"))
    assert [l.text for l in read(p).lines[:2]] == ["示范单位", "2025年度单位预算公开"]


def test_markup_is_removed_and_cells_kept(tmp_path):
    p = tmp_path / "ocr.txt"
    p.write_text("## 2025年预算支出总表\n<b>201</b>\t一般公共服务支出\t\t3.00\n", "utf-8")
    lines = read(p).lines
    assert lines[0].text == "2025年预算支出总表"
    assert lines[1].cells == ["201", "一般公共服务支出", "", "3.00"] and lines[1].no == 2


@needs_seeds
def test_watermark_lines_are_marked_not_dropped():
    doc = read(seed_path("003"))
    marked = [l for l in doc.lines if l.noise]
    assert {l.text for l in marked} == {"仅供内部审核"} and len(marked) == 14
    assert doc.lines[10].no == 11  # line numbers stay those of the file


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"  \n", "empty.txt: the file is empty"),
        ("scan.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "scan.txt: binary content, not text (is it a PDF or an image with the wrong extension?)"),
        ("noise.txt", b"\x00\x01\x02\x03" * 10, "noise.txt: binary content, not text (is it a PDF or an image with the wrong extension?)"),
        ("sheet.xlsx", b"PK", "sheet.xlsx: unsupported file type .xlsx; expected one of .md, .pdf, .text, .txt"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(tmp_path, name, content, message):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(ReadError) as e:
        read(p)
    assert str(e.value) == message and "\n" not in str(e.value)


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="nothing.txt: no such file"):
        read(tmp_path / "nothing.txt")


def test_folders_expand_to_documents_in_order(tmp_path):
    (tmp_path / "b.txt").write_text("x", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("x", "utf-8")
    (tmp_path / "notes.json").write_text("{}", "utf-8")
    assert [p.name for p in expand([tmp_path])] == ["b.txt", "a.md"]


def test_a_document_read_from_its_bytes_is_the_document_read_from_its_file(tmp_path):
    """What a cluster's worker does with the bytes it is sent: the same lines, name, path and hash, even where
    the file is not."""
    from pdfgen import render_text_file

    text = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
    pdf = tmp_path / "demo-001.pdf"
    render_text_file(text, pdf)
    for f in (text, pdf):
        elsewhere = tmp_path / "not-here" / f.name
        assert read(elsewhere, f.read_bytes()) == replace(read(f), path=str(elsewhere))
    with pytest.raises(ReadError, match="x.pdf: not a PDF"):
        read("x.pdf", b"GIF89a")
