"""Ingest end to end on real articles: the seeds, the news corpus, re-runs and kills. Tests taking
``db_url`` run on SQLite and PostgreSQL (tests/conftest.py); the corpus-wide ones on SQLite only."""
from __future__ import annotations

import gc
import json
import re
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitrep import pipeline, service
from sitrep.store import Store

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, db: Path | str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "sitrep", "--db", str(db), *args],
                          capture_output=True, text=True, env=env, **kw)


def ingest(db, *paths) -> pipeline.Summary:
    return service.ingest(Store(str(db)), [str(p) for p in paths])


def test_seeds_ingest_and_reingest_adds_nothing(corpus, db_url):
    db = db_url
    collector = gc.get_threshold()
    first = ingest(db, corpus / "seeds")
    assert gc.get_threshold() == collector  # an ingest collects garbage less often, and only while it runs
    assert (first.read, first.new, first.rejected_total) == (5, 5, 0)
    again = ingest(db, corpus / "seeds")
    assert (again.read, again.new, again.present) == (5, 0, 5)
    assert Store(str(db)).count_articles() == 5


def _record(corpus: Path, rid: str) -> str:
    with open(corpus / "news" / "r2nery-ukraine-media.jsonl", encoding="utf-8") as fh:
        return next(line for line in fh if f'"id": "{rid}"' in line)


@pytest.mark.parametrize("seed_first", [True, False])
def test_syndicated_copy_is_a_duplicate_whichever_comes_first(corpus, tmp_path, seed_first, db_url):
    rec = tmp_path / "rt.jsonl"
    rec.write_text(_record(corpus, "r2nery-01587"), encoding="utf-8")
    seed = corpus / "seeds" / "003_9ab1cb0d8b58ee3b.txt"
    db = db_url
    order = [seed, rec] if seed_first else [rec, seed]
    summary = ingest(db, *order)
    assert (summary.new, summary.duplicates) == (2, 1)
    rows = list(Store(str(db)).iter_articles())
    first, second = rows
    assert first["duplicate_of"] is None and second["duplicate_of"] == first["id"]
    assert Path(second["source"].split("#")[0]).name == order[1].name


def test_export_articles_gives_seed_metadata(corpus, tmp_path, shared, db_url):
    db = db_url
    ingest(db, corpus / "seeds")
    out = tmp_path / "articles.jsonl"
    done = run_cli("export", "articles", "--format", "jsonl", "-o", str(out), db=db)
    assert done.returncode == 0, done.stderr
    mentions = tmp_path / "mentions.jsonl"
    mentions.write_text("")
    score = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), str(shared / "eval" / "gold" / "seeds.gold.json"),
                            str(mentions), "--articles", str(out), "--json"], capture_output=True, text=True)
    slots = json.loads(score.stdout)["slots"]
    for key in ("article_published", "article_title", "article_outlet"):
        assert slots[key]["accuracy"] == 1.0, (key, slots[key])


