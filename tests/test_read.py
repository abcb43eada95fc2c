"""READ: containers sniffed by content, legacy encodings, and every bad input one Rejection."""
from __future__ import annotations

import gzip
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from sitrep.model import RawDocument, Rejection
from sitrep.read import iter_documents
from sitrep.read.decode import MAX_DOCUMENT_BYTES, decode

# Invented texts (our own words), long enough to look like articles.
ENGLISH = ("Air defences shot down most of the drones launched overnight, the regional governor said.\n\n"
           "Two people were injured when debris fell on a residential street, officials added.\n")
RUSSIAN = ("Ночью силы ПВО сбили большую часть беспилотников, сообщил губернатор области.\n\n"
           "Два человека пострадали от падения обломков на жилую улицу, добавили власти.\n")
WESTERN = "The café near the station sold tea for £2 before the strike, a naïve owner said.\n"
HTML = ("<!DOCTYPE html><html><head><title>Drones downed over the region</title>"
        '<meta property="og:site_name" content="Example Wire">'
        '<meta property="og:url" content="https://wire.example.org/2023/01/02/drones">'
        '<meta property="article:published_time" content="2023-01-02T08:15:00Z"></head>'
        "<body><nav><a href='/'>Home</a></nav><article><h1>Drones downed over the region</h1>"
        "<p>Air defences shot down most of the drones launched overnight, the regional governor said on Monday.</p>"
        "<p>Two people were injured when debris fell on a residential street, officials added in a statement.</p>"
        "</article><footer>Example Wire</footer></body></html>")


def record(i: int, **extra) -> str:
    fields = {"id": f"r{i}", "title": f"Report {i}", "date": "2023-01-02", "url": "",
              "outlet": "Example Wire", "text": f"Report number {i}: {ENGLISH}"}
    fields.update(extra)
    return json.dumps(fields, ensure_ascii=False)


def read_all(*paths: Path | str) -> list[RawDocument | Rejection]:
    return list(iter_documents([str(p) for p in paths]))


def only(items: list) -> RawDocument | Rejection:
    assert len(items) == 1, items
    return items[0]


