"""Ingest plan documents: read, parse, attach metadata, build the stores aside, swap.

The built stores live in ``index/build-*/``; ``index/current`` is a symlink to the
live one and is replaced atomically only after a build completed, so a failed ingest
leaves the previous index serving. A document that fails now but was in the previous
index keeps its previous records (nothing is lost).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from assistant import settings
from assistant.domain import thai
from assistant.domain.classify import classify
from assistant.domain.models import Office, Plan
from assistant.domain.offices import OfficeResolver
from assistant.errors import PlanQAError
from assistant.ingest.builder import BuildOptions
from assistant.ingest.corpus import METADATA_FILE, CorpusMeta, DocMeta, load_metadata
from assistant.ingest.plans import (
    ParseResult,
    infer_office,
    parse_doc,
    plan_span,
    plan_title,
    plan_years,
    report_warnings,
)
from assistant.ingest.readers import SUPPORTED, ReadError, read_document
from assistant.stores.sqlite import DocRecord, Store, write_store

log = logging.getLogger("planqa.ingest")

CURRENT = "current"
STORE_FILE = "plans.sqlite"
_CODE_DIRS = ("domain", "ingest", "stores")


@dataclass
class Failure:
    file: str
    reason: str
    kept_previous: bool = False

    def message(self) -> str:
        kept = " (ใช้ข้อมูลเดิมของไฟล์นี้จากดัชนีก่อนหน้าต่อไป)" if self.kept_previous else ""
        return f"นำเข้าไม่สำเร็จ: {self.file}: {self.reason}{kept}"


@dataclass
class DocReport:
    """What was read from one document: decoder, office and years inferred, counts, warnings."""

    file: str
    decoder: str
    office: str | None
    office_source: str  # "metadata", "text" or "none"
    office_text: str | None
    years: tuple[int, int] | None
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)
    extractor: str | None = None

    def lines(self) -> list[str]:
        """The report as the CLI prints it (Thai)."""
        c = self.counts
        office = self.office or "ไม่ทราบ"
        if self.office_source == "text":
            office += f" (อนุมานจากข้อความ '{self.office_text}')"
        elif self.office_source == "metadata":
            office += " (จาก metadata.yaml)"
        years = f"{self.years[0]}–{self.years[1]}" if self.years else "ไม่ทราบ"
        how = self.decoder + (f", PDF: {self.extractor}" if self.extractor else "")
        out = [f"{self.file}: อ่านด้วย {how}",
               f"  หน่วยงาน: {office}; ปีของแผน: {years}",
               f"  กลยุทธ์ {c['strategies']} ตัวชี้วัด {c['indicators']} ค่าเป้าหมายรายปี {c['targets']} "
               f"แนวทาง {c['guidelines']}"]
        out += [f"  คำเตือน: {w}" for w in self.warnings]
        return out

    def to_dict(self) -> dict:
        return {"file": self.file, "decoder": self.decoder, "office": self.office,
                "office_source": self.office_source, "office_text": self.office_text,
                "years": list(self.years) if self.years else None, "counts": dict(self.counts),
                "warnings": list(self.warnings), "repairs": dict(self.repairs), "extractor": self.extractor}


@dataclass
class IngestReport:
    documents: list[DocReport] = field(default_factory=list)
    ingested: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    index_dir: Path | None = None
    swapped: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and self.swapped


def current_dir(index_dir: Path) -> Path:
    return index_dir / CURRENT


def store_path(index_dir: Path | None = None) -> Path:
    return current_dir(index_dir or settings.get().index_dir) / STORE_FILE


def code_version() -> str:
    h = hashlib.sha256()
    base = Path(__file__).resolve().parent.parent
    for p in sorted(q for d in _CODE_DIRS for q in (base / d).rglob("*.py")):
        h.update(p.relative_to(base).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        return []
    return sorted(
        p for p in corpus_dir.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name != METADATA_FILE
    )


def wanted_manifest(corpus_dir: Path) -> dict[str, str]:
    """What the index must have been built from to be up to date."""
    m = {"code": code_version(), "embedder": f"{settings.get().embedder}:{settings.get().st_model or ''}"}
    meta = corpus_dir / METADATA_FILE
    m["metadata"] = _sha(meta.read_bytes()) if meta.exists() else "-"
    for p in corpus_files(corpus_dir):
        try:
            m[f"file:{p.name}"] = _sha(p.read_bytes())
        except OSError:
            m[f"file:{p.name}"] = "unreadable"
    return m


def is_stale(corpus_dir: Path | None = None, index_dir: Path | None = None) -> bool:
    s = settings.get()
    corpus_dir, index_dir = corpus_dir or s.corpus_dir, index_dir or s.index_dir
    path = store_path(index_dir)
    if not path.exists():
        return True
    try:
        store = Store(path)
        have = store.manifest()
        store.close()
    except Exception:
        return True
    want = wanted_manifest(corpus_dir)
    return any(have.get(k) != v for k, v in want.items())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- inference


def infer_meta(file: str, text: str, resolver: OfficeResolver, doc=None) -> DocMeta:
    """Metadata for a document that has none: office (named anywhere in its text: title,
    cover, signature; checked by the resolver) and years from its text."""
    meta = DocMeta(file=file)
    best = infer_office(text, resolver)
    if best:
        meta.office = best.office.id
        meta.inferred.append(f"หน่วยงาน: {best.office.name} (จากข้อความ '{best.text}')")
        meta.level = {"สพป.": "ประถม", "สพม.": "มัธยม"}.get(best.office.kind)
    years = plan_years(text)
    fy = re.search(r"ปีงบประมาณ\s*(?:พ\.\s?ศ\.?)?\s*(25\d\d)", thai.to_arabic(text[:6000]))
    if years and years[0] != years[1]:
        meta.years = years
        meta.inferred.append(f"ปีของแผน: {years[0]}–{years[1]}")
    elif fy:
        y = int(fy.group(1))
        meta.years, meta.fiscal_year = (y, y), y
        meta.inferred.append(f"ปีงบประมาณ: {y}")
    meta.title = plan_title(text, doc)
    if not meta.inferred:
        meta.inferred.append("ไม่พบชื่อหน่วยงานหรือปีของแผนในข้อความ")
    return meta


# ---------------------------------------------------------------- ingest


def ingest(paths: list[Path] | None = None, *, corpus_dir: Path | None = None,
           index_dir: Path | None = None) -> IngestReport:
    """Ingest the corpus directory and any added files; build aside and swap."""
    s = settings.get()
    corpus_dir = corpus_dir or s.corpus_dir
    index_dir = index_dir or s.index_dir
    report = IngestReport()
    cmeta = load_metadata(corpus_dir)
    resolver = OfficeResolver(list(cmeta.offices.values()))

    previous: Store | None = None
    if store_path(index_dir).exists():
        try:
            previous = Store(store_path(index_dir))
        except Exception as e:  # a corrupt previous index is rebuilt from scratch
            log.warning("previous index unreadable, rebuilding: %s", e)

    files = corpus_files(corpus_dir)
    added = []
    for p in paths or []:
        p = Path(p)
        if p.is_dir():
            files += [f for f in sorted(p.iterdir()) if f.is_file() and f.suffix.lower() in SUPPORTED]
        else:
            files.append(p)
            added.append(p)

    unique: dict[Path, Path] = {}
    for f in files:
        unique.setdefault(f.absolute(), f)
    files = list(unique.values())

    plans: list[Plan] = []
    inferred_offices: dict[str, tuple[Office, str | None]] = {}
    docs: list[DocRecord] = []
    texts: dict[str, str] = {}
    seen: dict[str, Path] = {}
    for path in files:
        doc_id = path.stem
        if doc_id in seen and seen[doc_id].resolve() != path.resolve():
            report.failed.append(Failure(str(path), f"ชื่อเอกสารซ้ำกับ {seen[doc_id]} กรุณาเปลี่ยนชื่อไฟล์"))
            continue
        if doc_id in seen:
            continue
        meta = cmeta.documents.get(path.name)
        try:
            document = read_document(path, s.max_file_bytes)
            text = document.text
            options = BuildOptions.from_meta(meta.parse_options if meta else None)
            plan, how, warnings = parse_doc(document, options)
        except (ReadError, PlanQAError) as e:
            report.failed.append(_failure(path, str(e), previous, plans, docs, texts))
            continue
        except Exception as e:  # a parser bug must not stop the other files
            log.exception("parser failed on %s", path)
            report.failed.append(_failure(path, f"อ่านโครงสร้างเอกสารไม่สำเร็จ ({type(e).__name__})",
                                          previous, plans, docs, texts))
            continue
        seen[doc_id] = path
        source = "metadata"
        if meta is None:
            meta = infer_meta(path.name, text, resolver, document)
            source = "text" if meta.office else "none"
            report.notes.append(f"{path.name}: ไม่มีข้อมูลกำกับใน {METADATA_FILE} จึงอนุมานจากข้อความ — "
                                + "; ".join(meta.inferred))
            if meta.office:
                found = infer_office(text, resolver)
                inferred_offices[meta.office] = (found.office, meta.level)
        plan.office_id = meta.office
        plan.title = meta.title or plan.title
        plan.years = meta.years
        if source != "metadata":  # years inferred from the text cover the targets' years (not baselines)
            span = plan_span(meta.years, plan)
            if span and span != meta.years:
                if meta.years and report.notes and report.notes[-1].startswith(path.name + ":"):
                    old = f"ปีของแผน: {meta.years[0]}–{meta.years[1]}"
                    report.notes[-1] = report.notes[-1].replace(old, f"ปีของแผน: {span[0]}–{span[1]}")
                meta.years = plan.years = span
                if span[0] != span[1]:
                    meta.fiscal_year = None
        for ind in plan.indicators():
            classify(ind)
        plans.append(plan)
        texts[doc_id] = text
        docs.append(DocRecord(doc_id, path.name, meta.office, plan.title, meta.years, meta.fiscal_year,
                              meta.level, plan.layout, _sha(text.encode("utf-8")),
                              {"defects": meta.defects, "inferred": meta.inferred,
                               "original_file": meta.original_file, "strategy_word": meta.strategy_word,
                               "decoder": how, "pages": list(document.page_starts),
                               "repairs": dict(document.repairs)}))
        report.ingested.append(path.name)
        report.documents.append(_doc_report(path.name, how, meta, source, plan, document, warnings, resolver))

    if previous:
        previous.close()
    if not plans:
        report.notes.append("ไม่มีเอกสารใดนำเข้าได้ ดัชนีเดิม (ถ้ามี) ยังใช้งานต่อไป")
        return report

    offices = _offices_for(cmeta, docs, resolver, inferred_offices)
    build = index_dir / f"build-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    build.mkdir(parents=True, exist_ok=False)
    try:
        write_store(build / STORE_FILE, plans, docs, texts, offices, wanted_manifest(corpus_dir))
        _build_extras(build)
        _swap(index_dir, build)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    report.swapped = True
    report.index_dir = build
    for p in added:
        if p.name in report.ingested and p.resolve().parent != corpus_dir.resolve():
            corpus_dir.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, corpus_dir / p.name)
            report.notes.append(f"{p.name}: คัดลอกไว้ใน {corpus_dir} แล้ว")
    return report


def _failure(path: Path, reason: str, previous: Store | None, plans, docs, texts) -> Failure:
    """Record a failure; keep the document's previous records when there are any."""
    doc_id = path.stem
    if previous and doc_id in previous.plans and all(p.doc_id != doc_id for p in plans):
        plans.append(previous.plans[doc_id])
        docs.append(previous.docs[doc_id])
        texts[doc_id] = previous.texts[doc_id]
        return Failure(str(path), reason, kept_previous=True)
    return Failure(str(path), reason)


