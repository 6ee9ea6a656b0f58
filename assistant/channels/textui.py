"""Readable Thai tables for a terminal: widths that ignore Thai combining marks."""

from __future__ import annotations

import unicodedata


def width(s: str) -> int:
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def cut(s: str, limit: int) -> str:
    if width(s) <= limit:
        return s
    out, w = [], 0
    for ch in s:
        cw = width(ch)
        if w + cw > limit - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def pad(s: str, n: int) -> str:
    return s + " " * max(0, n - width(s))


def table(headers: list[str], rows: list[list[str]], max_col: int = 60) -> str:
    cells = [[cut(str(c) if c is not None else "", max_col) for c in r] for r in rows]
    widths = [width(h) for h in headers]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], width(c))
    line = "  ".join(pad(h, widths[i]) for i, h in enumerate(headers))
    sep = "  ".join("─" * w for w in widths)
    body = ["  ".join(pad(c, widths[i]) for i, c in enumerate(r)).rstrip() for r in cells]
    return "\n".join([line.rstrip(), sep, *body])
