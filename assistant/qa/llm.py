"""The optional language model: an OpenAI-compatible chat endpoint (Typhoon, vLLM,
Ollama, OpenAI), the only module that talks to one.

Off unless ``PLANQA_LLM_BASE_URL`` and ``PLANQA_LLM_MODEL`` are set. Every call runs
under the question's time budget (:class:`Deadline`) and a per-request timeout; any
failure (down, slow, 429, malformed) raises :class:`LLMError`, which callers turn into
the deterministic answer. Whatever the model writes goes through the guard
(:mod:`assistant.qa.guard`) before anyone sees it. Prompts: ``prompts/llm.yaml``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
import types
import typing
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from assistant.qa.guard import Checked, Guard, Stats, sentences

log = logging.getLogger("planqa.llm")


class LLMError(Exception):
    """The model gave no usable reply; ``reason``: timeout | budget | rate_limited |
    http_error | unreachable | malformed."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class LLMConfig:
    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 10.0  # one request
    budget: float = 15.0  # all the model's calls for one question
    max_tokens: int = 700

    @classmethod
    def from_settings(cls, s) -> LLMConfig | None:
        if not s.llm_enabled:
            return None
        return cls(s.llm_base_url.rstrip("/"), s.llm_model, s.llm_api_key, s.llm_timeout, s.llm_budget)


class Deadline:
    """The time the model may add to one question: it starts at the first model call
    (the rules' own work before it is not charged) and covers every call after it."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self.seconds = seconds
        self.end: float | None = None

    def remaining(self) -> float:
        if self.end is None:
            self.end = self._clock() + self.seconds
        return max(0.0, self.end - self._clock())


# ---------------------------------------------------------------- the HTTP client


class Client:
    """Chat completions over HTTP with strict time limits."""

    def __init__(self, config: LLMConfig, stats: Stats):
        self.config = config
        self.stats = stats
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="planqa-llm")

    def _headers(self) -> dict:
        h = {"Content-Type": "application/json"}
        if self.config.api_key:
            h["Authorization"] = f"Bearer {self.config.api_key}"
        return h

    def _timeout(self, deadline: Deadline) -> httpx.Timeout:
        left = deadline.remaining()
        if left <= 0.05:
            raise LLMError("budget", "no time left for the model")
        t = min(self.config.timeout, left)
        return httpx.Timeout(t, connect=min(t, 3.0))

    def _body(self, messages: list[dict], **extra) -> dict:
        return {"model": self.config.model, "messages": messages, "temperature": 0,
                "max_tokens": self.config.max_tokens, **extra}

    def chat(self, messages: list[dict], deadline: Deadline, *, use: str, **extra) -> dict:
        """The reply message (``{"content", "tool_calls"?}``) of one completion; the whole
        call, connect to last byte, ends within the deadline."""
        self.stats.inc(f'llm_requests_total{{use="{use}"}}')
        try:
            fut = self._pool.submit(self._post, self._body(messages, **extra), self._timeout(deadline))
            return fut.result(timeout=deadline.remaining())
        except FutureTimeout:
            fut.cancel()
            raise self._fail(LLMError("budget", "question time budget spent"), use) from None
        except LLMError as e:
            raise self._fail(e, use) from None

    def _post(self, body: dict, timeout: httpx.Timeout) -> dict:
        try:
            with httpx.Client(timeout=timeout) as http:
                r = http.post(f"{self.config.base_url}/chat/completions", json=body, headers=self._headers())
        except httpx.TimeoutException as e:
            raise LLMError("timeout", str(e)) from None
        except httpx.HTTPError as e:
            raise LLMError("unreachable", str(e)) from None
        _check_status(r.status_code, r.text)
        try:
            msg = r.json()["choices"][0]["message"]
            if not isinstance(msg, dict):
                raise TypeError("message is not an object")
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise LLMError("malformed", f"reply envelope: {e}") from None
        return msg

    def stream(self, messages: list[dict], deadline: Deadline, *, use: str) -> Iterator[str]:
        """The reply's text as it arrives (``stream: true``); stops at the deadline."""
        self.stats.inc(f'llm_requests_total{{use="{use}"}}')
        try:
            with httpx.Client(timeout=self._timeout(deadline)) as http, \
                    http.stream("POST", f"{self.config.base_url}/chat/completions",
                                json=self._body(messages, stream=True), headers=self._headers()) as r:
                if r.status_code >= 400:
                    r.read()
                    _check_status(r.status_code, r.text)
                for line in r.iter_lines():
                    if deadline.remaining() <= 0:
                        raise LLMError("budget", "question time budget spent while streaming")
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    try:
                        delta = json.loads(data)["choices"][0].get("delta") or {}
                    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as e:
                        raise LLMError("malformed", f"stream chunk: {e}") from None
                    if delta.get("content"):
                        yield delta["content"]
        except httpx.TimeoutException as e:
            raise self._fail(LLMError("timeout", str(e)), use) from None
        except httpx.HTTPError as e:
            raise self._fail(LLMError("unreachable", str(e)), use) from None
        except LLMError as e:
            raise self._fail(e, use) from None

    def _fail(self, e: LLMError, use: str) -> LLMError:
        self.stats.inc(f'llm_errors_total{{reason="{e.reason}",use="{use}"}}')
        log.warning("language model call failed (%s): %s", use, e)
        return e

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _check_status(status: int, text: str) -> None:
    if status == 429:
        raise LLMError("rate_limited", "HTTP 429")
    if status >= 400:
        raise LLMError("http_error", f"HTTP {status}: {text[:200]}")