def _doc_report(file, how, meta, source, plan, document, warnings, resolver) -> DocReport:
    res = ParseResult(plan, document, how, warnings=list(warnings))
    office = resolver.get(meta.office) if meta.office else None
    if office is None and meta.office:
        found = infer_office(document.text, resolver)
        office = found.office if found and found.office.id == meta.office else None
    res.office = office or (Office(meta.office, meta.office, "สพท.", "") if meta.office else None)
    found = infer_office(document.text, resolver) if source == "text" else None
    warns = [w for w in report_warnings(res) if not (source == "metadata" and w.startswith("ไม่พบชื่อสำนักงาน"))]
    if found and resolver.listed(found.office) is False:
        warns.append(f"หน่วยงานที่อนุมานได้ ({found.office.short}) ไม่อยู่ในรายชื่อสำนักงานเขตพื้นที่การศึกษา "
                     f"ตรวจชื่อในเอกสาร หรือกำหนดหน่วยงานใน metadata.yaml")
    return DocReport(file, how, office.name if office else meta.office, source if meta.office else "none",
                     found.text if found else None, meta.years, res.counts(), list(warnings) + warns,
                     dict(document.repairs), document.extractor)


def _offices_for(cmeta: CorpusMeta, docs: list[DocRecord], resolver: OfficeResolver,
                 inferred: dict[str, tuple[Office, str | None]] | None = None) -> list[tuple[Office, str | None]]:
    """Corpus offices, then the offices inferred from ingested documents' text (so the
    names users type reach a new plan's office)."""
    out = [(o, cmeta.levels.get(oid)) for oid, o in cmeta.offices.items()]
    known = {o.id for o, _ in out}
    for oid, (office, level) in (inferred or {}).items():
        if oid not in known and any(d.office_id == oid for d in docs):
            out.append((office, level))
            known.add(oid)
    for d in docs:
        if d.office_id and d.office_id not in known:
            found = [m.office for m in resolver.resolve(d.title or "") if m.office.id == d.office_id]
            if found:
                out.append((found[0], d.level))
                known.add(d.office_id)
    return out


