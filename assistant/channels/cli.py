"""Command line: ``planqa ingest | plan | indicators | strategies | ask | serve | eval | align | propose``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import uuid
from dataclasses import asdict
from pathlib import Path

from assistant import settings


def _out(text: str) -> None:
    sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))
    sys.stdout.flush()


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _register_builders() -> None:
    """The vector and lexical indexes are built with every ingest when available."""
    from assistant.ingest import pipeline as ingest

    try:
        from assistant.qa.retrieve import build_retrieval_index
    except ImportError:
        return
    ingest.register_builder(build_retrieval_index)


# ---------------------------------------------------------------- ingest


def cmd_ingest(args) -> int:
    from assistant.ingest.pipeline import ingest, is_stale

    if args.if_stale and not is_stale():
        _out("ดัชนีเป็นปัจจุบันแล้ว (index is up to date)")
        return 0
    if not args.no_vectors:
        _register_builders()
    report = ingest([Path(p) for p in args.paths])
    for name in report.ingested:
        _out(f"นำเข้าแล้ว: {name}")
    for doc in report.documents:
        for line in doc.lines():
            _out(line)
    for note in report.notes:
        _out(f"หมายเหตุ: {note}")
    for f in report.failed:
        _err(f.message())
    if report.swapped:
        _out(f"ดัชนีใหม่พร้อมใช้งาน: {report.index_dir}")
    else:
        _err("ไม่ได้สร้างดัชนีใหม่ ดัชนีเดิม (ถ้ามี) ยังใช้งานอยู่")
    return 0 if report.ok else 1


# ---------------------------------------------------------------- plan export


def cmd_plan(args) -> int:
    """Export one plan: a file (parsed now), a document id or an office in the index."""
    import json

    from assistant import settings
    from assistant.domain.offices import OfficeResolver
    from assistant.errors import PlanQAError
    from assistant.ingest.export import plan_json
    from assistant.ingest.plans import parse_file
    from assistant.ingest.readers import ReadError

    target = args.doc
    if Path(target).is_file():
        try:
            res = parse_file(Path(target), resolver=OfficeResolver([]), max_bytes=settings.get().max_file_bytes)
        except (ReadError, PlanQAError) as e:
            _err(f"อ่านแผนไม่สำเร็จ: {e}")
            return 1
        report = {"decoder": res.decoder, "counts": res.counts(), "warnings": res.warnings,
                  "repairs": res.document.repairs, "office_text": res.office_text}
        data = plan_json(res.plan, res.document.text, res.office.name if res.office else None, report)
    else:
        store = _open_store()
        doc_id = target if target in store.plans else None
        if doc_id is None:
            oid = _office_id(store, target)
            doc_id = next((d for d, p in store.plans.items() if p.office_id == oid), None)
        if doc_id is None:
            _err(f"ไม่พบแผน '{target}' (ระบุไฟล์ รหัสเอกสาร หรือชื่อหน่วยงาน)")
            return 1
        plan = store.plans[doc_id]
        office = store.offices.get(plan.office_id) if plan.office_id else None
        meta = store.docs[doc_id].meta if hasattr(store.docs[doc_id], "meta") else None
        data = plan_json(plan, store.texts[doc_id], office.name if office else None,
                         {"decoder": (meta or {}).get("decoder") or plan.layout} if meta is not None else None)
    if args.json:
        _out(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        _out(f"{data['doc_id']}: {data['office'] or 'ไม่ทราบหน่วยงาน'} ปี {data['years']}")
        for s in data["strategies"]:
            _out(f"  {s['kind']}ที่ {s['number']} {s['title']} (ตัวชี้วัด {len(s['indicators'])})")
    return 0


# ---------------------------------------------------------------- listings


def _open_store():
    from assistant.errors import IndexMissingError
    from assistant.ingest.pipeline import store_path
    from assistant.stores.sqlite import Store

    path = store_path()
    if not path.exists():
        raise IndexMissingError()
    return Store(path)


def _office_id(store, name: str | None) -> str | None:
    if not name:
        return None
    from assistant.domain.offices import OfficeResolver
    from assistant.errors import PlanQAError

    if name in store.offices:
        return name
    found = OfficeResolver(list(store.offices.values())).resolve(name)
    if not found:
        raise PlanQAError(f"ไม่รู้จักหน่วยงาน '{name}' ลองพิมพ์เช่น 'สพป.เชียงใหม่ เขต 6' หรือ 'ชม.6'")
    o = found[0].office
    if not o.in_corpus:
        raise PlanQAError(f"ยังไม่มีแผนของ {o.short} ในคลังเอกสาร")
    return o.id


def _year(value: str | None) -> int | None:
    if not value:
        return None
    from assistant.domain import thai
    from assistant.errors import PlanQAError

    years = thai.find_years(value) or ([thai.be_year(int(thai.to_arabic(value)))] if thai.to_arabic(value).isdigit() else [])
    if not years or years[0] is None:
        raise PlanQAError(f"อ่านปี '{value}' ไม่ได้ ลองพิมพ์เช่น 2568")
    return years[0]


def cmd_indicators(args) -> int:
    from assistant.channels.textui import table
    from assistant.domain import thai
    from assistant.qa import lookup

    store = _open_store()
    year = _year(args.year)
    rows = lookup.indicators(store, office=_office_id(store, args.office), year=year,
                             strategy=thai.to_arabic(args.strategy) if args.strategy else None,
                             about=args.about, level=args.level)
    if args.json:
        out = []
        for r in rows:
            ind = r.indicator
            out.append({
                "office": r.plan.office_id, "doc": r.plan.doc_id, "strategy": r.strategy.number,
                "indicator": ind.number, "text": ind.text, "unit": ind.unit,
                "responsible": ind.responsible, "source": ind.source, "groups": ind.groups,
                "levels": ind.levels,
                "targets": [{"year": t.year, "kind": t.kind, "value": t.value, "unit": t.unit,
                             "sub_item": t.sub_item} for t in r.targets(year)],
            })
        _out(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        _out("ไม่พบตัวชี้วัดตามเงื่อนไขที่ระบุ")
        return 0
    years = sorted({t.year for r in rows for t in r.targets(year) if t.year})
    headers = ["หน่วยงาน", "กลยุทธ์", "ที่", "ตัวชี้วัด", "หน่วยนับ", *[str(y) for y in years]]
    body = []
    for r in rows:
        cells = [store.offices[r.plan.office_id].short if r.plan.office_id in store.offices else "-",
                 r.strategy.number, r.indicator.number, r.indicator.text, r.indicator.unit or ""]
        for y in years:
            vals = [("ผล " if t.kind == "result" else "") + (f"{t.sub_item}:" if t.sub_item else "") + t.value
                    for t in r.targets(y)]
            cells.append(" / ".join(vals))
        body.append(cells)
    _out(table(headers, body, max_col=args.width))
    _out(f"\nรวม {len(rows)} ตัวชี้วัด")
    return 0


def cmd_strategies(args) -> int:
    from assistant.channels.textui import table
    from assistant.qa import lookup

    store = _open_store()
    pairs = lookup.strategies(store, _office_id(store, args.office))
    if args.json:
        _out(json.dumps([{"office": p.office_id, "doc": p.doc_id, "kind": s.kind, "number": s.number,
                          "title": s.title, "indicators": len(s.indicators), "guidelines": len(s.guidelines)}
                         for p, s in pairs], ensure_ascii=False, indent=2))
        return 0
    body = [[store.offices[p.office_id].short if p.office_id in store.offices else "ไม่ระบุหน่วยงาน",
             f"{s.kind}ที่ {s.number}", s.title, str(len(s.indicators)), str(len(s.guidelines))] for p, s in pairs]
    _out(table(["หน่วยงาน", "ข้อ", "ชื่อ", "ตัวชี้วัด", "แนวทาง"], body, max_col=70))
    return 0


# ---------------------------------------------------------------- ask


def format_answer(ans) -> str:
    lines = [ans.answer]
    if ans.citations:
        lines.append("")
        lines.append("อ้างอิง:")
        for i, c in enumerate(ans.citations, 1):
            quote = " ".join(c.quote.split())
            if len(quote) > 220:
                quote = quote[:219] + "…"
            lines.append(f"[{i}] {c.doc} · {c.section}\n    \"{quote}\"")
    return "\n".join(lines)


def cmd_ask(args) -> int:
    from assistant.service import Assistant

    assistant = Assistant()
    if args.question == ["-"]:
        run = uuid.uuid4().hex[:12]  # conversation ids of this run only
        for line in sys.stdin:
            line = line.rstrip("\n")
            question, conv = _json_line(line)
            if conv is None:
                ans = assistant.ask(question, office=args.office)
            else:
                ans = assistant.ask(question, office=args.office, conversation_id=f"cli-{run}:{conv}")
            out = ans.contract()
            if conv is not None:
                out.update(conversation=conv, has_more=ans.has_more)
            _out(json.dumps(out, ensure_ascii=False) if args.json else format_answer(ans) + "\n")
        return 0
    question = " ".join(args.question)
    ans = assistant.ask(question, office=args.office)
    _out(json.dumps(ans.contract(), ensure_ascii=False, indent=None) if args.json else format_answer(ans))
    return 0


def _json_line(line: str) -> tuple[str, str | None]:
    """A JSON line ``{"question": str, "conversation": str}`` → (question, conversation id);
    any other line is a plain, independent question."""
    if line.lstrip().startswith("{"):
        try:
            data = json.loads(line)
        except ValueError:
            return line, None
        if isinstance(data, dict) and isinstance(data.get("question"), str):
            conv = data.get("conversation")
            return data["question"], (str(conv) if conv not in (None, "") else None)
    return line, None


def cmd_chat(args) -> int:
    """A conversation in the terminal: follow-ups keep the context; "ดูต่อ" pages."""
    from assistant.service import Assistant

    assistant = Assistant()
    cid = f"cli-{uuid.uuid4().hex[:12]}:chat"
    interactive = sys.stdin.isatty()
    if interactive:
        _out("ถามเรื่องแผนพัฒนาการศึกษาได้เลย (พิมพ์ /new เริ่มบทสนทนาใหม่, /exit ออก)")
    while True:
        if interactive:
            sys.stdout.write("> ")
            sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            return 0
        line = line.strip()
        if not line:
            continue
        if line in ("/exit", "/quit", "/ออก"):
            return 0
        if line in ("/new", "/ใหม่"):
            cid = f"cli-{uuid.uuid4().hex[:12]}:chat"
            _out("เริ่มบทสนทนาใหม่")
            continue
        ans = assistant.ask(line, office=args.office, conversation_id=cid)
        _out(json.dumps({**ans.contract(), "has_more": ans.has_more}, ensure_ascii=False)
             if args.json else format_answer(ans) + "\n")


def cmd_feedback(args) -> int:
    """Export the thumbs-up/down feedback given on the web chat."""
    from assistant.stores.state import SqliteState

    items = SqliteState(settings.get().state_path).feedback()
    if args.json:
        _out(json.dumps(items, ensure_ascii=False, indent=2))
        return 0
    if not items:
        _out("ยังไม่มีความคิดเห็น")
        return 0
    for it in items:
        _out(f"{it.get('rating', '?'):>4}  {it.get('question', '')[:60]}  {it.get('comment') or ''}")
    _out(f"\nรวม {len(items)} รายการ")
    return 0


def cmd_serve(args) -> int:
    from assistant.channels.http.app import serve

    serve(args.host, args.port)
    return 0


def cmd_eval(args) -> int:
    from assistant.qa.evaluate import main as eval_main

    return eval_main(args)


# ---------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planqa", description="Thai education plan assistant")
    p.add_argument("--corpus", help="corpus directory (default: corpus/)")
    p.add_argument("--index", help="index directory (default: index/)")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="cmd", required=True)

    s = sub.add_parser("ingest", help="parse and index the corpus and any added files")
    s.add_argument("paths", nargs="*", help="extra files or folders to add")
    s.add_argument("--if-stale", action="store_true", help="only when the index is missing or out of date")
    s.add_argument("--no-vectors", action="store_true", help="build the structured store only")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("plan", help="export one plan (a file, document id or office) as JSON")
    s.add_argument("doc", help="a plan file (.pdf .docx .html .md .txt), a document id or an office")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_plan)

    s = sub.add_parser("indicators", help="list indicators")
    for opt in ("--office", "--year", "--strategy", "--about", "--level"):
        s.add_argument(opt)
    s.add_argument("--json", action="store_true")
    s.add_argument("--width", type=int, default=60, help="widest text column")
    s.set_defaults(func=cmd_indicators)

    s = sub.add_parser("strategies", help="list strategies")
    s.add_argument("--office")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_strategies)

    s = sub.add_parser("ask", help="answer a Thai question ('-' reads one question per line)")
    s.add_argument("--office")
    s.add_argument("--json", action="store_true")
    s.add_argument("question", nargs="+")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("chat", help="a conversation in the terminal (follow-ups keep the context)")
    s.add_argument("--office")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_chat)

    s = sub.add_parser("feedback", help="export the web chat's thumbs-up/down feedback")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_feedback)

    s = sub.add_parser("serve", help="start the HTTP API and web chat")
    s.add_argument("--host", default=None, help="default: $HOST or 127.0.0.1")
    s.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("eval", help="run the gold question set")
    s.add_argument("--gold", default=None)
    s.add_argument("--limit", type=int, default=None)
    s.add_argument("--no-baseline", action="store_true")
    s.add_argument("--llm", action="store_true",
                   help="with the language model of PLANQA_LLM_* on (default: the rules only)")
    s.add_argument("--ideas", nargs="+", metavar="FILE",
                   help="only the alignment report on these idea files (eval/align_gold.yaml format)")
    s.set_defaults(func=cmd_eval)
    _add_proposal_commands(sub)
    return p


# ---------------------------------------------------------------- align / propose


def _add_proposal_commands(sub) -> None:
    s = sub.add_parser("align", help="rank an office's strategies, goals, guidelines and indicators for a project idea")
    s.add_argument("--office", help="office name or id, e.g. 'สพป.เชียงใหม่ เขต 6'")
    s.add_argument("--year", help="show indicator targets of this fiscal year (BE)")
    s.add_argument("--top", type=int, default=3, help="strategies listed (default 3)")
    s.add_argument("--json", action="store_true")
    s.add_argument("idea", nargs="+", help="the project idea in Thai")
    s.set_defaults(func=cmd_align)

    s = sub.add_parser("propose", help="draft a project proposal aligned with an office's plan")
    s.add_argument("--office", help="office name or id, e.g. 'สพม.ลำปาง ลำพูน'")
    s.add_argument("--year", help="fiscal year (BE), e.g. 2568; default: the current one the plan covers")
    s.add_argument("--out", help="write FILE.docx or FILE.md (default: Markdown to stdout)")
    s.add_argument("--json", action="store_true", help="print the draft model as JSON")
    s.add_argument("idea", nargs="+", help="the project idea in Thai")
    s.set_defaults(func=cmd_propose)


def cmd_align(args) -> int:
    from assistant.proposals.draft import format_alignment, get_aligner
    from assistant.service import Assistant

    aligner = get_aligner(Assistant())
    al = aligner.align(" ".join(args.idea), args.office, top=args.top)
    if args.json:
        _out(json.dumps(al.to_dict(), ensure_ascii=False, indent=2))
    else:
        _out(format_alignment(al, aligner.T, _year(args.year)))
    return 0


def cmd_propose(args) -> int:
    from assistant.proposals.draft import build_proposal, get_aligner, render_markdown
    from assistant.service import Assistant

    aligner = get_aligner(Assistant())
    al = aligner.align(" ".join(args.idea), args.office)
    draft = build_proposal(al, aligner, _year(args.year))
    if args.json:
        _out(json.dumps(draft.to_dict(), ensure_ascii=False, indent=2))
    elif not args.out:
        _out(render_markdown(draft))
    else:
        out = Path(args.out)
        if out.suffix.lower() == ".docx":
            from assistant.proposals.docx import render_docx

            out.write_bytes(render_docx(draft))
        else:
            out.write_text(render_markdown(draft), encoding="utf-8")
        _out(f"เขียนร่างโครงการแล้ว: {out}")
    for note in draft.notes:
        _err(f"หมายเหตุ: {note}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from assistant.errors import PlanQAError

    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    changes = {}
    if args.corpus:
        changes["corpus_dir"] = Path(args.corpus)
    if args.index:
        changes["index_dir"] = Path(args.index)
    try:
        if changes:
            settings.override(**changes)
        else:
            settings.get()  # a malformed PLANQA_* value is reported here, before any work
        return args.func(args)
    except PlanQAError as e:
        _err(e.message)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main", "asdict"]
