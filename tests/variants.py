"""Variant generator: a plan's records rendered as a document in many forms.

``render(record, form)`` writes the plan (a golden record, see tests/golden/) as a
document of one form; parsing it back must give the same records (``canonical``).
Forms: tab rows and one cell per line (.txt), Markdown pipe tables, HTML tables and
Word tables with merged header cells, each with Arabic or Thai digits.
"""

from __future__ import annotations

import html
from pathlib import Path

from assistant.domain import thai

FORMS = ("tab", "cells", "md", "html", "docx")


def canonical(d: dict) -> dict:
    """The comparable content of a plan record (ids, numbers, texts, values)."""
    one = thai.one_line

    def items(xs):
        return [(x["id"], x["number"], one(x["text"])) for x in xs]

    return {
        "vision": one(d["vision"]["text"]) if d.get("vision") else None,
        "missions": items(d["missions"]),
        "goals": items(d["goals"]),
        "strategies": [
            {
                "id": s["id"], "number": s["number"], "title": one(s["title"]), "kind": s["kind"],
                "goals": items(s["goals"]),
                "guidelines": [(g["id"], g["number"], one(g["text"]), g["responsible"]) for g in s["guidelines"]],
                "indicators": [
                    (i["id"], i["number"], one(i["text"]), i["unit"], i["source"], i["responsible"], list(i["sub_items"]),
                     sorted((t["id"], t["year"], t["kind"], t["value"], t["sub_item"]) for t in i["targets"]))
                    for i in s["indicators"]
                ],
            }
            for s in d["strategies"]
        ],
    }


class _Digits:
    def __init__(self, thai_digits: bool):
        self.thai = thai_digits

    def __call__(self, s) -> str:
        s = "" if s is None else str(s)
        return thai.to_thai_digits(s) if self.thai else s


def _columns(s: dict):
    inds = s["indicators"]
    ty = sorted({t["year"] for i in inds for t in i["targets"] if t["kind"] == "target"})
    ry = sorted({t["year"] for i in inds for t in i["targets"] if t["kind"] == "result"})
    return {
        "unit": any(i["unit"] for i in inds),
        "source": any(i["source"] for i in inds),
        "responsible": any(i["responsible"] for i in inds),
        "results": ry,
        "targets": ty,
    }


def _rows(s: dict, cols: dict, n: _Digits, empty: str):
    """Header (group row, leaf row) and data rows of a strategy's indicator table."""
    group, leaf = ["ที่", "ตัวชี้วัด"], ["ที่", "ตัวชี้วัด"]
    if cols["unit"]:
        group.append("หน่วยนับ")
        leaf.append("หน่วยนับ")
    for y in cols["results"]:
        group.append("ผลการดำเนินงาน")
        leaf.append(n(y))
    for y in cols["targets"]:
        group.append("ค่าเป้าหมาย")
        leaf.append(n(y))
    for key, label in (("source", "แหล่งข้อมูล"), ("responsible", "ผู้รับผิดชอบ")):
        if cols[key]:
            group.append(label)
            leaf.append(label)
    rows = []
    for i in s["indicators"]:
        for sub in [None, *i["sub_items"]]:
            vals = {}
            for t in i["targets"]:  # one value per column: the first one read
                if t["sub_item"] == sub:
                    vals.setdefault((t["kind"], t["year"]), t["value"])
            if sub is None:
                row = [n(i["number"]), i["text"]]
            else:
                row = [empty, f"- {sub}"]
            if cols["unit"]:
                row.append((i["unit"] or empty) if sub is None else empty)
            row += [n(vals.get(("result", y), "-")) for y in cols["results"]]
            row += [n(vals.get(("target", y), "-")) for y in cols["targets"]]
            for key in ("source", "responsible"):
                if cols[key]:
                    row.append((i[key] or empty) if sub is None else empty)
            rows.append(row)
    return group, leaf, rows


def _outline(d: dict, n: _Digits):
    """The plan as a sequence of (kind, payload): heading, item, paragraph, table."""
    out = []
    if d.get("vision"):
        out += [("heading", "วิสัยทัศน์"), ("paragraph", d["vision"]["text"])]
    for key, word in (("missions", "พันธกิจ"), ("goals", "เป้าประสงค์")):
        if d[key]:
            out.append(("heading", word))
            out += [("item", f"{n(x['number'])}. {x['text']}") for x in d[key]]
    for s in d["strategies"]:
        out.append(("heading", f"{s['kind']}ที่ {n(s['number'])} {s['title']}"))
        if s["goals"]:
            out.append(("subheading", "เป้าประสงค์"))
            out += [("item", f"{n(g['number'])}. {g['text']}") for g in s["goals"]]
        if s["indicators"]:
            out.append(("subheading", "ตัวชี้วัด"))
            out.append(("table", s))
        if s["guidelines"]:
            out.append(("subheading", "แนวทางการดำเนินงาน"))
            for g in s["guidelines"]:
                resp = f" (ผู้รับผิดชอบ: {g['responsible']})" if g["responsible"] else ""
                out.append(("item", f"{n(g['number'])}. {g['text']}{resp}"))
    return out