@pytest.mark.slow
def test_whole_news_corpus_ingests_and_accounts_for_every_record(corpus, tmp_path):
    files = sorted((corpus / "news").glob("*.jsonl"))
    lines = sum(1 for f in files for line in open(f, encoding="utf-8") if line.strip())
    db = tmp_path / "news.db"
    done = run_cli("ingest", *map(str, files), db=db)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    counts = dict(part.rsplit(" ", 1) for part in summary.split(", ")[:4])
    assert int(counts["read"]) == lines
    rejected = int(re.search(r"rejected (\d+)", summary).group(1))
    assert int(counts["new"]) + int(counts["already present"]) + rejected == lines
    again = run_cli("ingest", *map(str, files), db=db)
    assert "new 0," in again.stdout, again.stdout


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("select count(*) from articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _snapshot(db: Path) -> tuple:
    with sqlite3.connect(db) as conn:
        arts = sorted(conn.execute("select id, duplicate_of, source from articles"))
        srcs = conn.execute("select count(*) from sources").fetchone()[0]
        bands = conn.execute("select count(*) from signature_bands").fetchone()[0]
    return arts, srcs, bands


@pytest.mark.slow
def test_kill_9_mid_ingest_then_rerun_equals_one_clean_run(corpus, tmp_path):
    src = corpus / "news" / "r2nery-ukraine-media.jsonl"
    part = tmp_path / "part.jsonl"
    with open(src, encoding="utf-8") as fh, open(part, "w", encoding="utf-8") as out:
        for i, line in enumerate(fh):
            if i >= 1500:
                break
            out.write(line)
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    assert run_cli("ingest", "-q", str(part), db=clean_db).returncode == 0
    total = _count(clean_db)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "sitrep", "--db", str(killed_db), "ingest", "-q", str(part)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _count(killed_db) < total // 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < _count(killed_db) < total
    assert run_cli("ingest", "-q", str(part), db=killed_db).returncode == 0
    assert _snapshot(killed_db) == _snapshot(clean_db)


def test_cli_ingest_of_bad_inputs_keeps_the_good_and_names_the_bad(tmp_path, db_url):
    d = tmp_path / "in"
    d.mkdir()
    story = "Air defences shot down {n} drones over the city overnight, the regional governor said on Monday.\n"
    (d / "good.txt").write_text(story.format(n=12), encoding="utf-8")
    (d / "latin.txt").write_bytes((story.format(n=7) + "The café owner paid £2.\n").encode("latin-1"))
    (d / "cyrillic.txt").write_bytes("Ночью силы ПВО сбили беспилотники, сообщил губернатор.\n".encode("cp1251"))
    (d / "records.jsonl").write_text(json.dumps({"id": "a", "text": story.format(n=3)}) + "\n{oops\n"
                                     + json.dumps({"id": "b", "text": ""}) + "\n", encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (d / "empty.txt").write_bytes(b"")
    (d / "notes.xyz").write_text(story.format(n=1), encoding="utf-8")
    with open(d / "huge.txt", "wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(50 * 1024 * 1024)
    db = db_url
    done = run_cli("ingest", str(d), db=db)
    assert done.returncode == 0, done.stderr
    for name, reason in (("records.jsonl:2", "JSON"), ("records.jsonl:3", "text"), ("binary.txt", ""),
                         ("empty.txt", ""), ("notes.xyz", ".xyz"), ("huge.txt", "")):
        line = next((ln for ln in done.stderr.splitlines() if name in ln), None)
        assert line is not None and reason in line, (name, done.stderr)
    summary = done.stdout.strip().splitlines()[-1]
    assert "new 4," in summary and "rejected 6" in summary, summary
    assert Store(str(db)).count_articles() == 4
    csv_out = tmp_path / "articles.csv"
    assert run_cli("export", "articles", "--format", "csv", "-o", str(csv_out), db=db).returncode == 0
    rows = csv_out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("id,source,url,title,outlet,published,language,duplicate_of") and len(rows) == 5


def test_cli_usage_error_and_nothing_readable_exit_non_zero(tmp_path):
    assert run_cli("ingest", db=tmp_path / "u.db").returncode == 2  # argparse: a path is required
    assert run_cli("ingest", str(tmp_path / "missing.txt"), db=tmp_path / "u.db").returncode == 1


def test_geoparse_reads_plain_text_and_json_lines(tmp_path):
    plain = run_cli("geoparse", "-", db=tmp_path / "g.db",
                    input="Shelling hit the village of Desna in the Chernihiv region overnight.")
    assert plain.returncode == 0, plain.stderr
    doc = json.loads(plain.stdout)
    desna = next(p for p in doc["places"] if p["name"].startswith("Desna"))
    assert (desna["country"], desna["admin1"], desna["precision"]) == ("UA", "UA-74", "place")
    lines = "\n".join([json.dumps({"id": "a", "text": "Drones struck Kharkiv on Monday."}),
                       "{not json", json.dumps({"id": "c", "text": "Talks were held in Minsk."})])
    batch = run_cli("geoparse", "-", db=tmp_path / "g.db", input=lines)
    results = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [r["id"] for r in results] == ["a", 2, "c"]
    assert results[0]["places"][0]["admin1"] == "UA-63" and results[2]["places"][0]["admin1"] == "BY-HM"
    assert "error" in results[1] and "line 2" in batch.stderr
