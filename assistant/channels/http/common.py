"""Helpers every router shares: the loaded Assistant, the worker pools, the JSON body,
and the answer payload (used by the web and LINE alike)."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request

from assistant.channels.http.errors import ApiError
from assistant.domain.models import Answer, Citation
from assistant.errors import PlanQAError

MAX_FOLLOWUPS = 4


# ---------------------------------------------------------------- the assistant and the pools


def current_assistant(app: FastAPI):
    """The Assistant serving now (the newest loaded build), or ApiError 503 with the
    Thai message that says how to fix the index."""
    return app.state.serving.current()


def assistant_dep(request: Request):
    return current_assistant(request.app)


async def answer_in_thread(app: FastAPI, fn, *args):
    """Run ``fn(*args)`` on the web pool's worker threads (bounded, with back-pressure)."""
    return await app.state.pools["web"].run(fn, *args)


async def web_slot(request: Request):
    """A dependency holding one web-pool slot while a request is handled (for routers
    that run their own work in the thread pool)."""
    async for _ in request.app.state.pools["web"].hold():
        yield


# ---------------------------------------------------------------- shared helpers (web + LINE)


def office_short(assistant, office_id: str | None) -> str:
    o = assistant.store.offices.get(office_id) if office_id else None
    return o.short if o else assistant.templates("no_office_doc")


def citation_label(assistant, c: Citation) -> str:
    """What a citation chip shows: office · กลยุทธ์/นโยบาย · ตัวชี้วัด."""
    return f"{office_short(assistant, c.office)} · " + " · ".join(p.strip() for p in c.section.split("›"))


def _office_by_short(assistant, name: str):
    return next((o for o in assistant.store.offices.values() if o.short == name), None)


def choice_requests(assistant, answer: Answer, office_id: str | None = None) -> list[dict]:
    """The request each clarify choice stands for: an office choice re-asks the same
    question for that office; any other choice is added to the question."""
    out = []
    for c in answer.choices:
        o = _office_by_short(assistant, c)
        if o:
            out.append({"label": c, "question": answer.question, "office": o.id})
        else:
            out.append({"label": c, "question": f"{answer.question} {c}", "office": office_id})
    return out


def _strategy_kind(assistant, office_id: str, number: str) -> str:
    for p in assistant.store.plans_of(office_id):
        s = p.strategy(number)
        if s:
            return s.kind
    return "กลยุทธ์"


def followups(assistant, answer: Answer) -> list[dict]:
    """Suggested next questions about the same office (and strategy) as the answer."""
    if answer.status != "answered" or not answer.citations:
        return []
    offices = {c.office for c in answer.citations}
    if len(offices) != 1 or None in offices:
        return []
    office_id = offices.pop()
    short = office_short(assistant, office_id)
    first = next((c for c in answer.citations if c.strategy), None)
    items: list[tuple[str, str]] = []
    if first:
        s = first.strategy
        kind = _strategy_kind(assistant, office_id, s)
        inds = {(v.strategy, v.indicator) for v in answer.values}
        if first.indicator and len(inds) == 1 and len({v.year for v in answer.values}) == 1:
            items.append(("ค่าเป้าหมายทุกปี", f"ค่าเป้าหมายตัวชี้วัดที่ {first.indicator} {kind}ที่ {s} ของ {short}"))
        items.append((f"ตัวชี้วัด {kind} {s}", f"ตัวชี้วัดของ{kind}ที่ {s} ของ {short}"))
        items.append((f"แนวทาง {kind} {s}", f"แนวทางการพัฒนา {kind}ที่ {s} ของ {short}"))
    kind = next((p.strategies[0].kind for p in assistant.store.plans_of(office_id) if p.strategies), "กลยุทธ์")
    items.append((f"{kind}ทั้งหมด", f"{kind}ทั้งหมดของ {short}"))
    items.append(("วิสัยทัศน์", f"วิสัยทัศน์ของ {short}"))
    out = []
    for label, q in items:
        if q != answer.question and all(q != f["question"] for f in out):
            out.append({"label": label, "question": q, "office": None})
    return out[:MAX_FOLLOWUPS]


def ask_payload(assistant, answer: Answer, office_id: str | None = None) -> dict:
    """``answer.contract()`` exactly, plus extra keys the clients use:
    ``choices`` (clarify options), ``choice_requests`` (what each choice asks),
    ``followups`` (suggested next questions) and ``spans`` (per citation: start, end
    and the chip label)."""
    out = answer.contract()
    out["choices"] = list(answer.choices)
    out["choice_requests"] = choice_requests(assistant, answer, office_id)
    out["followups"] = followups(assistant, answer)
    out["spans"] = [{"start": c.start, "end": c.end, "label": citation_label(assistant, c)}
                    for c in answer.citations]
    return out


def check_question(assistant, question: str) -> str:
    """The cleaned question, or ApiError (empty, too long, only control characters)."""
    from assistant.service import BadQuestion

    if not question.strip():
        raise ApiError("empty_question", assistant.templates("empty_question"))
    limit = assistant.settings.max_question_chars
    if len(question) > limit:
        raise ApiError("question_too_long", assistant.templates("too_long", limit=limit),
                       f"The question is longer than {limit} characters.")
    try:
        return assistant.check_question(question)
    except BadQuestion as e:
        raise ApiError("empty_question", e.message) from None


def resolve_office(assistant, name: str | None) -> str | None:
    """An office id from an id or a typed name; ApiError when unknown or without a plan."""
    if name is None or not str(name).strip():
        return None
    from assistant.channels.cli import _office_id

    try:
        return _office_id(assistant.store, str(name).strip())
    except PlanQAError as e:
        raise ApiError("unknown_office", e.message, f"Unknown office or no plan for it: {name!r}.") from None



def draft_links(p) -> dict:
    return {"docx": f"/api/proposal/{p.id}.docx", "pdf": f"/api/proposal/{p.id}.pdf", "md": f"/api/proposal/{p.id}.md"}


def json_object(body: bytes, content_type: str | None, example: str = '{"question": "..."}') -> dict:
    """The request body as a JSON object, or ApiError (type, encoding, syntax)."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype != "application/json" and not (ctype.startswith("application/") and ctype.endswith("+json")):
        raise ApiError("unsupported_media_type",
                       message_en=f"Unsupported content type {ctype or '(none)'!r}; send application/json.")
    if not body.strip():
        raise ApiError("malformed_json", f"ไม่มีข้อมูลที่ส่งมา กรุณาส่งในรูปแบบ {example}",
                       f"The request body is empty; send {example}.")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError("invalid_encoding") from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError("malformed_json", f"ข้อมูลที่ส่งมาไม่ใช่ JSON ที่ถูกต้อง กรุณาส่งในรูปแบบ {example}",
                       f"The request body is not valid JSON; send {example}.") from None
    if not isinstance(data, dict):
        raise ApiError("invalid_request", f"ข้อมูลต้องเป็นออบเจกต์ JSON เช่น {example}",
                       f"The body must be a JSON object like {example}.")
    if _has_surrogate(data):  # "\ud800" is valid JSON but no text: it cannot be encoded
        raise ApiError("invalid_encoding", message_en="The body has a lone surrogate (\\uD800-\\uDFFF); send text.")
    return data


def _has_surrogate(value, depth: int = 0) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if depth > 50:
        return False
    if isinstance(value, dict):
        return any(_has_surrogate(k, depth + 1) or _has_surrogate(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v, depth + 1) for v in value)
    return False
