"""Ingest on a full or read-only disk: a Thai message saying what to do, no traceback,
and the previous index keeps serving."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from assistant.channels import cli
from assistant.ingest import pipeline


@pytest.mark.parametrize("exc, words", [
    (OSError(errno.ENOSPC, "No space left on device"), "พื้นที่ดิสก์เต็ม"),
    (sqlite3.OperationalError("database or disk is full"), "พื้นที่ดิสก์เต็ม"),
    (RuntimeError("Error executing plan: Internal error: Error in compaction: "
                  "Failed to apply logs to the hnsw segment writer"), None),
    (OSError(errno.EROFS, "Read-only file system"), "อ่านอย่างเดียว"),
    (sqlite3.OperationalError("attempt to write a readonly database"), "อ่านอย่างเดียว"),
])
def test_disk_errors_are_thai_and_keep_the_previous_index(isolated, monkeypatch, capsys, exc, words):
    corpus, index = isolated
    assert cli.main(["ingest", "--no-vectors"]) == 0
    before = (index / "current").resolve()
    capsys.readouterr()
    if words is None:  # Chroma's compaction error is what a full disk looks like there
        cause = OSError(errno.ENOSPC, "No space left on device")
        try:
            raise exc from cause
        except RuntimeError as chained:
            exc = chained
        words = "พื้นที่ดิสก์เต็ม"

    def broken(*a, **k):
        raise exc

    monkeypatch.setattr(pipeline, "write_store", broken)
    assert cli.main(["ingest", "--no-vectors"]) == 2
    err = capsys.readouterr().err
    assert words in err and "planqa ingest" in err and "ดัชนีเดิมยังใช้งานได้" in err
    assert "Traceback" not in err
    assert (index / "current").resolve() == before
    assert sorted(p.name for p in index.glob("build-*")) == [before.name]  # the half build is gone


def test_other_errors_are_not_disguised(isolated, monkeypatch):
    def broken(*a, **k):
        raise ValueError("a bug")

    monkeypatch.setattr(pipeline, "write_store", broken)
    with pytest.raises(ValueError):
        pipeline.ingest()
