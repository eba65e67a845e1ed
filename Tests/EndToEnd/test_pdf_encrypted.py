"""Encrypted PDF input (issue #16): documents qpdf encrypted with the standard security
handler, revisions 2 to 6, read with the empty user password or --password. pyforge's text
is compared with poppler's `pdftotext` on the same encrypted file; `info` and `validate`
are checked to agree with `convert`. Damaged and unsupported encryption is refused with a
sentence, never a trap.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import CRASH_MARKERS, temp_leftovers
from test_pdf import assert_matches_pdftotext, build_pdf, convert_text, pdftotext, reportlab_pdf, require

# qpdf arguments for each revision (RC4 needs --allow-weak-crypto), and what `info` says.
REVISIONS = {
    "R2-RC4-40": (["40"], True, "2", "RC4 40-bit"),
    "R3-RC4-128": (["128", "--use-aes=n"], True, "3", "RC4 128-bit"),
    "R4-AES-128": (["128", "--use-aes=y"], False, "4", "AES-128"),
    "R5-AES-256": (["256", "--force-R5"], True, "5", "AES-256"),
    "R6-AES-256": (["256"], False, "6", "AES-256"),
}


def encrypt(src: Path, out: Path, user: str, owner: str, revision: str, *extra: str) -> Path:
    key_args, weak, _, _ = REVISIONS[revision]
    args = [require("qpdf", "qpdf"), *(["--allow-weak-crypto"] if weak else []), *extra,
            "--encrypt", user, owner, *key_args, "--", str(src), str(out)]
    subprocess.run(args, check=True)
    return out


@pytest.fixture
def plain(work) -> Path:
    return reportlab_pdf(work / "plain.pdf", pages=2)


def assert_no_crash(proc: subprocess.CompletedProcess) -> None:
    for marker in CRASH_MARKERS + ("Fatal error", "Backtrace"):
        assert marker not in proc.stdout + proc.stderr, proc.stderr


# --------------------------------------------------------------------------------------
# The empty user password ("no copying" restrictions): opened without being asked
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("object_streams", [False, True], ids=["classic", "object-streams"])
@pytest.mark.parametrize("revision", list(REVISIONS))
def test_empty_user_password_opens(work, run, run_json, plain, revision, object_streams):
    extra = ("--object-streams=generate",) if object_streams else ()
    src = encrypt(plain, work / "locked.pdf", "", "owner-secret", revision, *extra)
    assert b"/Encrypt" in src.read_bytes()
    if object_streams:
        assert b"/ObjStm" in src.read_bytes() and b"/XRef" in src.read_bytes()
    _, text = convert_text(run, src)
    assert_matches_pdftotext(text, src)  # poppler decrypts the same file
    _, clear = convert_text(run, plain)
    assert text == clear
    assert "Page 2 heading" in text and "Café crème" in text

    proc, info = run_json("info", src, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    details = info["details"]
    _, _, number, algorithm = REVISIONS[revision]
    assert details["encrypted"].startswith("yes (Standard (V")
    assert details["encryption_revision"] == number
    assert details["encryption_algorithm"] == algorithm
    assert details["encryption_opened_with"] == "the empty user password"
    assert details["pages"] == "2"
    # The Info dictionary's strings are decrypted too (UTF-16 for the author).
    assert details["title"] == "Rapport annuel" and details["author"] == "Zoë Müller"
    proc = run("validate", src)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# --------------------------------------------------------------------------------------
# A user password: refused without it, opened with the user or the owner password
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("revision", list(REVISIONS))
def test_user_password(work, h, run, run_json, plain, revision):
    src = encrypt(plain, work / "locked.pdf", "user pw", "owner pw", revision)
    out = work / "out.txt"
    before = h.listing(work)
    proc = run("convert", src, out)
    assert_no_crash(proc)
    assert proc.returncode == 1
    assert str(src) in proc.stderr and "--password" in proc.stderr and "password" in proc.stderr
    assert proc.stderr.count("\n") <= 2, proc.stderr
    assert h.listing(work) == before and not temp_leftovers(work)

    proc = run("convert", src, out, "--password", "wrong")
    assert proc.returncode == 1
    assert str(src) in proc.stderr and "neither its user nor its owner password" in proc.stderr
    assert h.listing(work) == before

    reference = pdftotext(src, "-upw", "user pw")
    for password in ("user pw", "owner pw"):
        proc = run("convert", src, out, "--password", password, "--force")
        assert proc.returncode == 0, proc.stderr
        text = out.read_text(encoding="utf-8")
        assert text.split() == reference.split()
        assert "Footer of page 2" in text

    # info reads the structure without the password, and says it did not decrypt.
    proc, info = run_json("info", src, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert info["details"]["encryption_opened_with"].startswith("nothing")
    assert "title" not in info["details"]
    proc, info = run_json("info", src, "--format", "json", "--password", "owner pw")
    assert info["details"]["encryption_opened_with"] == "the owner password"
    assert info["details"]["title"] == "Rapport annuel"
    proc, info = run_json("info", src, "--format", "json", "--password", "user pw")
    assert info["details"]["encryption_opened_with"] == "the user password"

    # validate agrees with convert, with and without the password.
    refused = run("convert", src, work / "again.txt")
    proc = run("validate", src)
    assert proc.returncode == 1
    assert refused.stderr.split("error: ", 1)[1].strip() in proc.stdout + proc.stderr
    assert run("validate", src, "--password", "user pw").returncode == 0
    assert run("validate", src, "--password", "nope").returncode == 1


def test_reportlab_rc4_with_its_password(work, run):
    # reportlab writes its own RC4 encryption (a second, independent writer).
    src = reportlab_pdf(work / "rl.pdf", pages=2, encrypt="secret")
    assert run("convert", src).returncode == 1
    _, text = convert_text(run, src, "--password", "secret")
    assert text.split() == pdftotext(src, "-upw", "secret").split()


def test_password_applies_to_pdf_and_access_only(work, run):
    csv = work / "t.csv"
    csv.write_text("a\n1\n")
    proc = run("convert", csv, "--password", "x")
    assert proc.returncode == 2 or proc.returncode == 1
    assert "--password applies only to" in proc.stderr and "PDF" in proc.stderr


def test_formats_lists_password_for_pdf(run_json):
    _, rows = run_json("formats", "--json")
    pdf = next(r for r in rows if ".pdf" in r["extensions"])
    assert "--password" in pdf["options"]


# --------------------------------------------------------------------------------------
# Unsupported handlers and damaged encryption
# --------------------------------------------------------------------------------------


def encrypted_by_hand(encrypt_dict: bytes) -> bytes:
    """A one-page PDF whose trailer names `encrypt_dict` (object 5) as its /Encrypt."""
    data = build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
        encrypt_dict,
    ])
    return data.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 5 0 R /ID [<0011> <0011>]")


@pytest.mark.parametrize("encrypt_dict", [
    b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 >>",
    b"<< /Filter /Standard /V 3 /R 3 /O <00> /U <00> /P -4 >>",
    b"<< /Filter /Standard /V 9 /R 9 >>",
], ids=["public-key", "V3", "V9"])
def test_unsupported_handlers_are_refused(work, run, encrypt_dict):
    src = work / "odd.pdf"
    src.write_bytes(encrypted_by_hand(encrypt_dict))
    proc = run("convert", src)
    assert_no_crash(proc)
    assert proc.returncode == 1
    assert str(src) in proc.stderr and "does not decrypt" in proc.stderr and "qpdf --decrypt" in proc.stderr
    proc = run("validate", src)
    assert proc.returncode == 1 and "qpdf --decrypt" in proc.stdout + proc.stderr


@pytest.mark.parametrize("change", [
    (b"/Length 128", b"/Length 999"), (b"/Length 128", b"/Length 000"), (b"/Length 128", b"/Length 044"),
    (b"/O <", b"/O <00> /X <"), (b"/U <", b"/U 5 /X <"), (b"/Encrypt 1", b"/Encrypt 9"),
], ids=["length-999", "length-0", "length-44", "short-O", "U-not-a-string", "missing-object"])
def test_damaged_encrypt_dictionary_is_refused(work, run, plain, change):
    src = encrypt(plain, work / "locked.pdf", "", "owner", "R3-RC4-128")
    data = src.read_bytes()
    assert data.count(change[0]) == 1
    src.write_bytes(data.replace(*change))
    proc = run("convert", src)
    assert_no_crash(proc)
    assert proc.returncode == 1
    assert str(src) in proc.stderr and "/Encrypt" in proc.stderr


def with_first_content_stream(path: Path, cut) -> bool:
    """Replaces the first page's (encrypted) content stream of a qdf-mode file by
    `cut(data)`, then lets qpdf's fix-qdf correct the lengths and the xref table. False when
    fix-qdf cannot (it reads the file by lines, and some random ciphertexts confuse it)."""
    data = path.read_bytes()
    marker = data.index(b"%% Contents for page 1")
    start = data.index(b"stream\n", marker) + len(b"stream\n")
    end = data.index(b"endstream", start)
    # qdf mode ends the stream data with a newline of its own before `endstream`: keep it,
    # since fix-qdf needs it (a cut ending in a random ciphertext byte made it fail).
    if data[end - 1:end] == b"\n":
        end -= 1
    patched = data[:start] + cut(data[start:end]) + data[end:]
    fixed = subprocess.run([require("fix-qdf", "qpdf")], input=patched, capture_output=True)
    if fixed.returncode != 0:
        return False
    path.write_bytes(fixed.stdout)
    return True


@pytest.mark.parametrize("revision", ["R4-AES-128", "R6-AES-256", "R3-RC4-128"])
@pytest.mark.parametrize("cut", [lambda d: d[:21], lambda d: d[:-5], lambda d: d[:16], lambda d: b""],
                         ids=["iv-and-5-bytes", "partial-last-block", "iv-only", "empty"])
def test_truncated_ciphertext_never_traps(work, run, plain, revision, cut):
    # Each encryption draws new random bytes: another one when fix-qdf cannot re-index this.
    for _ in range(5):
        src = encrypt(plain, work / "locked.pdf", "", "owner", revision, "--qdf")
        if with_first_content_stream(src, cut):
            break
    else:
        pytest.fail("fix-qdf could not re-index 5 encryptions in a row")
    out = work / "out.txt"
    proc = run("convert", src, out)
    assert_no_crash(proc)
    # The damaged page reads as far as its data goes (or not at all); the other page is intact.
    assert proc.returncode == 0, proc.stderr
    assert "Footer of page 2" in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# pyforge serve (behind the Python API): the `password` parameter
# --------------------------------------------------------------------------------------


def test_serve_password_parameter(pyforge_bin, work, plain):
    from conftest import base_env
    from test_serve import Client

    src = encrypt(plain, work / "locked.pdf", "user pw", "owner pw", "R4-AES-128")
    client = Client(pyforge_bin, base_env())
    try:
        refused = client.call("convert", {"input": str(src), "output": str(work / "a.txt")})
        assert refused["error"]["data"]["exit_code"] == 1 and "--password" in refused["error"]["message"]
        converted = client.call("convert", {"input": str(src), "output": str(work / "a.txt"), "password": "owner pw"})
        assert converted["result"]["success"], converted
        assert (work / "a.txt").read_text(encoding="utf-8").split() == pdftotext(src, "-upw", "user pw").split()
        info = client.call("info", {"path": str(src), "password": "user pw"})["result"]
        assert info["details"]["encryption_opened_with"] == "the user password"
        assert client.call("validate", {"path": str(src)})["result"]["valid"] is False
        assert client.call("validate", {"path": str(src), "password": "user pw"})["result"]["valid"] is True
        csv = work / "t.csv"
        csv.write_text("a\n1\n")
        wrong_input = client.call("convert", {"input": str(csv), "password": "x"})
        assert "'password' applies only to" in wrong_input["error"]["message"]
    finally:
        client.call("shutdown")
        client.process.wait(timeout=10)


# --------------------------------------------------------------------------------------
# Crypt filters written by hand: /Identity, a stream's own /Crypt filter, /EncryptMetadata
# --------------------------------------------------------------------------------------

PADDING = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def rc4_20_rounds(key: bytes, data: bytes, order) -> bytes:
    for i in order:
        data = rc4(bytes(b ^ i for b in key), data)
    return data


def revision4_rc4_pdf(doc_id: bytes, contents: list[tuple[bytes, str, bool]], title: bytes) -> bytes:
    """A V4/R4 document with RC4 (/V2) crypt filters and /EncryptMetadata false, written
    with ISO 32000-1 algorithms 1, 2, 3 and 5 (hashlib's MD5): each content stream is
    (data, extra dictionary entries, encrypted?)."""
    import hashlib

    md5 = lambda data: hashlib.md5(data).digest()  # noqa: E731
    owner_key = md5(b"owner" + PADDING[:27])
    for _ in range(50):
        owner_key = md5(owner_key)
    o = rc4_20_rounds(owner_key, PADDING, range(20))  # algorithm 3, empty user password
    p = (-4).to_bytes(4, "little", signed=True)
    key = md5(PADDING + o + p + doc_id + b"\xff\xff\xff\xff")  # algorithm 2, metadata in the clear
    for _ in range(50):
        key = md5(key)
    u = rc4_20_rounds(key, md5(PADDING + doc_id), range(20)) + bytes(16)  # algorithm 5

    def object_key(number: int) -> bytes:  # algorithm 1
        return md5(key + number.to_bytes(3, "little") + b"\x00\x00")

    first = 5
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 4 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ["
        + b" ".join(b"%d 0 R" % (first + i) for i in range(len(contents))) + b"] >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, (data, extra, encrypted) in enumerate(contents):
        body = rc4(object_key(first + i), data) if encrypted else data
        objects.append(f"<< /Length {len(body)} {extra} >>\nstream\n".encode() + body + b"\nendstream")
    info = first + len(contents)
    objects.append(b"<< /Title <" + rc4(object_key(info), title).hex().encode() + b"> >>")
    objects.append(b"<< /Filter /Standard /V 4 /R 4 /Length 128 /CF << /StdCF << /CFM /V2 /Length 16 >> >> "
                   b"/StmF /StdCF /StrF /StdCF /EncryptMetadata false /P -4 /O <" + o.hex().encode()
                   + b"> /U <" + u.hex().encode() + b"> >>")
    data = build_pdf(objects, info=info)
    return data.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt %d 0 R /ID [<%s> <%s>]"
                        % (info + 1, doc_id.hex().encode(), doc_id.hex().encode()))


def test_identity_and_stream_crypt_filters(work, run, run_json):
    doc_id = bytes(range(16))
    src = work / "crypt-filters.pdf"
    src.write_bytes(revision4_rc4_pdf(doc_id, [
        (b"BT /F1 12 Tf 72 700 Td (Text of an RC4 stream) Tj ET", "", True),
        (b"BT /F1 12 Tf 72 650 Td (Text under the Identity crypt filter) Tj ET",
         "/Filter [/Crypt] /DecodeParms [<< /Type /CryptFilterDecodeParms /Name /Identity >>]", False),
        (zlib_compress(b"BT /F1 12 Tf 72 600 Td (Compressed, then encrypted) Tj ET"), "/Filter /FlateDecode", True),
    ], title=b"Hand-written title"))
    _, text = convert_text(run, src)
    assert_matches_pdftotext(text, src)
    assert text.split("\n")[:3] == ["Text of an RC4 stream", "Text under the Identity crypt filter", "Compressed, then encrypted"]
    _, info = run_json("info", src, "--format", "json")
    assert info["details"]["title"] == "Hand-written title"
    assert info["details"]["encryption_algorithm"] == "RC4 128-bit"
    assert info["details"]["encryption_opened_with"] == "the empty user password"


def zlib_compress(data: bytes) -> bytes:
    import zlib
    return zlib.compress(data)


@pytest.mark.parametrize("revision", ["R2-RC4-40", "R4-AES-128", "R5-AES-256"])
def test_mutated_encrypted_documents_never_trap(work, pyforge_bin, plain, revision):
    """Seeded byte mutations anywhere in an encrypted file (the /Encrypt dictionary, the
    ciphertext, the xref): every run ends with exit 0 or a one-sentence exit 1."""
    import random

    from conftest import base_env

    good = encrypt(plain, work / "good.pdf", "", "owner", revision).read_bytes()
    rng = random.Random(f"encrypted-{revision}")
    for attempt in range(40):
        data = bytearray(good)
        for _ in range(rng.choice([1, 4, 16])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        src = work / f"mutated-{attempt}.pdf"
        src.write_bytes(bytes(data))
        proc = subprocess.run([str(pyforge_bin), "convert", str(src), str(work / "out.txt"), "--force"], cwd=work,
                              env=base_env(), capture_output=True, text=True, errors="replace", timeout=120)
        assert_no_crash(proc)
        assert proc.returncode in (0, 1), f"attempt {attempt}: exit {proc.returncode}\n{proc.stderr}"
        if proc.returncode == 1:
            assert str(src) in proc.stderr and proc.stderr.count("\n") <= 2, proc.stderr


# --------------------------------------------------------------------------------------
# A password that is not needed is said to be unused, never silently ignored
# --------------------------------------------------------------------------------------


def test_password_not_needed_is_reported(work, run, plain):
    proc = run("convert", plain, work / "clear.txt", "--password", "x")
    assert proc.returncode == 0, proc.stderr
    assert "not encrypted, so the password given was not used" in proc.stderr

    src = encrypt(plain, work / "locked.pdf", "", "owner pw", "R6-AES-256")
    proc = run("convert", src, work / "locked.txt", "--password", "owner pw")
    assert proc.returncode == 0, proc.stderr
    assert "opens with the empty user password, so the password given was not used" in proc.stderr
    assert (work / "locked.txt").read_text(encoding="utf-8") == (work / "clear.txt").read_text(encoding="utf-8")
