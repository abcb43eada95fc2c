"""CLEAN: header lines, furniture, repairs, language and outlet; the seeds and the whole corpus."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from sitrep.clean import article_id, clean
from sitrep.clean.furniture import remove_furniture
from sitrep.clean.header import parse_byline, parse_date, parse_header
from sitrep.clean.language import detect_language
from sitrep.clean.outlet import find_outlet, known_outlet, registered_domain
from sitrep.clean.repair import normalise_whitespace, repair
from sitrep.model import Article, RawDocument, Rejection
from sitrep.read import iter_documents

BODY = ("Air defences shot down most of the drones launched overnight, the regional governor said.\n\n"
        "Two people were injured when debris fell on a residential street, officials added.")


def doc(text: str, **fields) -> RawDocument:
    return RawDocument(source="test.txt", text=text, kind=fields.pop("kind", "text"), **fields)


def article(text: str, **fields) -> Article:
    result = clean(doc(text, **fields))
    assert isinstance(result, Article), result
    return result


# ---- the seeds (read from the shared corpus at run time) ---------------------------------------


@pytest.fixture(scope="module")
def seeds(corpus: Path) -> dict[str, tuple[str, Article]]:
    out = {}
    for raw in iter_documents([str(corpus / "seeds")]):
        assert isinstance(raw, RawDocument), raw
        out[Path(raw.source).name[:3]] = (raw.text, clean(raw))
    assert sorted(out) == ["000", "001", "002", "003", "004"]
    return out


def raw_line(raw: str, start: str) -> str:
    """The whole line of the raw seed that starts with ``start`` (so tests quote no article)."""
    return next(line.strip() for line in raw.splitlines() if line.strip().startswith(start))


@pytest.mark.corpus
def test_seed_dates(seeds) -> None:
    got = {k: a.published for k, (_, a) in seeds.items()}
    assert got == {"000": "2022-12-30", "001": None, "002": "2022-12-20", "003": "2022-06-25",
                   "004": "2023-12-30T15:48"}


@pytest.mark.corpus
def test_seed_titles_urls_outlets(seeds, shared) -> None:
    gold = json.loads((shared / "eval" / "gold" / "seeds.gold.json").read_text(encoding="utf-8"))
    gold_titles = {Path(a["source"]).name[:3]: a["title"] for a in gold["articles"]}
    raw3, a3 = seeds["003"]
    titles = {k: a.title for k, (_, a) in seeds.items()}
    assert titles["000"] is None and titles["002"] is None
    for key in ("001", "003", "004"):  # the seeds gold's titles, read at run time (tests quote no article)
        assert titles[key] == gold_titles[key]
    assert a3.url == raw_line(raw3, "https://")
    assert seeds["001"][1].outlet == "The Moscow Times"
    assert a3.outlet == "russiaherald.com"
    assert seeds["004"][1].author == "Emma Soteriou"


@pytest.mark.corpus
def test_seed_header_lines_leave_the_text(seeds) -> None:
    for key, (_, a) in seeds.items():
        assert not a.text.startswith((" ", "date ")), key
        if a.title:
            assert a.title not in a.text, key
        assert not re.search(r"^\d{8}$|^https?://", a.text, re.M), key
    assert "30 December 2023, 15:48" not in seeds["004"][1].text
    assert "By Emma" not in seeds["004"][1].text


@pytest.mark.corpus
def test_seed_furniture_is_gone(seeds) -> None:
    t1, t4 = seeds["001"][1].text, seeds["004"][1].text
    for phrase in ("please support us monthly", "Sign up for our free weekly newsletter", "Support The Moscow Times",
                   "Subscribers agree", "Remind me later", "Defense Ministry/TASS", "Dear readers"):
        assert phrase not in t1
    assert not t1.rstrip().endswith("Read more")
    for phrase in ("Read more:", "Listen to this article", "Loading audio", "Picture: Alamy"):
        assert phrase not in t4
    caption = raw_line(seeds["004"][0], "A car destroyed")  # the alt text above a caption
    assert caption.split(".")[0] not in t4


@pytest.mark.corpus
def test_seed_reporting_is_kept(seeds) -> None:
    raw1, a1 = seeds["001"]
    raw4, a4 = seeds["004"]
    assert raw_line(raw4, "Two children were killed in Belgorod") in a4.text
    assert raw_line(raw1, "Twenty rockets") in a1.text
    # every paragraph between the title and the newsletter box survives, except the photo credit
    body = raw1.split("Sign up for our free weekly newsletter")[0].split("\n\n")[2:]
    kept = [p.strip() for p in body if p.strip() and "/TASS" not in p]
    assert len(kept) > 15 and all(p in a1.text for p in kept)
    for key in ("000", "002"):  # nothing to remove there: every raw paragraph but the prefix is kept
        raw, a = seeds[key]
        paragraphs = [p.strip() for p in raw.split("\n\n")[1:] if p.strip()]
        assert all(p in a.text for p in paragraphs), key


@pytest.mark.corpus
def test_seed_lost_quotes_repaired(seeds) -> None:
    a3 = seeds["003"][1]
    assert '"massive missile shelling"' in a3.text and "?massive" not in a3.text
    assert "Belarus' territory" in a3.text
    assert [n.reason for n in a3.notes] == ["repaired_quotes"]
    assert all(not a.notes for k, (_, a) in seeds.items() if k != "003")


@pytest.mark.corpus
def test_seed_language_and_ids(seeds) -> None:
    for raw, a in seeds.values():
        assert a.language == "en"
        assert a.id == hashlib.sha256(a.text.encode("utf-8")).hexdigest()[:16]
        assert a.raw_text == raw


# ---- stable ids: cleaning is deterministic and idempotent ---------------------------------------


def _recleaned(a: Article, kind: str) -> Article | Rejection:
    return clean(RawDocument(source=a.source, text=a.text, kind=kind, url=a.url, title=a.title,
                             published=a.published, outlet=a.outlet))


@pytest.mark.corpus
def test_ids_are_stable(corpus: Path) -> None:
    samples = Path(__file__).resolve().parents[1] / "src" / "sitrep" / "data" / "samples"
    docs = [d for d in iter_documents([str(corpus / "seeds"), str(samples)]) if isinstance(d, RawDocument)]
    assert len([d for d in docs if d.kind == "record"]) >= 2
    for d in docs:
        first, second = clean(d), clean(d)
        assert first == second
        again = _recleaned(first, d.kind)
        assert again.text == first.text and again.id == first.id, d.source


# ---- header lines -----------------------------------------------------------------------------


def test_date_prefix_title_dateline_byline() -> None:
    a = article(" date 2023-05-01 Drones strike fuel depot in the south\n\n1 May 2023, 09:05\n\n"
                "By Jane Doe and John Roe, Reuters\n\n" + BODY)
    assert (a.title, a.published, a.author) == ("Drones strike fuel depot in the south", "2023-05-01T09:05",
                                                "Jane Doe and John Roe")
    assert a.text == BODY


def test_date_prefix_before_a_first_sentence() -> None:
    first = "Air defences shot down most of the drones launched overnight, the governor said."
    a = article(f" date 2023-05-01 {first}\n\nTwo people were injured, officials added.")
    assert a.title is None and a.published == "2023-05-01"
    assert a.text.startswith(first)


def test_title_compact_date_and_url_lines() -> None:
    a = article("Drones strike fuel depot\n20230501\nhttps://news.example.com/2023/05/01/depot\n" + BODY)
    assert (a.title, a.published, a.url, a.outlet) == (
        "Drones strike fuel depot", "2023-05-01", "https://news.example.com/2023/05/01/depot", "example.com")
    assert a.text == BODY


def test_no_header_at_all() -> None:
    a = article(BODY)
    assert (a.title, a.published, a.url, a.author, a.outlet) == (None, None, None, None, None)
    assert a.text == BODY


def test_a_lone_short_line_is_text_not_a_title() -> None:
    a = article("Drones strike fuel depot in the south")
    assert a.title is None and a.text == "Drones strike fuel depot in the south"


def test_two_sentences_are_not_a_title() -> None:
    text = "Drones hit a depot. Nobody was hurt\n\n" + BODY
    assert article(text).text == text


def test_container_fields_win_and_a_repeated_title_line_goes() -> None:
    a = article("Depot hit by drones\n\nUpdated 2 May 2023 10:30 GMT\n\n" + BODY, kind="record",
                title="Depot hit by drones", published="2023-05-02", url="https://www.bbc.co.uk/news/1",
                outlet="Given Outlet")
    assert (a.title, a.outlet, a.url) == ("Depot hit by drones", "Given Outlet", "https://www.bbc.co.uk/news/1")
    assert a.published == "2023-05-02T10:30+00:00"  # the same day: the header adds the time
    assert a.text == BODY
    other_day = article("1 June 2023\n\n" + BODY, published="2023-05-02")
    assert other_day.published == "2023-05-02"


def test_unparsed_container_date_is_noted() -> None:
    a = article(BODY, published="sometime last spring")
    assert a.published is None and [n.reason for n in a.notes] == ["unparsed_date"]


@pytest.mark.parametrize("line, iso", [
    ("30 December 2023, 15:48", "2023-12-30T15:48"),
    ("December 30, 2023", "2023-12-30"),
    ("Updated 30 Dec 2023 15:48 GMT", "2023-12-30T15:48+00:00"),
    ("Sat 30 Dec 2023 15.48 GMT", "2023-12-30T15:48+00:00"),
    ("Published: December 30, 2023 at 3:48 p.m. ET", "2023-12-30T15:48"),
    ("Thursday, 09 May 2024, 23:13", "2024-05-09T23:13"),
    ("20220625", "2022-06-25"),
    ("2022-02-23T10:00:00+03:00", "2022-02-23T10:00+03:00"),
    ("2023-02-30", None), ("12345678", None), ("30 December 2023 in Kyiv", None),
    ("Russia fired missiles on 30 December 2023", None),
])
def test_parse_date(line: str, iso: str | None) -> None:
    assert parse_date(line) == iso


@pytest.mark.parametrize("line, author", [
    ("By Emma Soteriou", "Emma Soteriou"), ("By Sam Writer", "Sam Writer"),
    ("By Jane Doe and John Roe", "Jane Doe and John Roe"), ("By Jane Doe, Reuters", "Jane Doe"),
    ("By Jane Doe, Kyiv correspondent", "Jane Doe"), ("By Jane Doe in Kyiv", "Jane Doe"),
    ("By Monday, troops had left the town.", None), ("By contrast the city was calm", None),
    ("By the end of the day, 12 drones had been downed", None), ("Bystanders fled", None),
])
def test_parse_byline(line: str, author: str | None) -> None:
    assert parse_byline(line) == author


def test_header_scan_stops_at_the_article() -> None:
    text = BODY + "\n\n30 December 2023, 15:48\n\nBy Jane Doe"
    header, rest = parse_header(text)
    assert header.published is None and header.author is None and rest == text


# ---- furniture ------------------------------------------------------------------------------


def test_appeal_block_and_newsletter_box_are_removed() -> None:
    text = (BODY + "\n\nSign up for our free weekly newsletter\n\nOur weekly newsletter brings the week's news.\n"
            "Subscribers agree to the Privacy Policy\n\nA Message from Example Times:\n\nDear readers,\n\n"
            "We need your help to keep reporting. Every contribution matters.\n\nOnce\nMonthly\nContinue\n"
            "Not ready to support today?\nRemind me later.\n\nRead more")
    assert remove_furniture(text).strip() == BODY


@pytest.mark.parametrize("line", [
    "Advertisement", "ADVERTISEMENT", "Share this article", "Listen to this article", "Loading audio...",
    "Read more: Drones hit a depot in the south", "READ MORE: Drones hit a depot", "Related: Drones hit a depot",
    "Support Our Newsroom!", "Support independent journalism: donate today to keep us reporting.",
    "Please support us monthly from just $2 a month.", "We use cookies to improve your experience.",
    "Photo: Reuters", "Photograph: Jane Doe/AP", "(AP Photo/Jane Doe)", "Regional Press Office/TASS",
    "Smoke over the depot. Picture: Alamy", "A burning depot (Jane Doe/AP)", "Getty Images",
    "CLICK HERE TO GET THE NEWS APP", "JOIN US ON TELEGRAM! Follow our coverage.",
    "© 2023 Example News. All rights reserved.", "Sign up to our daily newsletter",
    "DRONES HIT FUEL DEPOT IN SOUTHERN REGION, GOVERNOR SAYS",
])
def test_furniture_lines(line: str) -> None:
    assert normalise_whitespace(remove_furniture(f"{BODY}\n\n{line}\n\n{BODY}")) == f"{BODY}\n\n{BODY}"


@pytest.mark.parametrize("line", [
    "Support for Ukraine from its allies includes contributions of $2 billion, the minister said.",
    "By Monday, troops had left the town, the mayor said.",
    "Video footage showed smoke rising over the depot after the strike.",
    "Copyright laws were changed last year, the court said.",
    "Read the full statement, the ministry urged reporters on Monday.",
    "The ministry said the photo: showed a destroyed launcher, but gave no source.",
    "Is it over? Yes, the governor said.",
    "NATO said it was watching closely.",
    "“Please support us,” the mayor told reporters as the shelling went on.",
])
def test_reporting_lines_are_kept(line: str) -> None:
    text = f"{BODY}\n\n{line}\n\n{BODY}"
    assert remove_furniture(text) == text


def test_caption_takes_its_alt_text_along() -> None:
    caption = "Smoke rises over the depot after the strike"
    out = remove_furniture(f"{BODY}\n\n{caption}\n{caption}. Picture: Alamy\n\n{BODY}")
    assert caption not in out and out.count("Air defences") == 2


def test_inline_boilerplate_in_texts_without_line_breaks() -> None:
    line = ("Drones hit a depot, officials said (AP Photo/Jane Doe) and nobody was hurt. © 2022 BBC. The BBC "
            "is not responsible for the content of external sites. Read about our approach to external linking.")
    assert normalise_whitespace(remove_furniture(line)) == "Drones hit a depot, officials said and nobody was hurt."


def test_nothing_left_is_rejected() -> None:
    result = clean(doc("Advertisement\n\nShare this article\n\nRead more"))
    assert isinstance(result, Rejection) and result.reason == "empty_after_cleaning"
    assert result.source == "test.txt"


# ---- repairs and whitespace -------------------------------------------------------------------


def test_lost_quotes_are_restored_and_real_question_marks_kept() -> None:
    text = ("Officials called it ?a deliberate strike? on the city?s port.\n"
            "The ministry?s statement said the drones? debris fell. Is it over? Yes. Who knows?Nobody.")
    fixed, notes = repair(text)
    assert fixed == ('Officials called it "a deliberate strike" on the city\'s port.\n'
                     "The ministry's statement said the drones' debris fell. Is it over? Yes. Who knows?Nobody.")
    assert [n.reason for n in notes] == ["repaired_quotes"]


def test_question_marks_alone_are_not_evidence() -> None:
    text = "Is it over? Who knows?Nobody can tell. What now? the mayor asked. Was it Russia?s?"
    assert repair(text) == (text, ())


def test_mojibake_is_fixed_and_curly_quotes_kept() -> None:
    broken = "The minister said: “we can’t stop” in Kyiv’s " + "при".encode().decode("cp1252")
    broken = broken.replace("can’t", "can’t".encode().decode("cp1252"))
    fixed, notes = repair(broken)
    assert fixed == "The minister said: “we can’t stop” in Kyiv’s при"
    assert [n.reason for n in notes] == ["repaired_mojibake"]
    clean_text = "Prices in the café “rose” – Zürich, Kraków, Ñandú, naïve."
    assert repair(clean_text) == (clean_text, ())


def test_whitespace_keeps_paragraphs() -> None:
    text = "  First paragraph.  \r\n\r\n\r\n\r\nSecond\u00a0one.\t\n\n\n\nThird  one.\n"
    a = article(text)
    assert a.text == "First paragraph.\n\nSecond one.\n\nThird one."


# ---- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, text", [
    ("en", "Air defences shot down most of the drones that were launched at the city overnight."),
    ("de", "Die Luftabwehr hat in der Nacht die meisten der Drohnen abgeschossen, die auf die Stadt zielten."),
    ("fr", "La défense aérienne a abattu la plupart des drones qui ont été lancés sur la ville pendant la nuit."),
    ("es", "La defensa aérea derribó la mayoría de los drones que fueron lanzados contra la ciudad por la noche."),
    ("it", "La difesa aerea ha abbattuto la maggior parte dei droni che sono stati lanciati sulla città nella notte."),
    ("pl", "Obrona przeciwlotnicza zestrzeliła w nocy większość dronów, które zostały wystrzelone na miasto."),
    ("pt", "A defesa aérea derrubou a maioria dos drones que foram lançados contra a cidade durante a noite."),
    ("nl", "De luchtverdediging heeft de meeste drones neergeschoten die in de nacht op de stad werden afgevuurd."),
    ("ru", "Силы ПВО ночью сбили большую часть беспилотников, запущенных по городу."),
    ("uk", "Сили ППО вночі збили більшість безпілотників, які були запущені по місту."),
    ("be", "Сілы СПА ўначы збілі большую частку беспілотнікаў, запушчаных па горадзе."),
    ("el", "Η αεράμυνα κατέρριψε τα περισσότερα drones τη νύχτα."),
    ("und", "12 345 678 — 2023"),
])
def test_language(lang: str, text: str) -> None:
    assert detect_language(text) == lang


def test_language_reads_only_the_opening_sample() -> None:
    # the language is decided on the first sample_chars characters: a long text costs no more
    # than a short one, and a long tail in another language does not sway it
    tail = "Сили ППО вночі збили більшість запущених по місту безпілотників. " * 400
    english = (BODY + "\n\n") * 20
    assert len(english) > 2000  # longer than the sample (data/languages.yaml)
    assert detect_language(english + tail) == "en"
    assert detect_language(tail + english) == "uk"


def test_cp1251_file_cleans_as_russian(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes("Силы ПВО ночью сбили большую часть беспилотников, запущенных по городу.".encode("cp1251"))
    a = clean(next(iter_documents([str(path)])))
    assert a.language == "ru" and [n.reason for n in a.notes] == ["legacy_encoding"]


# ---- outlets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url, outlet", [
    ("https://www.theguardian.com/world/2022/x", "The Guardian"), ("https://edition.cnn.com/x", "CNN"),
    ("https://abcnews.go.com/x", "ABC News"), ("https://eng.belta.by/x", "BelTA"), ("www.rt.com/news/1", "RT"),
    ("https://www.bbc.co.uk/news/1", "BBC"), ("https://news.example.co.uk/a", "example.co.uk"),
    ("https://www.russiaherald.com/news/1", "russiaherald.com"), ("not a url", None), ("", None), (None, None),
])
def test_outlet_from_url(url: str | None, outlet: str | None) -> None:
    assert (known_outlet(url) or registered_domain(url)) == outlet


def test_outlet_from_signature() -> None:
    assert find_outlet(None, "Support The Moscow Times!\n\n" + BODY) == "The Moscow Times"
    assert find_outlet(None, BODY + "\n\nA Message from The Moscow Times:\n\nDear readers,") == "The Moscow Times"
    assert find_outlet(None, "Support Ukraine!\n\n" + BODY) is None
    assert find_outlet("https://www.rt.com/x", "Support The Moscow Times!") == "RT"
    assert find_outlet("https://www.russiaherald.com/x", "Support The Moscow Times!") == "The Moscow Times"


def test_article_id_is_a_hash_of_the_text() -> None:
    a = article(BODY)
    assert a.id == article_id(BODY) == hashlib.sha256(BODY.encode()).hexdigest()[:16]
    assert article(BODY + " More.").id != a.id
    assert clean(replace(doc(BODY), source="elsewhere.txt")).id == a.id


# ---- the whole corpus -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.corpus
def test_whole_corpus_reads_and_cleans(corpus: Path) -> None:
    files = sorted((corpus / "news").glob("*.jsonl"))
    expected = sum(1 for f in files for line in f.read_text(encoding="utf-8").splitlines() if line.strip())
    outcomes = [clean(d) if isinstance(d, RawDocument) else d for d in iter_documents(map(str, files))]
    rejected = [o for o in outcomes if isinstance(o, Rejection)]
    assert len(outcomes) == expected and not rejected, rejected[:3]
    assert all(a.text and a.language != "und" for a in outcomes)


def test_lone_surrogates_and_control_characters() -> None:
    a = article("Half a pair \ud800 here.\x00\x07 Done.\fNext page.")
    assert a.text == "Half a pair \ufffd here. Done.\nNext page."
    assert [n.reason for n in a.notes] == ["invalid_unicode"]
    a.text.encode("utf-8")
