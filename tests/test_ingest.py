"""Ingest: supported formats, inferred metadata, bad input, atomic and idempotent builds."""

import os
import sqlite3

import pytest

from assistant.channels.cli import main
from assistant.ingest import pipeline as ingest_mod
from assistant.ingest.pipeline import ingest, is_stale, store_path
from assistant.stores.sqlite import Store
from tests.conftest import DOC_000, DOC_003, corpus_text


def _dump(path):
    con = sqlite3.connect(path)
    tables = ["offices", "strategies", "goals", "guidelines", "indicators", "targets", "spans"]
    out = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}
    con.close()
    return out


def test_rebuild_is_idempotent_and_swapped_atomically(isolated):
    corpus, index = isolated
    first = ingest()
    assert first.ok and len(first.ingested) == 5
    link = index / "current"
    assert link.is_symlink()
    dump1 = _dump(store_path(index))
    second = ingest()
    assert second.ok
    assert os.readlink(link) == second.index_dir.name
    assert _dump(store_path(index)) == dump1
    # older builds are removed; only the live one remains
    assert [p.name for p in index.glob("build-*")] == [second.index_dir.name]
    assert not is_stale()


def test_bad_files_are_reported_and_others_still_ingest(isolated):
    corpus, index = isolated
    (corpus / "notes.pdf").write_bytes(b"%PDF-1.4 binary")  # a broken PDF (PDF files are read now)
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "latin1.txt").write_bytes("caf\xe9 plan".encode("latin-1"))
    (corpus / "recipe.txt").write_text("สูตรแกงเขียวหวาน\nใส่พริกแกงและกะทิ\n", encoding="utf-8")
    report = ingest()
    reasons = {os.path.basename(f.file): f.reason for f in report.failed}
    assert set(reasons) == {"notes.pdf", "empty.txt", "binary.txt", "latin1.txt", "recipe.txt"}
    assert "PDF" in reasons["notes.pdf"] and "เสียหาย" in reasons["notes.pdf"]
    assert "ว่างเปล่า" in reasons["empty.txt"]
    assert "ไบนารี" in reasons["binary.txt"]
    assert "ถอดรหัส" in reasons["latin1.txt"]
    assert "ไม่พบโครงสร้างของแผน" in reasons["recipe.txt"]
    assert len(report.ingested) == 5 and report.swapped and not report.ok
    assert all(f.message().startswith("นำเข้าไม่สำเร็จ: ") for f in report.failed)


def test_cli_exit_status_says_something_failed(isolated, capsys):
    corpus, index = isolated
    assert main(["ingest", "--no-vectors"]) == 0
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["ingest", "--no-vectors"]) == 1
    err = capsys.readouterr().err
    assert "broken.docx" in err and "เสียหาย" in err


def test_failed_build_leaves_previous_index_serving(isolated, monkeypatch):
    corpus, index = isolated
    ingest()
    before = os.readlink(index / "current")
    counts = Store(store_path(index)).counts()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(ingest_mod, "write_store", boom)
    with pytest.raises(OSError):
        ingest()
    assert os.readlink(index / "current") == before
    assert Store(store_path(index)).counts() == counts
    assert [p.name for p in index.glob("build-*")] == [before]


def test_file_vanishing_mid_ingest_keeps_its_previous_records(isolated, monkeypatch):
    corpus, index = isolated
    ingest()
    real = ingest_mod.read_document
    victim = corpus / f"{DOC_000}.txt"

    def vanishing(path, max_bytes):
        if path == victim:
            path.unlink()
        return real(path, max_bytes)

    monkeypatch.setattr(ingest_mod, "read_document", vanishing)
    report = ingest()
    assert [(os.path.basename(f.file), f.kept_previous) for f in report.failed] == [(victim.name, True)]
    assert "ไม่พบไฟล์" in report.failed[0].reason
    store = Store(store_path(index))
    assert len(store.plans[DOC_000].indicators()) == 17


def test_added_file_without_metadata_gets_inferred_metadata(isolated, tmp_path):
    corpus, index = isolated
    new = tmp_path / "new-plan.txt"
    new.write_text(corpus_text(DOC_000), encoding="utf-8")
    report = ingest([new])
    assert "new-plan.txt" in report.ingested
    note = next(n for n in report.notes if n.startswith("new-plan.txt"))
    assert "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต ๖" in note and "2566–2570" in note
    store = Store(store_path(index))
    assert store.plans["new-plan"].office_id == "spp-chiangmai-6"
    assert store.plans["new-plan"].years == (2566, 2570)
    assert (corpus / "new-plan.txt").exists()  # kept in the corpus: nothing is lost


def test_html_and_docx_documents(isolated, tmp_path):
    from docx import Document

    corpus, index = isolated
    html = "<html><body>" + "".join(
        f"<p>{line}</p>" for line in corpus_text(DOC_003).splitlines() if line.strip()) + "</body></html>"
    (tmp_path / "plan-web.html").write_text(html, encoding="utf-8")
    doc = Document()
    for line in corpus_text(DOC_000).splitlines():
        doc.add_paragraph(line)
    doc.save(tmp_path / "plan-word.docx")
    report = ingest([tmp_path / "plan-web.html", tmp_path / "plan-word.docx"])
    assert {"plan-web.html", "plan-word.docx"} <= set(report.ingested), report.failed
    store = Store(store_path(index))
    assert len(store.plans["plan-web"].strategies) == 4
    word = store.plans["plan-word"]
    assert (len(word.strategies), len(word.indicators()), len(word.guidelines())) == (4, 17, 55)
    ind = word.strategy("1").indicators[0]
    assert [(t.year, t.value) for t in ind.targets] == [(2566, "80"), (2567, "85"), (2568, "90"), (2569, "95"), (2570, "100")]
    assert store.texts["plan-word"][ind.span.start:ind.span.end].startswith("๑\tร้อยละของผู้เรียน")
