"""Shared fixtures: the bundled corpus, parsed plans, isolated data dirs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

DOC_000 = "spp-chiangmai-6_direction-2566-2570"
DOC_001 = "spp-yasothon-2_direction-fy2566"
DOC_002 = "spp-trang-2_policy-fy2562"
DOC_003 = "unknown-office_vision-strategies"
DOC_004 = "spm-lampang-lamphun_plan-2566-2570"
ALL_DOCS = (DOC_000, DOC_001, DOC_002, DOC_003, DOC_004)


def corpus_text(doc_id: str) -> str:
    return (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def texts() -> dict[str, str]:
    return {d: corpus_text(d) for d in ALL_DOCS}
