"""A generated corpus of bad input (issue 15), with what `kg ingest` must say of each file.

``make(folder)`` writes the files into ``folder`` and returns {file name: [(level, message), …]}: the lines
`kg ingest` must print for it — ``("error", reason)`` for a file refused, ``("warning", text)`` /
``("note", text)`` for one stored with that line; an empty list for one stored silently. The good documents are the bundled sample, so the
corpus needs nothing from ../shared. Used by tests/test_bad_corpus.py and bench/reliability.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data" / "sample"
S1 = SAMPLE / "demo-001_示范市数据服务中心_2025.txt"
S2 = SAMPLE / "demo-002_示范市政务服务中心_2024.txt"
CONTACT = "项目联系人：李明，联系电话：0352-5027788，手机：139 1234 5678。"
BINARY = "binary content, not text (is it a PDF or an image with the wrong extension?)"


def renamed(text: str, city: str) -> str:
    """The sample as another unit's document (its own content, so it is stored on its own)."""
    return text.replace("示范市", city)


def _pdf(path: Path, text: str | None, password: str | None = None) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    enc = pdfencrypt.StandardEncryption(password, ownerPassword="owner", canPrint=1) if password is not None else None
    c = canvas.Canvas(str(path), encrypt=enc)
    if text is None:
        c.rect(100, 400, 300, 200, fill=1)  # an image-only page: drawn, no text
    else:
        c.drawString(100, 700, text)
    c.save()


def make(folder: Path) -> dict[str, list[tuple[str, str]]]:
    sys.path.insert(0, str(HERE))
    from pdfgen import render_text_file

    folder.mkdir(parents=True, exist_ok=True)
    one, two = S1.read_text("utf-8"), S2.read_text("utf-8")
    expect: dict[str, list[tuple[str, str]]] = {}

    def put(name: str, data: bytes, level: str = "", message: str = "") -> Path:
        p = folder / name
        p.write_bytes(data)
        expect[name] = [(level, message)] if level else []
        return p

    # good documents, as published and in other encodings
    put("good-utf8.txt", renamed(one, "甲市").encode("utf-8"))
    put("good-utf16.txt", renamed(two, "乙市").encode("utf-16"))
    put("good-utf16le-nobom.txt", renamed(one, "丙市").encode("utf-16-le"))
    put("good-utf32be.txt", "\ufeff".encode("utf-32-be") + renamed(two, "丁市").encode("utf-32-be"))
    put("good-gb18030.txt", renamed(one, "戊市").encode("gb18030"))
    src = folder / "_src.txt"
    src.write_text(renamed(two, "己市"), "utf-8")
    render_text_file(src, folder / "good.pdf")
    src.unlink()
    expect["good.pdf"] = []
    # stored, with a line
    dirty = renamed(one, "庚市")
    at = dirty.index("立项依据")
    put("control-chars.txt", (dirty[:at] + "立项\x00依据\x07" + dirty[at + 4:]).encode("utf-8"), "warning",
        "2 control characters removed from the text (NUL ×1, U+0007 ×1): they are not stored")
    personal = renamed(one, "辛市").replace("由本中心负责市级共享平台的运行维护。", "由本中心负责市级共享平台的运行维护。" + CONTACT, 1)
    put("personal.txt", personal.encode("utf-8"), "note",
        "2 phone numbers and 1 name of people redacted (kg ingest --keep-personal keeps them)")
    lines = renamed(two, "壬市").split("\n")
    start = max(i for i, l in enumerate(lines) if l.startswith("第二部分"))
    end = next(i for i, l in enumerate(lines) if l.startswith("第三部分") and i > start)
    blank = [re.sub(r"(?<=\t)[\d,.\-]+(?=\t|$)", "", l) if start < i < end else l for i, l in enumerate(lines)]
    put("empty-tables.txt", "\n".join(blank).encode("utf-8"), "warning",
        "its 13 budget table(s) print no figure: only its projects and targets are stored")
    expect["empty-tables.txt"].append(("warning", "2 table(s) printed but not read: 2024年项目支出预算表（本年预算）, "
                                                  "2024年项目支出预算表（上年结转）"))
    # refused
    put("empty.txt", b" \n\n", "error", "the file is empty")
    put("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "error", BINARY)
    put("huge.txt", "预算\n".encode("utf-8") * (40_000_000 // 7), "error",
        "38.1 MiB, over the limit of 32 MiB a document (kg ingest --max-size)")
    put("mixed-encoding.txt", one[:3000].encode("utf-8") + two[:3000].encode("gb18030"), "error",
        "not valid UTF-8, UTF-16, UTF-32 or GB18030 text")
    put("not-a-disclosure.txt", "会议纪要\n今天开会讨论了天气。\n".encode("utf-8"), "error",
        "not a budget disclosure: no budget tables and no performance-target tables found")
    good_pdf = (folder / "good.pdf").read_bytes()
    put("truncated.pdf", good_pdf[: len(good_pdf) // 3], "error", "a damaged PDF pdfplumber cannot read (PdfminerException)")
    put("renamed.pdf", renamed(one, "癸市").encode("utf-8"), "error", "not a PDF (the file does not start with %PDF)")
    _pdf(folder / "locked.pdf", "2025", password="secret")
    expect["locked.pdf"] = [("error", "an encrypted PDF that needs a password to be opened: ingest a copy saved without its password")]
    _pdf(folder / "scan.pdf", None)
    expect["scan.pdf"] = [("error", "no text layer on any of its 1 pages, and no picture on them to read by OCR")]
    return expect