_EXTRA_BUILDERS = []


def register_builder(fn) -> None:
    """Register ``fn(build_dir, store)`` to build more stores (the vector index) aside."""
    if fn not in _EXTRA_BUILDERS:
        _EXTRA_BUILDERS.append(fn)


def unregister_builder(fn) -> None:
    if fn in _EXTRA_BUILDERS:
        _EXTRA_BUILDERS.remove(fn)


def _build_extras(build: Path) -> None:
    if not _EXTRA_BUILDERS:
        return
    store = Store(build / STORE_FILE)
    try:
        for fn in _EXTRA_BUILDERS:
            fn(build, store)
    finally:
        store.close()


def _swap(index_dir: Path, build: Path) -> None:
    """Point ``index/current`` at ``build`` atomically; remove older builds."""
    link = current_dir(index_dir)
    old = os.readlink(link) if link.is_symlink() else None
    tmp = index_dir / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(build.name, tmp)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(tmp, link)
    for p in index_dir.glob("build-*"):
        if p.name != build.name and p.name != old:
            shutil.rmtree(p, ignore_errors=True)
    if old and old != build.name:
        shutil.rmtree(index_dir / old, ignore_errors=True)


def _disk_errors_in_thai(fn):
    """Entry/exit guard of :func:`ingest`: a full or read-only disk (OSError, sqlite3,
    Chroma "compaction" errors) becomes a DiskError whose Thai message says what to do,
    never a traceback; the previous index keeps serving (the build was removed)."""
    import functools

    from assistant.errors import disk_error

    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PlanQAError:
            raise
        except Exception as e:
            where = kwargs.get("index_dir") or settings.get().index_dir
            err = disk_error(e, str(where))
            if err is None:
                raise
            log.error("ingest failed on the disk: %s", e)
            raise err from None

    return guarded


ingest = _disk_errors_in_thai(ingest)