# ---------------------------------------------------------------- typed query schema


_SIMPLE = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _json_type(tp) -> dict | None:
    """The JSON schema of a simple annotation (str, int, float, bool, Literal, X | None,
    list of those); ``None`` for anything else (such fields are left to the rules)."""
    origin = typing.get_origin(tp)
    if tp in _SIMPLE:
        return {"type": _SIMPLE[tp]}
    if origin is typing.Literal:
        vals = list(typing.get_args(tp))
        return {"type": _SIMPLE.get(type(vals[0]), "string"), "enum": vals}
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and (inner := _json_type(args[0])) is not None:
            t = inner["type"]
            return {**inner, "type": [t, "null"], **({"enum": [*inner["enum"], None]} if "enum" in inner else {})}
        return None
    if origin is list:
        (arg,) = typing.get_args(tp) or (str,)
        inner = _json_type(arg)
        return {"type": "array", "items": inner} if inner else None
    return None


def query_schema(cls, *, exclude: tuple[str, ...] = ("text", "norm"), enums: dict | None = None) -> dict:
    """A JSON schema of the JSON-representable fields of the typed query dataclass."""
    hints = typing.get_type_hints(cls)
    props = {}
    for f in dataclasses.fields(cls):
        if f.name in exclude or f.name.startswith("_"):
            continue
        sch = _json_type(hints.get(f.name))
        if sch is None:
            continue
        if enums and f.name in enums:
            sch = {**sch, "enum": list(enums[f.name]) + ([None] if "null" in sch["type"] else [])}
        props[f.name] = sch
    return {"type": "object", "properties": props, "additionalProperties": False}


def validate(obj, schema: dict) -> dict:
    """``obj`` checked against ``schema`` (the subset :func:`query_schema` writes);
    unknown keys are dropped. Raises ValueError."""
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    out = {}
    for key, value in obj.items():
        sch = schema["properties"].get(key)
        if sch is None:
            continue
        _check(value, sch, key)
        out[key] = value
    return out


def _check(value, sch: dict, where: str) -> None:
    allowed = sch["type"] if isinstance(sch["type"], list) else [sch["type"]]
    kinds = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list,
             "null": type(None)}
    ok = any(isinstance(value, kinds[t]) and not (t in ("integer", "number") and isinstance(value, bool))
             for t in allowed)
    if not ok:
        raise ValueError(f"{where}: expected {allowed}, got {type(value).__name__}")
    if "enum" in sch and value not in sch["enum"]:
        raise ValueError(f"{where}: {value!r} not one of {sch['enum']}")
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check(item, sch["items"], f"{where}[{i}]")


