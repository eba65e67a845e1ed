"""PDF input: documents written here by real PDF writers (reportlab, fpdf2 with an
embedded DejaVu TrueType font, qpdf for PDF 1.5 object streams and encryption, pypdf for
an incremental update) and a few written byte by byte for operators and filters those
writers never emit. pyforge's text is compared word by word, line by line, with poppler's
`pdftotext`; metadata and page counts with pypdf.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def require(tool: str, package: str) -> str:
    """The path of an independent PDF tool the checks need. A missing tool fails the test
    with what to install: a skip would report a check that never ran as if it were fine."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed, so this test cannot check pyforge's PDF output against it: "
                    f"run scripts/install-system-deps.sh (Debian package {package}).", pytrace=False)
    return path


@pytest.fixture
def pdftotext_bin() -> str:
    return require("pdftotext", "poppler-utils")


@pytest.fixture
def qpdf_bin() -> str:
    return require("qpdf", "qpdf")


# Tests that need the tools ask for them up front, so a missing tool fails before any work.
needs_pdftotext = pytest.mark.usefixtures("pdftotext_bin")
needs_qpdf = pytest.mark.usefixtures("qpdf_bin")

LATIN_LINES = [
    "Café crème, naïve façade, Ångström — déjà vu",
    "The quick brown fox jumps over the lazy dog.",
    "Prices: 10 € and 5 £, “quoted” ‘text’…",
]


# --------------------------------------------------------------------------------------
# Writers and references
# --------------------------------------------------------------------------------------


def reportlab_pdf(path: Path, pages: int = 3, compress: bool = True, encrypt: str | None = None) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, pageCompression=1 if compress else 0, encrypt=encrypt)
    c.setTitle("Rapport annuel")
    c.setAuthor("Zoë Müller")
    c.setSubject("pyforge tests")
    for p in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(72, 800, f"Page {p} heading")
        text = c.beginText(72, 770)
        text.setFont("Times-Roman", 11)
        for line in LATIN_LINES:
            text.textLine(line)
        c.drawText(text)
        c.setFont("Courier", 10)
        c.drawString(72, 600, f"Footer of page {p}")
        c.showPage()
    c.save()
    return path


