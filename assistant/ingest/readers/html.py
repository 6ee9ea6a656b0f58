"""HTML → document: headings, paragraphs, list items and native tables (rowspan/colspan).

A list item keeps its nesting depth (``<li>`` inside a ``<ul>`` inside a ``<li>``: depth 2),
and so does the text of the item that holds a nested list. Blocks inside ``<nav>``,
``<header>``, ``<footer>`` and ``<aside>`` are page furniture: kept in the text (the office
named there is still read) but marked, so they are no part of the plan.

The document text is built as the page is read: one line per block, a table as one
tab-separated line per row (cells' text with tabs and newlines folded to spaces)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from assistant.ingest.decoders import text_blocks
from assistant.ingest.document import Block, Document
from assistant.ingest.readers.grid import layout

_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "ul", "ol", "article",
          "header", "footer", "main", "title", "dt", "dd", "blockquote", "nav", "aside", "hr"}
_LISTS = {"ul", "ol"}
_FURNITURE = {"nav", "header", "footer", "aside"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.skip = 0
        self.buf: list[str] = []
        self.tag_stack: list[str] = []
        self.table_depth = 0
        self.rows: list[list[tuple[int, int, int, int]]] = []
        self.cell: list[str] | None = None
        self.cell_span = (1, 1)
        self.row_cells: list[tuple[str, int, int]] = []
        self.heading: int | None = None
        self.li = False
        self.caption: list[str] | None = None
        self.lists = 0  # open <ul>/<ol> elements
        self.li_depth: list[int] = []  # the list depth of each open <li>
        self.furniture = 0  # open furniture elements (nav, header, footer, aside)

    # text accumulation
    def _flush(self):
        raw = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        self.buf = []
        if not raw:
            return
        start = self.pos
        self._emit(raw + "\n")
        if self.heading:
            blocks = [Block("heading", start, start + len(raw), level=self.heading)]
        else:
            blocks = text_blocks(self.text(), start, start + len(raw))
            if self.li:
                for b in blocks:
                    if b.kind == "paragraph":
                        b.kind = "item"
        for b in blocks:
            if self.li_depth and b.kind != "table":
                b.depth = self.li_depth[-1]
            b.furniture = self.furniture > 0
        self.blocks += blocks

    def _emit(self, s: str):
        self.out.append(s)
        self.pos += len(s)

    def text(self) -> str:
        return "".join(self.out)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style", "head") and tag != "title":
            self.skip += 1
            return
        if tag == "table":
            self._flush()
            self.table_depth += 1
            if self.table_depth == 1:
                self.rows = []
            return
        if self.table_depth:
            if tag == "caption" and self.table_depth == 1 and not self.rows:
                self.caption = []  # a table's caption is a paragraph before its rows
            elif tag == "tr":
                self.row_cells = []
            elif tag in ("td", "th"):
                self.cell = []
                self.cell_span = (_int(a.get("rowspan")), _int(a.get("colspan")))
            elif tag == "br" and self.cell is not None:
                self.cell.append(" ")
            return
        if tag == "br" and self.heading:
            self.buf.append(" ")  # a heading broken over two lines is one heading
            return
        if tag in _BLOCK:
            self._flush()
            if re.fullmatch(r"h[1-6]", tag):
                self.heading = int(tag[1])
            if tag == "li":
                self.li = True
                self.li_depth.append(max(1, self.lists))
            self.lists += tag in _LISTS
            self.furniture += tag in _FURNITURE

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
            return
        if self.table_depth:
            if tag == "caption" and self.caption is not None:
                self.buf, self.caption = self.caption, None
                self._flush()
            elif tag in ("td", "th") and self.cell is not None:
                self.row_cells.append((re.sub(r"\s+", " ", "".join(self.cell)).strip(), *self.cell_span))
                self.cell = None
            elif tag == "tr":
                self._row()
            elif tag == "table":
                if self.cell is not None:
                    self.handle_endtag("td")
                if self.row_cells:
                    self._row()
                self.table_depth -= 1
                if self.table_depth == 0 and self.rows:
                    self.blocks.append(Block("table", self._table_start, self.pos - 1, rows=layout(self.rows)))
                    self.rows = []
            return
        if tag in _BLOCK:
            self._flush()
            if re.fullmatch(r"h[1-6]", tag):
                self.heading = None
            if tag == "li":
                self.li_depth = self.li_depth[:-1]
                self.li = bool(self.li_depth)
            if tag in _LISTS:
                self.lists = max(0, self.lists - 1)
            if tag in _FURNITURE:
                self.furniture = max(0, self.furniture - 1)

    def _row(self):
        if not self.row_cells:
            return
        if not self.rows:
            self._table_start = self.pos
        cells = []
        for i, (txt, rs, cs) in enumerate(self.row_cells):
            if i:
                self._emit("\t")
            cells.append((self.pos, self.pos + len(txt), rs, cs))
            self._emit(txt)
        self._emit("\n")
        self.rows.append(cells)
        self.row_cells = []

    def handle_data(self, data):
        if self.skip:
            return
        if self.table_depth and self.cell is not None:
            self.cell.append(data)
        elif self.table_depth and self.caption is not None:
            self.caption.append(data)
        elif not self.table_depth:
            self.buf.append(data)


def _int(v) -> int:
    try:
        return max(1, min(int(v), 50))
    except (TypeError, ValueError):
        return 1


def read(doc_id: str, markup: str) -> Document:
    r = _Reader()
    r.feed(markup)
    r.close()
    r._flush()
    return Document(doc_id, r.text(), "html", r.blocks)