def apply_mapped(query, values: dict, *from_dict_args):
    """The query with the model's values (``from_dict(to_dict() | values, *from_dict_args)``
    when the query type has them, else ``dataclasses.replace``)."""
    cls = type(query)
    if hasattr(cls, "from_dict") and hasattr(query, "to_dict"):
        return cls.from_dict({**query.to_dict(), **values}, *from_dict_args)
    return dataclasses.replace(query, **values)


def low_confidence(query, threshold: float = 0.5) -> bool:
    """The rules are unsure: the query's ``confidence`` under ``threshold``; for a query
    type without one, the rules' catch-all intent ("open")."""
    conf = getattr(query, "confidence", None)
    if conf is not None:
        return conf < threshold
    return getattr(query, "intent", None) == "open"


def parse_json(text: str):
    """The JSON object in a reply (a ```json fence allowed). Raises ValueError."""
    text = (text or "").strip()
    m = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
    return json.loads(m.group(1) if m else text)


# ---------------------------------------------------------------- the uses


class LanguageModel:
    """The three uses, each guarded: open answers, query mapping, proposal narratives."""

    def __init__(self, config: LLMConfig, prompts_path: Path, stats: Stats):
        self.config = config
        self.stats = stats
        self.prompts = yaml.safe_load(Path(prompts_path).read_text(encoding="utf-8"))
        self.guard = Guard(self.prompts.get("guard") or {})
        self.client = Client(config, stats)

    def deadline(self) -> Deadline:
        return Deadline(self.config.budget)

    def _fallback(self, use: str, why: str) -> None:
        self.stats.inc(f'llm_fallbacks_total{{use="{use}"}}')
        log.info("deterministic %s kept: %s", use, why)

    # ------------------------------------------------------------ open answers
    def answer_messages(self, question: str, records: list[tuple[str, str, str]]) -> list[dict]:
        P = self.prompts
        block = "\n".join(P["record_line"].format(n=n, office=o, section=s, text=t)
                          for n, (o, s, t) in enumerate(records, 1))
        return [{"role": "system", "content": P["answer_system"]},
                {"role": "user", "content": P["answer_user"].format(records=block, question=question)}]

    def answer_open(self, question: str, records: list[tuple[str, str, str]], deadline: Deadline,
                    on_sentence: Callable[[str], None] | None = None) -> Checked | None:
        """A short Thai answer from ``records`` (office, section, text), each sentence
        citing [n]; ``None`` (the deterministic answer stays) on any failure or when the
        guard drops too much. ``on_sentence`` streams the sentences the guard keeps."""
        messages = self.answer_messages(question, records)
        sources = [self.prompts["record_line"].format(n=n, office=o, section=s, text=t)
                   for n, (o, s, t) in enumerate(records, 1)]
        try:
            if on_sentence is None:
                text = self.client.chat(messages, deadline, use="answer").get("content") or ""
                checked = self.guard.check(text, sources, stats=self.stats, use="answer")
            else:
                checked = self._stream_checked(messages, sources, deadline, on_sentence)
        except LLMError as e:
            self._fallback("answer", e.reason)
            return None
        if not checked.usable(self.guard.max_rejected_share):
            self._fallback("answer", f"guard dropped {len(checked.rejected)} of {checked.total} sentences")
            return None
        self.stats.inc('llm_used_total{use="answer"}')
        return checked

    def _stream_checked(self, messages, sources, deadline, on_sentence) -> Checked:
        """Stream the reply; guard each line as it completes and pass on those kept."""
        total = Checked()
        buf = ""

        def flush(part: str) -> None:
            one = self.guard.check(part, sources, stats=self.stats, use="answer")
            total.total += one.total
            total.rejected += one.rejected
            for s in one.kept:
                total.kept.append(s)
                on_sentence(s)

        for chunk in self.client.stream(messages, deadline, use="answer"):
            buf += chunk
            while "\n" in buf:
                line, buf = buf.split("\n", 1)
                flush(line)
        flush(buf)
        return total

    # ------------------------------------------------------------ understanding
    def map_query(self, question: str, history: list[str], schema: dict, deadline: Deadline) -> dict | None:
        """The model's typed-query values for a question the rules are unsure of,
        validated against ``schema`` and holding only numbers the user wrote."""
        P = self.prompts
        messages = [{"role": "system", "content": P["understand_system"]},
                    {"role": "user", "content": P["understand_user"].format(
                        schema=json.dumps(schema, ensure_ascii=False), question=question,
                        history="\n".join(history) or "-")}]
        tool = {"type": "function", "function": {"name": P["understand_tool"],
                                                 "description": P["understand_tool_description"],
                                                 "parameters": schema}}
        try:
            try:
                msg = self.client.chat(messages, deadline, use="understand", tools=[tool],
                                       tool_choice={"type": "function", "function": {"name": P["understand_tool"]}})
            except LLMError as e:  # a server without function calling: JSON mode instead
                if e.reason != "http_error":
                    raise
                msg = self.client.chat(messages, deadline, use="understand", response_format={"type": "json_object"})
            calls = msg.get("tool_calls") or []
            raw = calls[0]["function"]["arguments"] if calls else msg.get("content")
            values = validate(parse_json(raw) if isinstance(raw, str) else raw, schema)
        except LLMError as e:
            self._fallback("understand", e.reason)
            return None
        except (ValueError, KeyError, IndexError, TypeError) as e:
            self.stats.inc('llm_errors_total{reason="malformed",use="understand"}')
            self._fallback("understand", f"malformed query JSON: {e}")
            return None
        if not values:
            self._fallback("understand", "the model mapped nothing")
            return None
        bad = self.guard.check_values(values, [question, *history])
        if bad:
            self.stats.inc('guard_rejected_total{reason="number",use="understand"}')
            log.warning("guard rejected a mapped query: %s=%r is not in the question", *bad)
            self._fallback("understand", "mapped query holds a number the user did not write")
            return None
        self.stats.inc('llm_used_total{use="understand"}')
        return values

    # ------------------------------------------------------------ proposals
    def narrative(self, idea: str, plan_text: str, deadline: Deadline) -> dict[str, list[str]] | None:
        """หลักการและเหตุผล / วัตถุประสงค์ / ผลที่คาดว่าจะได้รับ drafted from the plan
        text: {"rationale": [...], "objectives": [...], "outcomes": [...]}, each part's
        sentences guarded against the plan text and the idea; ``None`` when unusable."""
        P = self.prompts
        messages = [{"role": "system", "content": P["narrative_system"]},
                    {"role": "user", "content": P["narrative_user"].format(idea=idea, plan_text=plan_text)}]
        try:
            msg = self.client.chat(messages, deadline, use="narrative", response_format={"type": "json_object"})
            data = parse_json(msg.get("content") or "")
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except LLMError as e:
            self._fallback("narrative", e.reason)
            return None
        except ValueError as e:
            self.stats.inc('llm_errors_total{reason="malformed",use="narrative"}')
            self._fallback("narrative", f"malformed narrative JSON: {e}")
            return None
        out = {}
        for key in ("rationale", "objectives", "outcomes"):
            value = data.get(key)
            parts = value if isinstance(value, list) else [value] if isinstance(value, str) else []
            text = "\n".join(p for p in parts if isinstance(p, str))
            checked = self.guard.check(text, [plan_text, idea], cite=False, stats=self.stats, use="narrative")
            if checked.usable(self.guard.max_rejected_share):
                out[key] = checked.kept
        if not out:
            self._fallback("narrative", "nothing survived the guard")
            return None
        self.stats.inc('llm_used_total{use="narrative"}')
        return out

    def close(self) -> None:
        self.client.close()


__all__ = ["LLMConfig", "LLMError", "Deadline", "LanguageModel", "query_schema", "validate", "apply_mapped",
           "low_confidence", "parse_json", "sentences"]