def fpdf_unicode_pdf(path: Path) -> Path:
    pdf = FPDF()
    pdf.set_title("Unicode sample")
    pdf.set_author("Ἀριστοτέλης")
    pdf.add_font("DejaVu", "", str(DEJAVU))
    pdf.add_page()
    pdf.set_font("DejaVu", size=14)
    pdf.cell(text="Привет мир — Ελληνικά — Zoë")
    pdf.ln(10)
    pdf.cell(text="Čeština: příliš žluťoučký kůň úpěl ďábelské ódy")
    pdf.ln(10)
    pdf.multi_cell(w=0, text="Wrapped paragraph text that runs over several lines. " * 6)
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Standard font on page two: déjà vu")
    pdf.output(str(path))
    return path


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run([require("pdftotext", "poppler-utils"), "-enc", "UTF-8", *args, str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def lines_of(text: str) -> list[str]:
    """Non-empty lines with runs of whitespace made one space (layouts differ in spacing)."""
    return [" ".join(line.split()) for line in text.replace("\f", "\n").splitlines() if line.strip()]


def words_of(text: str) -> list[str]:
    return text.split()


def convert_text(run, src: Path, *args) -> tuple[subprocess.CompletedProcess, str]:
    out = src.with_suffix(".txt")
    proc = run("convert", src, out, *args)
    assert proc.returncode == 0, proc.stderr
    return proc, out.read_text(encoding="utf-8")


def assert_matches_pdftotext(text: str, src: Path, *args: str) -> None:
    reference = pdftotext(src, *args)
    assert words_of(text) == words_of(reference)
    assert lines_of(text) == lines_of(reference)


def build_pdf(objects: list[bytes], root: int = 1, info: int | None = None, version: str = "1.4") -> bytes:
    """A PDF from object bodies (object i+1 = objects[i]) with a correct classic xref table."""
    out = bytearray(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root {root} 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"


def ascii85(data: bytes) -> bytes:
    import base64
    return base64.a85encode(data) + b"~>"


def one_page_pdf(content: bytes, fonts: str = "/F1 4 0 R", extra_objects: list[bytes] = (), filters: str = "") -> bytes:
    """Catalog, pages, one page whose content stream is `content`, a WinAnsi Helvetica as F1."""
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << " + fonts.encode() + b" >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        stream(content, filters),
        *extra_objects,
    ])


# --------------------------------------------------------------------------------------
# Text from real writers
# --------------------------------------------------------------------------------------


@needs_pdftotext
@pytest.mark.parametrize("compress", [True, False], ids=["compressed", "uncompressed"])
def test_reportlab_standard_fonts_match_pdftotext(work, run, compress):
    src = reportlab_pdf(work / "report.pdf", compress=compress)
    proc, text = convert_text(run, src)
    assert_matches_pdftotext(text, src)
    lines = lines_of(text)
    assert lines[:5] == ["Page 1 heading", *LATIN_LINES, "Footer of page 1"][:5]
    assert "Footer of page 3" in lines
    assert "3 pages" in proc.stderr


@needs_pdftotext
def test_fpdf2_embedded_truetype_unicode_matches_pdftotext(work, run):
    src = fpdf_unicode_pdf(work / "unicode.pdf")
    _, text = convert_text(run, src)
    assert "Привет мир — Ελληνικά — Zoë" in text
    assert "Čeština: příliš žluťoučký kůň úpěl ďábelské ódy" in text
    assert "Standard font on page two: déjà vu" in text
    assert_matches_pdftotext(text, src)


@needs_pdftotext
@needs_qpdf
def test_pdf15_object_and_xref_streams(work, run, run_json):
    plain = reportlab_pdf(work / "plain.pdf")
    packed = work / "packed.pdf"
    subprocess.run([require("qpdf", "qpdf"), "--object-streams=generate", str(plain), str(packed)], check=True)
    assert b"/ObjStm" in packed.read_bytes() and b"/XRef" in packed.read_bytes()
    _, text = convert_text(run, packed)
    assert_matches_pdftotext(text, packed)
    _, expected = convert_text(run, plain)
    assert text == expected
    proc, info = run_json("info", packed, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert info["details"]["pdf_version"] == "1.5"
    assert info["details"]["pages"] == "3"


@needs_qpdf
def test_xref_stream_with_png_predictor_and_compressed_unicode_font(work, run):
    src = fpdf_unicode_pdf(work / "u.pdf")
    packed = work / "u_packed.pdf"
    # qpdf writes cross-reference streams with the PNG Up predictor (/Predictor 12).
    subprocess.run([require("qpdf", "qpdf"), "--object-streams=generate", "--compress-streams=y", str(src), str(packed)], check=True)
    assert b"/Predictor 12" in packed.read_bytes()
    _, text = convert_text(run, packed)
    assert "Привет мир — Ελληνικά — Zoë" in text


def test_incremental_update_prev_chain(work, run, run_json):
    src = reportlab_pdf(work / "base.pdf", pages=2)
    updated = work / "updated.pdf"
    writer = pypdf.PdfWriter(str(src), incremental=True)
    writer.add_metadata({"/Title": "Revised title"})
    writer.write(str(updated))
    data = updated.read_bytes()
    assert data.startswith(src.read_bytes()) and b"/Prev" in data[len(src.read_bytes()):]
    proc, info = run_json("info", updated, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert info["details"]["title"] == "Revised title"
    assert info["rows"] == 2
    _, text = convert_text(run, updated)
    assert "Footer of page 2" in text


def test_form_xobject_text_is_followed(work, run):
    src = work / "form.pdf"
    c = canvas.Canvas(str(src))
    c.beginForm("letterhead")
    c.setFont("Helvetica", 12)
    c.drawString(72, 760, "Text inside a form XObject")
    c.endForm()
    c.doForm("letterhead")
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "Text on the page itself")
    c.showPage()
    c.save()
    _, text = convert_text(run, src)
    assert lines_of(text) == ["Text inside a form XObject", "Text on the page itself"]


# --------------------------------------------------------------------------------------
# Operators, filters and encodings written byte by byte
# --------------------------------------------------------------------------------------


@needs_pdftotext
def test_text_operators_kerning_and_line_breaks(work, run):
    content = (
        b"BT /F1 12 Tf 14 TL 72 720 Td (First) Tj ( line) Tj T* (Second line) Tj\n"
        b"0 -14 Td [(Kern)-30(ed) -600 (words)] TJ\n"
        b"0 -14 TD (Third) Tj (Fourth via quote) '\n"
        b"2 0 (Fifth via double quote) \"\n"
        b"1 0 0 1 72 600 Tm (Set by Tm) Tj ET"
    )
    src = work / "ops.pdf"
    src.write_bytes(one_page_pdf(content))
    _, text = convert_text(run, src)
    assert lines_of(text) == [
        "First line", "Second line", "Kerned words", "Third", "Fourth via quote", "Fifth via double quote", "Set by Tm",
    ]
    assert_matches_pdftotext(text, src)


@pytest.mark.parametrize("kind", ["flate", "ascii85+flate", "asciihex", "flate-array"])
def test_filters(work, run, kind):
    content = b"BT /F1 12 Tf 72 720 Td (Filtered text) Tj ET"
    if kind == "flate":
        data, filters = zlib.compress(content), "/Filter /FlateDecode "
    elif kind == "ascii85+flate":
        data, filters = ascii85(zlib.compress(content)), "/Filter [/ASCII85Decode /FlateDecode] "
    elif kind == "asciihex":
        data, filters = content.hex().encode() + b">", "/Filter /ASCIIHexDecode "
    else:
        data, filters = zlib.compress(content), "/Filter [/FlateDecode] /DecodeParms [null] "
    src = work / f"{kind}.pdf"
    src.write_bytes(one_page_pdf(data, filters=filters))
    _, text = convert_text(run, src)
    assert lines_of(text) == ["Filtered text"]


def test_differences_and_tounicode_cmaps(work, run):
    # F2: custom encoding with /Differences (glyph names, uniXXXX, a ligature);
    # F3: a Type0 Identity-H font whose ToUnicode uses bfchar and both bfrange forms.
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"2 beginbfchar <0001> <0048> <0002> <00E9> endbfchar\n"
        b"2 beginbfrange <0003> <0005> <006C> <0006> <0007> [<0021> <D83DDE00>] endbfrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    content = (
        b"BT /F2 12 Tf 72 720 Td <01020304> Tj ET\n"
        b"BT /F3 12 Tf 72 700 Td <0001000200030003000500060007> Tj ET"
    )
    src = work / "enc.pdf"
    src.write_bytes(one_page_pdf(content, fonts="/F1 4 0 R /F2 6 0 R /F3 7 0 R", extra_objects=[
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Custom /FirstChar 1 /LastChar 4 /Widths [500 500 500 500]"
        b" /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /Eacute /uni0141 /f_i /germandbls] >> >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Uni /Encoding /Identity-H /DescendantFonts [9 0 R] /ToUnicode 8 0 R >>",
        stream(cmap),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Uni /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 600 >>",
    ]))
    _, text = convert_text(run, src)
    assert lines_of(text) == ["ÉŁfiß", "Hélln!😀"]


# --------------------------------------------------------------------------------------
# Options: --pages, --metadata, --json, formats, info
# --------------------------------------------------------------------------------------


def test_pages_selection_and_markers(work, run):
    src = reportlab_pdf(work / "doc.pdf", pages=4)
    out = work / "sel.txt"
    proc = run("convert", src, out, "--pages", "2,4", "--metadata")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    markers = [line for line in text.splitlines() if line.startswith("--- ")]
    assert markers == ["--- Page 2 ---", "--- End Page 2 ---", "--- Page 4 ---", "--- End Page 4 ---"]
    assert "Page 2 heading" in text and "Page 4 heading" in text and "Page 1 heading" not in text
    proc = run("convert", src, out, "--pages", "3-", "--force")
    assert proc.returncode == 0, proc.stderr
    assert [l for l in lines_of(out.read_text(encoding="utf-8")) if l.endswith("heading")] == ["Page 3 heading", "Page 4 heading"]


@needs_pdftotext
def test_pages_range_matches_pdftotext(work, run):
    src = reportlab_pdf(work / "doc.pdf", pages=4)
    _, text = convert_text(run, src, "--pages", "2-3")
    assert_matches_pdftotext(text, src, "-f", "2", "-l", "3")


@pytest.mark.parametrize("pages", ["abc", "0", "3-1", "", "1,,2", "-"])
def test_pages_invalid_syntax_is_a_usage_error(work, run, pages):
    src = reportlab_pdf(work / "doc.pdf", pages=2)
    proc = run("convert", src, "--pages", pages)
    assert proc.returncode == 2, proc.stderr
    assert "--pages" in proc.stderr
    assert not (work / "doc.txt").exists()


@pytest.mark.parametrize("pages", ["5", "1-9", "4-"])
def test_pages_out_of_range(work, h, run, pages):
    src = reportlab_pdf(work / "doc.pdf", pages=3)
    proc = run("convert", src, "--pages", pages)
    assert proc.returncode == 1
    assert "has 3 pages" in proc.stderr and "doc.pdf" in proc.stderr
    assert not (work / "doc.txt").exists()
    assert h.temp_leftovers(work) == []


def test_convert_json_result(work, run_json):
    src = reportlab_pdf(work / "doc.pdf", pages=2)
    proc, result = run_json("convert", src, "--json")
    assert proc.returncode == 0, proc.stderr
    assert result["success"] is True
    assert result["input_format"] == "pdf" and result["format"] == "text"
    assert Path(result["output"]).name == "doc.txt"
    assert result["details"]["pages"] == "2"
    assert result["rows"] == len((work / "doc.txt").read_text(encoding="utf-8").splitlines())


def test_output_exists_and_force(work, run):
    src = reportlab_pdf(work / "doc.pdf", pages=1)
    (work / "doc.txt").write_text("keep me")
    proc = run("convert", src)
    assert proc.returncode == 3
    assert (work / "doc.txt").read_text() == "keep me"
    assert run("convert", src, "--force").returncode == 0
    assert "Page 1 heading" in (work / "doc.txt").read_text(encoding="utf-8")


def test_pdf_to_a_table_format_is_refused(work, run):
    src = reportlab_pdf(work / "doc.pdf", pages=1)
    proc = run("convert", src, "-f", "parquet")
    assert proc.returncode == 1
    assert "text" in proc.stderr
    assert not (work / "doc.parquet").exists()


def test_info_matches_pypdf(work, run_json, run):
    for src in (reportlab_pdf(work / "r.pdf", pages=3), fpdf_unicode_pdf(work / "u.pdf")):
        proc, info = run_json("info", src, "--format", "json")
        assert proc.returncode == 0, proc.stderr
        reader = pypdf.PdfReader(str(src))
        meta = reader.metadata
        assert info["format"] == "pdf"
        assert info["rows"] == len(reader.pages)
        assert info["details"]["pages"] == str(len(reader.pages))
        assert info["details"]["title"] == meta.title
        assert info["details"]["author"] == meta.author  # UTF-16BE with BOM for the Greek name
        if meta.producer:
            assert info["details"]["producer"] == meta.producer
        assert info["details"]["encrypted"] == "no"
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", info["details"]["creation_date"])
        table = run("info", src)
        assert table.returncode == 0 and "Pages:" in table.stdout and "Title:" in table.stdout


def test_formats_lists_pdf(run, run_json):
    proc, rows = run_json("formats", "--json")
    assert proc.returncode == 0
    pdf = next(r for r in rows if ".pdf" in r["extensions"])
    assert pdf["outputs"] == ["text"]
    assert "--pages" in pdf["options"] and "--metadata" in pdf["options"]
    assert "PDF" in run("formats").stdout


# --------------------------------------------------------------------------------------
# Encrypted, corrupt, truncated, empty
# --------------------------------------------------------------------------------------


def encrypted_inputs(work: Path) -> list[Path]:
    # RC4 (reportlab) and AES-256 (qpdf), both with a user password, so qpdf is required.
    # (test_pdf_encrypted.py covers every revision, and the passwords that open them.)
    paths = [reportlab_pdf(work / "rl_encrypted.pdf", pages=2, encrypt="secret")]
    plain = reportlab_pdf(work / "plain.pdf", pages=2)
    out = work / "qpdf_encrypted.pdf"
    subprocess.run([require("qpdf", "qpdf"), "--encrypt", "user", "owner", "256", "--", str(plain), str(out)], check=True)
    paths.append(out)
    return paths


def test_encrypted_without_its_password_is_refused_clearly(work, h, run, run_json):
    for src in encrypted_inputs(work):
        before = h.listing(work)
        proc = run("convert", src)
        assert proc.returncode == 1
        assert "password" in proc.stderr and src.name in proc.stderr and "--password" in proc.stderr
        assert h.listing(work) == before
        proc, result = run_json("convert", src, "--json")
        assert result["success"] is False and result["exit_code"] == 1
        proc, info = run_json("info", src, "--format", "json")
        assert proc.returncode == 0, proc.stderr
        assert info["details"]["encrypted"].startswith("yes")
        assert info["details"]["pages"] == "2"
        # validate agrees with convert: without its password the PDF does not convert.
        proc = run("validate", src)
        assert proc.returncode == 1
        assert "password" in proc.stdout + proc.stderr and "--password" in proc.stdout + proc.stderr


@pytest.mark.parametrize("kind", ["empty", "not-a-pdf", "truncated-half", "truncated-header", "garbage-after-header"])
def test_corrupt_inputs(work, h, run, kind):
    good = reportlab_pdf(work / "good.pdf", pages=3).read_bytes()
    data = {
        "empty": b"",
        "not-a-pdf": b"PK\x03\x04 this is a zip, not a PDF" * 10,
        "truncated-half": good[: len(good) // 2],
        "truncated-header": good[:40],
        "garbage-after-header": b"%PDF-1.4\n" + bytes(range(256)) * 8,
    }[kind]
    src = work / f"{kind}.pdf"
    src.write_bytes(data)
    before = h.listing(work)
    proc = run("convert", src)
    assert proc.returncode == 1, proc.stderr
    message = proc.stderr
    assert src.name in message
    assert message.count("\n") <= 2, message  # one sentence-style message, no dump
    expected = {"empty": "empty", "not-a-pdf": "not a PDF", "truncated-half": "truncated",
                "truncated-header": "truncated", "garbage-after-header": "truncated"}[kind]
    assert expected in message
    assert h.listing(work) == before
    info = run("info", src)
    assert info.returncode == 1 and src.name in info.stderr


def test_damaged_xref_is_repaired_with_a_warning(work, run):
    good = reportlab_pdf(work / "good.pdf", pages=2).read_bytes()
    at = good.rindex(b"startxref") + len(b"startxref\n")
    end = good.index(b"\n", at)
    broken = good[:at] + b"999" + good[end:]
    src = work / "broken.pdf"
    src.write_bytes(broken)
    proc, text = convert_text(run, src)
    assert "Footer of page 2" in text
    assert "scanning" in proc.stderr


def test_reference_cycles_and_deep_nesting_do_not_crash(work, run):
    # The page tree's Kids point back at the root; the content nests arrays deeply.
    content = b"BT /F1 12 Tf 72 720 Td (Still here) Tj ET " + b"[" * 500 + b"]" * 500
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 /Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(content),
    ]
    src = work / "cycle.pdf"
    src.write_bytes(build_pdf(objects))
    proc = run("convert", src)
    assert proc.returncode == 1
    assert "nest" in proc.stderr


def test_decompression_bomb_is_refused(work, h, run):
    bomb = zlib.compress(b" " * (300 << 20), 9)
    src = work / "bomb.pdf"
    src.write_bytes(one_page_pdf(bomb, filters="/Filter /FlateDecode "))
    proc = run("convert", src)
    assert proc.returncode == 1
    assert "MiB" in proc.stderr
    assert h.temp_leftovers(work) == []
