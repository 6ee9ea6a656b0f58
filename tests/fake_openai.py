"""A fake OpenAI-compatible chat server on 127.0.0.1 (like the fake LINE API in
test_line.py). The request's ``model`` picks the behaviour:

  faithful   answers only from the records it is given, citing [n]
  drift      the faithful answer with one figure changed (30.30 -> 30.3; 90 -> 91)
  budget     the faithful answer plus a budget that no record prints
  indicator  the faithful answer plus an indicator number no record prints
  broken     broken JSON (a cut-off reply envelope; cut-off JSON content for JSON calls)
  hang       never answers (until the server closes)
  ratelimit  HTTP 429
  notools    faithful, but HTTP 400 to function calling (JSON mode works)

Each injected change is kept in ``injected`` as (model, sentence, claim), so tests can
check that none reaches a user. ``query`` is what a faithful model maps a question to
(the tool-call arguments); ``narrative`` overrides its proposal JSON.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_RECORD = re.compile(r"^\[(\d+)\] (.+)$", re.M)
_NUM = re.compile(r"(?<![\d.,])\d+(?:\.\d+)?(?![\d])")


def _cut(text: str, n: int = 90) -> str:
    """The text up to a space after about ``n`` characters (never inside a number)."""
    if len(text) <= n:
        return text
    cut = text.find(" ", n)
    return text if cut == -1 else text[:cut]


def faithful_sentences(prompt: str) -> list[str]:
    out = []
    for m in list(_RECORD.finditer(prompt))[:3]:
        body = m.group(2).split(": ", 1)[-1]
        out.append(f"ตามเอกสาร {_cut(body)} [{m.group(1)}]")
    return out or ["ไม่พบในเอกสาร"]


def _absent(prompt: str, start: int, fmt=str) -> str:
    n = start
    while fmt(n) in prompt:
        n += 1
    return fmt(n)


def drift(sentences: list[str]) -> tuple[list[str], str | None, str | None]:
    """Change one figure: a decimal's trailing zero dropped (30.30 -> 30.3) or one added;
    with no decimal, a whole number off by one."""
    for decimals in (True, False):
        for i, s in enumerate(sentences):
            for m in _NUM.finditer(s):
                num = m.group(0)
                if ("." in num) != decimals or s[m.start() - 1 : m.start()] == "[":
                    continue
                new = (num[:-1] if num.endswith("0") else num + "0") if decimals else str(int(num) + 1)
                changed = s[: m.start()] + new + s[m.end():]
                return sentences[:i] + [changed] + sentences[i + 1:], changed, new
    return sentences, None, None


class FakeOpenAI:
    def __init__(self):
        self.requests: list[dict] = []
        self.injected: list[tuple[str, str, str]] = []
        self.query: dict = {}
        self.narrative: dict | None = None
        self._closing = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                fake.requests.append({"path": self.path, "body": body,
                                      "auth": self.headers.get("Authorization")})
                fake.respond(self, body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    # ------------------------------------------------------------ behaviour
    def content(self, model: str, body: dict) -> str:
        prompt = "\n".join(m.get("content") or "" for m in body.get("messages", []))
        json_call = bool(body.get("tools") or body.get("response_format"))
        if model == "broken" and json_call:
            return '{"intent": "numeric", "years": [25'
        if body.get("response_format") and "JSON schema:" in prompt:  # a query, in JSON mode
            return json.dumps(self.query, ensure_ascii=False)
        if body.get("response_format"):  # a proposal narrative
            return json.dumps(self.narrative or self._narrative(prompt), ensure_ascii=False)
        sentences = faithful_sentences(prompt)
        if model == "drift":
            sentences, changed, claim = drift(sentences)
            if changed:
                self.injected.append((model, changed, claim))
        elif model == "budget":
            amount = _absent(prompt, 2750000, lambda n: f"{n:,}")
            s = f"โครงการนี้ได้รับงบประมาณ {amount} บาท [1]"
            sentences.insert(1, s)
            self.injected.append((model, s, amount))
        elif model == "indicator":
            number = _absent(prompt, 41, lambda n: f"ตัวชี้วัดที่ {n}")
            s = f"เรื่องนี้เป็นไปตาม{number} [1]"
            sentences.insert(1, s)
            self.injected.append((model, s, number))
        return "\n".join(sentences)

    def _narrative(self, prompt: str) -> dict:
        plan = prompt.split("ข้อความจากแผนที่โครงการนี้สอดคล้อง:", 1)[-1]
        lines = [ln.strip() for ln in plan.splitlines() if ln.strip()][:-1]
        return {"rationale": [f"โครงการนี้สนับสนุน {_cut(lines[0], 80)}"] if lines else [],
                "objectives": [f"เพื่อ {_cut(ln, 60)}" for ln in lines[1:3]],
                "outcomes": [f"ผู้เรียนได้รับการพัฒนาตาม {_cut(ln, 60)}" for ln in lines[1:2]]}

    def respond(self, h: BaseHTTPRequestHandler, body: dict) -> None:
        model = body.get("model", "faithful")
        if model == "hang":
            self._closing.wait(30)
            return
        if model == "notools" and body.get("tools"):
            return self._send(h, 400, b'{"error": {"message": "tools are not supported"}}')
        if model == "ratelimit":
            return self._send(h, 429, b'{"error": {"message": "rate limited"}}')
        if model == "broken" and not (body.get("tools") or body.get("response_format")):
            if body.get("stream"):
                return self._sse(h, ["data: {oops\n\n"])
            return self._send(h, 200, b'{"choices": [{"message": {"content": "\xe0\xb8\x95')
        if body.get("tools") and model != "broken":
            call = {"id": "call_1", "type": "function",
                    "function": {"name": body["tools"][0]["function"]["name"],
                                 "arguments": json.dumps(self.query, ensure_ascii=False)}}
            msg = {"role": "assistant", "content": None, "tool_calls": [call]}
            return self._send(h, 200, json.dumps({"choices": [{"message": msg}]}).encode())
        text = self.content(model, body)
        if body.get("stream"):
            pieces = [text[i: i + 7] for i in range(0, len(text), 7)]
            events = [f"data: {json.dumps({'choices': [{'delta': {'content': p}}]})}\n\n" for p in pieces]
            return self._sse(h, events + ["data: [DONE]\n\n"])
        out = {"choices": [{"message": {"role": "assistant", "content": text}}]}
        self._send(h, 200, json.dumps(out, ensure_ascii=False).encode())

    @staticmethod
    def _send(h, status: int, raw: bytes) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(raw)))
        h.end_headers()
        h.wfile.write(raw)

    @staticmethod
    def _sse(h, events: list[str]) -> None:
        raw = "".join(events).encode()
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Content-Length", str(len(raw)))
        h.end_headers()
        h.wfile.write(raw)

    def of(self, model: str) -> list[dict]:
        return [r for r in self.requests if r["body"].get("model") == model]

    def close(self) -> None:
        self._closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()