def render_text(d: dict, form: str, thai_digits: bool = False) -> str:
    n = _Digits(thai_digits)
    lines = [f"แผนพัฒนาการศึกษา พ.ศ. {n(2566)} - {n(2570)}", ""]
    for kind, x in _outline(d, n):
        if kind == "table":
            cols = _columns(x)
            group, leaf, rows = _rows(x, cols, n, "-" if form == "cells" else "")
            if form == "tab":  # a merged header flattened into two rows
                if group != leaf:
                    lines.append("\t".join(group))
                lines.append("\t".join(leaf))
                lines += ["\t".join(r) for r in rows]
            elif form == "cells":
                seen = []
                for g, lf in zip(group, leaf, strict=True):
                    if g != lf and g not in seen:
                        lines.append(g)
                        seen.append(g)
                    lines.append(lf)
                for r in rows:
                    lines += r
            elif form == "md":
                lines.append("| " + " | ".join(f"{g} {lf}" if g != lf else lf for g, lf in zip(group, leaf, strict=True)) + " |")
                lines.append("|" + "---|" * len(leaf))
                lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in rows]
            lines.append("")
        elif kind in ("heading", "subheading"):
            lines += ["", (("## " if kind == "heading" else "### ") if form == "md" else "") + x]
        else:
            lines.append(x)
    return "\n".join(lines) + "\n"


def render_html(d: dict, thai_digits: bool = False) -> str:
    n = _Digits(thai_digits)
    e = html.escape
    out = ["<html><head><meta charset='utf-8'><title>แผน</title><style>td{border:1px}</style></head><body>",
           f"<h1>แผนพัฒนาการศึกษา พ.ศ. {n(2566)} - {n(2570)}</h1>"]
    in_list = False
    for kind, x in _outline(d, n):
        if kind != "item" and in_list:
            out.append("</ul>")
            in_list = False
        if kind == "table":
            group, leaf, rows = _rows(x, _columns(x), n, "")
            out.append("<table><tr>")
            j = 0
            while j < len(group):
                k = j
                while k < len(group) and group[k] == group[j]:
                    k += 1
                if group[j] == leaf[j]:
                    out.append(f"<th rowspan='2'>{e(group[j])}</th>")
                    k = j + 1
                else:
                    out.append(f"<th colspan='{k - j}'>{e(group[j])}</th>")
                j = k
            out.append("</tr><tr>" + "".join(f"<th>{e(lf)}</th>" for g, lf in zip(group, leaf, strict=True) if g != lf) + "</tr>")
            for r in rows:
                out.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
            out.append("</table>")
        elif kind == "heading":
            out.append(f"<h2>{e(x)}</h2>")
        elif kind == "subheading":
            out.append(f"<h3>{e(x)}</h3>")
        elif kind == "item":
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{e(x)}</li>")
        else:
            out.append(f"<p>{e(x)}</p>")
    out.append("</ul></body></html>" if in_list else "</body></html>")
    return "\n".join(out)


def render_docx(d: dict, path: Path, thai_digits: bool = False) -> Path:
    from docx import Document

    n = _Digits(thai_digits)
    doc = Document()
    doc.add_heading(f"แผนพัฒนาการศึกษา พ.ศ. {n(2566)} - {n(2570)}", level=1)
    for kind, x in _outline(d, n):
        if kind == "table":
            group, leaf, rows = _rows(x, _columns(x), n, "")
            t = doc.add_table(rows=2 + len(rows), cols=len(leaf))
            t.style = "Table Grid"
            j = 0
            while j < len(group):
                k = j
                while k < len(group) and group[k] == group[j]:
                    k += 1
                if group[j] == leaf[j]:
                    for jj in range(j, k):
                        a = t.cell(0, jj).merge(t.cell(1, jj))  # vMerge
                        a.text = group[jj]
                else:
                    a = t.cell(0, j).merge(t.cell(0, k - 1)) if k - 1 > j else t.cell(0, j)  # gridSpan
                    a.text = group[j]
                    for jj in range(j, k):
                        t.cell(1, jj).text = leaf[jj]
                j = k
            for r, row in enumerate(rows, 2):
                for c, v in enumerate(row):
                    t.cell(r, c).text = v
        elif kind == "heading":
            doc.add_heading(x, level=2)
        elif kind == "subheading":
            doc.add_heading(x, level=3)
        else:
            doc.add_paragraph(x)
    doc.save(path)
    return path


def render(d: dict, form: str, directory: Path, thai_digits: bool = False) -> Path:
    stem = d["doc_id"]
    if form == "docx":
        return render_docx(d, directory / f"{stem}.docx", thai_digits)
    if form == "html":
        p = directory / f"{stem}.html"
        p.write_text(render_html(d, thai_digits), encoding="utf-8")
        return p
    p = directory / f"{stem}.{'md' if form == 'md' else 'txt'}"
    p.write_text(render_text(d, form, thai_digits), encoding="utf-8")
    return p