# ---- a folder of good and bad inputs ---------------------------------------------------------


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(ENGLISH, encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02 some words \x00" * 50)
    (d / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.md").write_text(" \n\t\n", encoding="utf-8")
    (d / "russian.txt").write_bytes(RUSSIAN.encode("cp1251"))
    (d / "western.txt").write_bytes(WESTERN.encode("latin-1"))
    (d / "broken.txt").write_bytes(("Kyiv’s mayor said " + ENGLISH).encode("utf-8").replace(b"mayor", b"ma\xffor"))
    (d / "records.jsonl").write_text("\n".join([record(1), '{"id": "r2", "text": ', record(3), ""]),
                                     encoding="utf-8")
    (d / "notext.jsonl").write_text(record(4, text="  ") + "\n" + "[1, 2]\n", encoding="utf-8")
    (d / "notes.xyz").write_text(ENGLISH, encoding="utf-8")
    (d / "x.txt").mkdir()
    (d / "link.txt").symlink_to(d / "missing-target.txt")
    (d / "page.txt").write_text(HTML, encoding="utf-8")
    (d / "records.txt").write_text(record(5) + "\n", encoding="utf-8")
    with gzip.open(d / "packed.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(record(6) + "\n" + record(7) + "\n")
    with gzip.open(d / "packed.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write(ENGLISH)
    with gzip.open(d / "mystery.gz", "wt", encoding="utf-8") as fh:
        fh.write(HTML)
    (d / "corrupt.txt.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"not really gzip" * 10)
    (d / ".hidden.txt").write_text(ENGLISH, encoding="utf-8")
    (d / "NOEXT").write_text(record(8) + "\n", encoding="utf-8")
    (d / "report.2023").write_text(ENGLISH, encoding="utf-8")  # a number is no extension: sniffed
    return d


def _by_file(items: list[RawDocument | Rejection]) -> dict[str, list]:
    out: dict[str, list] = {}
    for item in items:
        name = os.path.basename(item.source.split("#")[0].rsplit(":", 1)[0] if isinstance(item, Rejection)
                                else item.source.split("#")[0])
        out.setdefault(name, []).append(item)
    return out


EXPECTED = {  # file -> what each of its inputs becomes, in order (a kind, or a rejection reason)
    "good.txt": ["text"], "binary.txt": ["binary"], "image.png": ["unknown_extension"],
    "empty.txt": ["empty"], "blank.md": ["empty"], "russian.txt": ["text"], "western.txt": ["text"],
    "broken.txt": ["text"], "records.jsonl": ["record", "bad_json", "record"],
    "notext.jsonl": ["no_text", "bad_record"], "notes.xyz": ["unknown_extension"],
    "x.txt": ["unreadable"], "link.txt": ["unreadable"], "page.txt": ["html"],
    "records.txt": ["record"], "packed.jsonl.gz": ["record", "record"], "packed.txt.gz": ["text"],
    "mystery.gz": ["html"], "corrupt.txt.gz": ["unreadable"], "NOEXT": ["record"], "report.2023": ["text"],
}


def test_every_input_becomes_one_outcome(inputs: Path) -> None:
    got = _by_file(read_all(inputs))
    outcome = {name: [i.reason if isinstance(i, Rejection) else i.kind for i in items]
               for name, items in got.items()}
    assert outcome == EXPECTED  # .hidden.txt is skipped


def test_rejections_name_the_file(inputs: Path) -> None:
    for item in read_all(inputs):
        if isinstance(item, Rejection):
            assert item.source.startswith(str(inputs)), item
            assert item.detail and item.message().startswith(item.source)


def test_folder_order_is_sorted_and_stable(inputs: Path) -> None:
    first = [i.source for i in read_all(inputs)]
    assert first == [i.source for i in read_all(inputs)]
    files = [s for s in first if "#" not in s and ":" not in s.removeprefix(str(inputs))]
    assert files == sorted(files)


def test_legacy_encodings_are_decoded_with_a_note(inputs: Path) -> None:
    russian = only(read_all(inputs / "russian.txt"))
    assert russian.text == RUSSIAN
    assert [(n.reason, n.detail) for n in russian.notes] == [("legacy_encoding", "decoded as cp1251")]
    western = only(read_all(inputs / "western.txt"))
    assert western.text == WESTERN
    assert [n.reason for n in western.notes] == ["legacy_encoding"]
    assert "cp1252" in western.notes[0].detail


def test_invalid_utf8_is_replaced_with_a_note(inputs: Path) -> None:
    doc = only(read_all(inputs / "broken.txt"))
    assert "Kyiv’s" in doc.text and "ma\ufffdor" in doc.text
    assert [(n.reason, n.detail) for n in doc.notes] == [("invalid_utf8", "1 invalid byte replaced")]


def test_jsonl_records_carry_their_fields(inputs: Path) -> None:
    items = read_all(inputs / "records.jsonl")
    first, bad, third = items
    assert first.source == f"{inputs / 'records.jsonl'}#r1"
    assert (first.title, first.published, first.url, first.outlet) == ("Report 1", "2023-01-02", None, "Example Wire")
    assert first.text.startswith("Report number 1:")
    assert bad.source == f"{inputs / 'records.jsonl'}:2" and bad.reason == "bad_json"
    assert "line 2" in bad.detail
    assert third.source.endswith("#r3")


def test_record_without_id_is_named_by_line(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_text("\n" + json.dumps({"text": ENGLISH}) + "\n", encoding="utf-8")
    assert only(read_all(path)).source == f"{path}#2"


def test_gzip_and_sniffed_containers(inputs: Path) -> None:
    packed = read_all(inputs / "packed.jsonl.gz")
    assert [d.source.rsplit("#", 1)[1] for d in packed] == ["r6", "r7"]
    assert only(read_all(inputs / "packed.txt.gz")).text == ENGLISH
    for name in ("page.txt", "mystery.gz"):
        page = only(read_all(inputs / name))
        assert page.kind == "html"
        assert page.title == "Drones downed over the region"
        assert page.url == "https://wire.example.org/2023/01/02/drones"
        assert page.outlet == "Example Wire"
        assert page.published.startswith("2023-01-02")
        assert "debris fell on a residential street" in page.text and "<p>" not in page.text
        assert "Home" not in page.text.split("\n")


def test_html_without_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "blank.html"
    path.write_text("<html><head><title>x</title></head><body><script>var a=1;</script></body></html>")
    assert only(read_all(path)).reason == "no_text"


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: text at the start, 50 MB long
        fh.write(ENGLISH.encode() * 100)
        fh.seek(50 * 1024 * 1024)
        fh.write(b"end\n")
    before = _bytes_read()
    rejection = only(read_all(path))
    assert rejection.reason == "too_large" and rejection.source == str(path)
    assert _bytes_read() - before < 5 * 1024 * 1024  # the head only, not the 50 MB


def _bytes_read() -> int:
    """What this process has read so far (Linux's /proc/self/io: every read call counts)."""
    io = Path("/proc/self/io")
    if not io.exists():
        pytest.skip("needs /proc/self/io (Linux) to count the bytes read")
    return int(next(line.split()[1] for line in io.read_text().splitlines() if line.startswith("rchar:")))


def test_huge_jsonl_line_is_refused_and_the_next_line_read(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(record(1) + "\n")
        fh.write(record(2, text="x" * (MAX_DOCUMENT_BYTES + 10)) + "\n")
        fh.write(record(3) + "\n")
    items = read_all(path)
    assert [getattr(i, "reason", "ok") for i in items] == ["ok", "too_large", "ok"]
    assert items[1].source == f"{path}:2"


def test_huge_gzipped_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt.gz"
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(b"word " * (MAX_DOCUMENT_BYTES // 5 + 10))
    assert only(read_all(path)).reason == "too_large"


def test_jsonl_streams_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(20_000):
            fh.write(record(i) + "\n")
    size = path.stat().st_size
    tracemalloc.start()
    count = sum(1 for _ in iter_documents([str(path)]))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 20_000
    assert peak < size / 10, (peak, size)


def test_paths_globs_and_missing(inputs: Path) -> None:
    missing = only(read_all(inputs / "nope.txt"))
    assert (missing.reason, missing.source) == ("not_found", str(inputs / "nope.txt"))
    assert only(read_all(inputs / "*.nothing")).reason == "not_found"
    globbed = read_all(str(inputs.parent / "**" / "*.jsonl.gz"))
    assert [d.source.rsplit("#", 1)[1] for d in globbed] == ["r6", "r7"]
    hidden = only(read_all(inputs / ".hidden.txt"))  # named explicitly, a hidden file is read
    assert hidden.kind == "text"


@pytest.mark.parametrize("data, reason", [
    (b"%PDF-1.7\n...", "binary"), (b"PK\x03\x04rest", "binary"), (b"\x7fELF\x02\x01", "binary"),
    (bytes(range(1, 32)) * 20, "binary"), (b"", "empty"), (b"\n\n  \r\n", "empty"),
])
def test_decode_refuses(data: bytes, reason: str) -> None:
    result = decode(data, "src")
    assert isinstance(result, Rejection) and result.reason == reason and result.source == "src"


def test_decode_keeps_utf8_and_strips_bom() -> None:
    assert decode("\ufeffKyiv’s «text»".encode("utf-8"), "s") == ("Kyiv’s «text»", ())
    assert decode("Київ".encode("utf-16"), "s") == ("Київ", ())


def test_whole_json_files(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text('{\n  "id": "p1",\n  "text": "A report about drones."\n}\n')
    (tmp_path / "many.json").write_text('[{"text": "A report about drones."}, 5, {"title": "no text"}]')
    (tmp_path / "bad.json").write_text('{\n  "text": \n')
    got = read_all(tmp_path / "one.json", tmp_path / "many.json", tmp_path / "bad.json")
    assert [getattr(g, "reason", None) or g.source.rsplit("/", 1)[1] for g in got] == [
        "one.json#p1", "many.json#1", "bad_record", "no_text", "bad_json"]
    assert got[2].source.endswith("many.json#2") and "item 2 is a JSON number" in got[2].detail


def test_odd_records(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'{"text": "half a pair \\ud800 here"}\n{"text": 5}\nnull\n'
                     b'{"id": "x", "text": "caf\xe9 bytes"}\n')
    first, no_text, null, broken = read_all(path)
    assert first.text == "half a pair \ud800 here"  # kept as read; cleaning replaces it
    assert (no_text.reason, null.reason) == ("no_text", "bad_record") and "JSON null" in null.detail
    assert broken.text == "caf\ufffd bytes" and broken.notes[0].reason == "invalid_utf8"


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read any file")
        rejection = only(read_all(path))
        assert (rejection.reason, rejection.source) == ("unreadable", str(path))
        assert "ermission" in rejection.detail
    finally:
        path.chmod(0o644)


def _warc(path: Path, gzipped: bool) -> None:
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, ctype, body in (("https://wire.example.org/a", "text/html; charset=utf-8", HTML.encode()),
                                 ("https://wire.example.org/logo.png", "image/png", b"\x89PNG" + b"\x00" * 40)):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body),
                                                          http_headers=headers))
        req = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "wire.example.org")], is_http_request=True)
        writer.write_record(writer.create_warc_record("https://wire.example.org/a", "request",
                                                      payload=BytesIO(b""), http_headers=req))


@pytest.mark.parametrize("name,gzipped", [("crawl.warc.gz", True), ("crawl.warc", False)])
def test_warc_html_responses_are_read_and_the_rest_counted(tmp_path: Path, name: str, gzipped: bool) -> None:
    _warc(tmp_path / name, gzipped)
    items = read_all(tmp_path / name)
    docs = [i for i in items if isinstance(i, RawDocument)]
    skipped = [i for i in items if isinstance(i, Rejection)]
    assert len(docs) == 1 and docs[0].kind == "html" and docs[0].source.endswith("#https://wire.example.org/a")
    assert "shot down most of the drones" in docs[0].text
    assert [r.reason for r in skipped] == ["not_html"] and skipped[0].source.endswith("logo.png")


def test_a_broken_warc_is_one_rejection(tmp_path: Path) -> None:
    (tmp_path / "bad.warc").write_bytes(b"this is not a WARC file at all\n" * 5)
    assert [r.reason for r in read_all(tmp_path / "bad.warc")] == ["unreadable"]
