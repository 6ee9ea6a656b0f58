"""The corpus: plan documents and their metadata (``corpus/metadata.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.domain.models import Office
from assistant.domain.offices import office_from_meta

METADATA_FILE = "metadata.yaml"


@dataclass
class DocMeta:
    file: str
    office: str | None = None
    level: str | None = None
    title: str | None = None
    years: tuple[int, int] | None = None
    fiscal_year: int | None = None
    original_file: str | None = None
    strategy_word: str | None = None
    defects: list[str] = field(default_factory=list)
    parse_options: dict = field(default_factory=dict)  # named quirks: see ingest.builder.BuildOptions
    inferred: list[str] = field(default_factory=list)  # fields inferred from the text

    @property
    def doc_id(self) -> str:
        return Path(self.file).stem


@dataclass
class CorpusMeta:
    offices: dict[str, Office]
    documents: dict[str, DocMeta]  # by file name
    levels: dict[str, str]  # office id → ประถม/มัธยม


def load_metadata(corpus_dir: Path) -> CorpusMeta:
    path = corpus_dir / METADATA_FILE
    if not path.exists():
        return CorpusMeta({}, {}, {})
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    offices = {oid: office_from_meta(oid, m) for oid, m in (raw.get("offices") or {}).items()}
    levels = {oid: m.get("level") for oid, m in (raw.get("offices") or {}).items()}
    docs = {}
    for d in raw.get("documents") or []:
        years = tuple(d["years"]) if d.get("years") else None
        docs[d["file"]] = DocMeta(
            file=d["file"],
            office=d.get("office"),
            level=d.get("level"),
            title=d.get("title"),
            years=years,
            fiscal_year=d.get("fiscal_year"),
            original_file=d.get("original_file"),
            strategy_word=d.get("strategy_word"),
            defects=list(d.get("defects") or []),
            parse_options=dict(d.get("parse_options") or {}),
        )
    return CorpusMeta(offices, docs, levels)
