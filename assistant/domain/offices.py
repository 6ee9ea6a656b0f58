"""Office resolution: the names users type → Educational Service Area Offices.

Knows the corpus offices (from ``corpus/metadata.yaml``) and recognises any other
office by its form (สพป./สพม./สพท. + a real province + เขต N), so an office that exists
but has no plan in the corpus is reported as such, never confused with another.
Province names are checked against pythainlp's province list; a name that is not a
province but is one or two edits from one (``ชัยโสธร`` → ``ยโสธร``) resolves to it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.domain import thai
from assistant.domain.models import Office

_KIND_WORDS = [
    (r"สำนักงานเขตพื้นที่การศึกษาประถมศึกษา", "สพป."),
    (r"สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา", "สพม."),
    (r"สำนักงานเขตพื้นที่การศึกษา", "สพท."),
    (r"เขตพื้นที่การศึกษาประถมศึกษา", "สพป."),
    (r"เขตพื้นที่การศึกษามัธยมศึกษา", "สพม."),
    (r"ส\.?\s?พ\.?\s?ป\.?", "สพป."),
    (r"ส\.?\s?พ\.?\s?ม\.?", "สพม."),
    (r"ส\.?\s?พ\.?\s?ท\.?", "สพท."),
    (r"ประถม(?:ศึกษา)?", "สพป."),
    (r"มัธยม(?:ศึกษา)?", "สพม."),
]
REGISTRY_PATH = Path(__file__).with_name("offices.yaml")
LIST_PATH = Path(__file__).with_name("office_list.yaml")


@lru_cache(maxsize=2)
def common_names(path: Path = REGISTRY_PATH) -> dict[str, str]:
    """Common names of provinces (``โคราช`` → ``นครราชสีมา``) from the registry file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data.get("common_names") or {})


@dataclass(frozen=True)
class OfficeList:
    """The country's offices as data (``office_list.yaml``, with its sources): the number of
    สพป. areas of each province, and each สพม. with the provinces it serves."""

    primary: dict[str, int]  # province -> number of สพป. areas (1: one office, no เขต number)
    secondary: tuple[tuple[tuple[str, ...], int | None], ...]  # (provinces, area) per สพม.

    def secondary_of(self, province: str, area: int | None) -> tuple[tuple[str, ...], int | None] | None:
        """The สพม. that serves ``province`` (Bangkok's by its area number)."""
        hits = [e for e in self.secondary if province in e[0]]
        if len(hits) > 1:
            hits = [e for e in hits if e[1] == area]
        return hits[0] if len(hits) == 1 else None

    def listed(self, office: Office) -> bool | None:
        """Whether ``office`` is one of the country's offices: False for "สพป.X เขต 9" where
        X has fewer areas, None where the list cannot tell (no province, สพท., no area)."""
        provs = tuple(office.province.split())
        if not provs or office.kind == "สพท.":
            return None
        if office.kind == "สพป.":
            n = self.primary.get(provs[0]) if len(provs) == 1 else None
            if n is None:
                return False if len(provs) > 1 else None
            if office.area is None:
                return True if n == 1 else None  # "สพป.เชียงใหม่": which of its areas?
            return office.area <= n
        return any(set(provs) == set(p) and a == office.area for p, a in self.secondary)


@lru_cache(maxsize=2)
def office_list(path: Path = LIST_PATH) -> OfficeList:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    primary = {e["province"]: int(e["areas"]) for e in data.get("primary") or ()}
    secondary = tuple((tuple(e["provinces"]), e.get("area")) for e in data.get("secondary") or ())
    return OfficeList(primary, secondary)


_KIND_RE = "|".join(f"(?:{w})" for w, _ in _KIND_WORDS)
_AREA = r"\s*(?:เขต|ข\.|ขต\.?|เขตที่)?\s*\.?\s*(\d{1,2})(?![\d.])"


def _mid_word(s: str, pos: int) -> bool:
    """True when ``pos`` cannot start a Thai word: the character before it is a vowel
    that must be followed by a consonant (``ชั|ยโสธร`` is inside ``ชัยโสธร``)."""
    return pos > 0 and s[pos - 1] in "ัเแโใไ"


def _kind_of(word: str) -> str | None:
    for pat, kind in _KIND_WORDS:
        if re.fullmatch(pat, word.strip()):
            return kind
    return None


@dataclass(frozen=True)
class OfficeMention:
    office: Office
    text: str  # what the user wrote
    corrected: str | None = None  # the province the typed name was corrected to


class OfficeResolver:
    def __init__(self, offices: list[Office]):
        self.offices = offices
        self._alias: list[tuple[str, Office]] = []
        for o in offices:
            for a in (o.name, o.short, *o.aliases):
                self._alias.append((thai.squash(a), o))
        self._alias.sort(key=lambda t: len(t[0]), reverse=True)
        provs = thai.provinces()
        self._prov_names = [p[0] for p in provs]
        self._prov_abbr = {p[1]: p[0] for p in provs if p[1]}
        self._prov_en = {p[0]: p[2] for p in provs}
        self._common = common_names()
        self._list = office_list()
        # offices whose province no other office shares, with the names it goes by: a bare
        # province name in a sentence means that office (computed once, not per question)
        shares = Counter(prov for x in offices for prov in x.province.split())
        self._bare = [(o, prov, [prov] + [c for c, p in self._common.items() if p == prov])
                      for o in offices for prov in o.province.split() if shares[prov] == 1]

    # ------------------------------------------------------------ lookup
    def get(self, office_id: str) -> Office | None:
        return next((o for o in self.offices if o.id == office_id), None)

    def corpus_match(self, kind: str | None, province: str, area: int | None) -> Office | None:
        for o in self.offices:
            if province in o.province.split() or province == o.province:
                if (kind in (None, "สพท.") or kind == o.kind) and (area is None or o.area in (None, area)):
                    if area is None and o.area is not None and kind is None:
                        continue
                    if area is not None and o.area is None and kind is None:
                        continue  # "ชย.2" is not an office without areas (สพม.ชัยภูมิ)
                    return o
        return None

    def province(self, word: str) -> tuple[str, bool] | None:
        """A province for a typed word: exact name, abbreviation, or a near miss of a
        name (returns (name, corrected))."""
        w = word.strip().rstrip(".")
        if w in self._prov_names:
            return w, False
        if w in self._prov_abbr:
            return self._prov_abbr[w], False
        if w in self._common:
            return self._common[w], False
        if len(w) >= 4 and re.fullmatch(r"[ก-๙]+", w):
            # only names within two letters of the word's length can be two edits away
            near_len = [p for p in self._prov_names if abs(len(p) - len(w)) <= 2]
            if not near_len:
                return None
            best = min(near_len, key=lambda p: thai.edit_distance(w, p))
            d = thai.edit_distance(w, best)
            near = d == 1 or (d == 2 and (w.endswith(best) or best.endswith(w)))
            if near and len(best) >= 4:
                return best, True
        return None

    def _generic(self, kind: str | None, province: str, area: int | None) -> Office:
        # an area number with no kind ("ชย.2", "ชัยภูมิ 2") is a สพป.: สพม. have no
        # numbered เขต within a province (only the old "สพม.NN" forms, resolved elsewhere)
        k = kind or ("สพป." if area else "สพท.")
        if k == "สพม." and (entry := self._list.secondary_of(province, area)):
            # one สพม. may serve two or three provinces: "สพม.อุตรดิตถ์" is สพม.พิษณุโลก อุตรดิตถ์
            province, area = " ".join(entry[0]), entry[1] if entry[1] is not None else area
        elif k == "สพป." and area == 1 and self._list.primary.get(province) == 1:
            area = None  # the province's one สพป. has no เขต number
        en = " ".join(self._prov_en.get(p, p) for p in province.split())
        slug = re.sub(r"[^a-z0-9]+", "-", en.lower()).strip("-")
        prefix = {"สพป.": "spp", "สพม.": "spm"}.get(k, "esa")
        oid = f"{prefix}-{slug}" + (f"-{area}" if area else "")
        longk = {"สพป.": "ประถมศึกษา", "สพม.": "มัธยมศึกษา"}.get(k, "")
        name = f"สำนักงานเขตพื้นที่การศึกษา{longk}{province}" + (f" เขต {area}" if area else "")
        return Office(oid, name, k, province, area, (), False)

    def listed(self, office: Office) -> bool | None:
        """Whether ``office`` is one of the country's offices (see :meth:`OfficeList.listed`)."""
        return True if office.in_corpus else self._list.listed(office)

    # ------------------------------------------------------------ resolve
    def resolve(self, text: str) -> list[OfficeMention]:
        """Every office named in ``text``, in order, corpus offices and others."""
        s = thai.to_arabic(text)
        found: list[tuple[int, OfficeMention]] = []
        used: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in used)

        # 1. aliases of corpus offices, on a squashed copy with an index map
        squashed, idx = [], []
        for i, ch in enumerate(s):
            if not ch.isspace() and ch != ".":
                squashed.append(ch.lower())
                idx.append(i)
        sq = "".join(squashed)
        for alias, office in self._alias:
            if not alias:
                continue
            start = 0
            while (k := sq.find(alias, start)) >= 0:
                a, b = idx[k], idx[k + len(alias) - 1] + 1
                tail = sq[k + len(alias) : k + len(alias) + 1]
                if free(a, b) and not (alias[-1].isdigit() and tail.isdigit()) and not _mid_word(s, a):
                    found.append((a, OfficeMention(office, s[a:b])))
                    used.append((a, b))
                start = k + 1

        # 2. kind + province (+ area), and "province area" short forms
        patterns = [
            (re.compile(rf"({_KIND_RE})\s*([ก-๙]{{2,}})\s*\.?(?:{_AREA})?"), True),
            (re.compile(rf"()(?<![ก-๙])([ก-๙]{{2,}})\s*\.?(?:{_AREA})"), False),
        ]
        for pat, with_kind in patterns:
            for m in pat.finditer(s):
                a, b = m.span()
                if not free(a, b) or (not with_kind and _kind_of(m.group(2))):
                    continue
                kind = _kind_of(m.group(1)) if m.group(1) else None
                got = self._province_in(m.group(2), allow_prefix=with_kind)
                if not got:
                    continue
                province, corrected = got
                area = int(m.group(3)) if m.group(3) else None
                if with_kind and area is None:
                    # one office of two provinces: "สพม.ลำปาง ลำพูน"
                    nxt = re.match(r"\s*([ก-๙]{2,})", s[b:])
                    second = self.province(nxt.group(1)) if nxt else None
                    if second and not second[1] and second[0] != province:
                        province, b = f"{province} {second[0]}", b + nxt.end()
                office = self.corpus_match(kind, province, area)
                office = office or self._generic(kind, province, area)
                found.append((a, OfficeMention(office, s[a:b], province if corrected else None)))
                used.append((a, b))
        # abbreviations glued to the word before them ("ของยส.2", "ของชม.เขต 6", "ของชมเขต 6")
        for m in re.finditer(r"([ก-๙]{2})(?:\.\s*(?:เขต\s*)?|\.?\s*เขต\s*)(\d{1,2})(?![\d.])", s):
            a, b = m.span()
            province = self._prov_abbr.get(m.group(1))
            if province and free(a, b):
                area = int(m.group(2))
                office = self.corpus_match(None, province, area) or self._generic(None, province, area)
                found.append((a, OfficeMention(office, s[a:b])))
                used.append((a, b))
        # 3. a bare province name inside a sentence: the corpus office of that province
        for o, prov, names in self._bare:
            for m in (m for name in names if name in s for m in re.finditer(re.escape(name), s)):
                a, b = m.span()
                corrected = None
                if _mid_word(s, a):
                    # a misspelt name: the Thai letters glued before it make a near miss
                    run = re.search(r"[ก-๙]{1,3}$", s[:a])
                    got = self.province(s[run.start() : b]) if run else None
                    if not got or got[0] != prov:
                        continue
                    a, corrected = run.start(), prov
                if free(a, b):
                    found.append((a, OfficeMention(o, s[a:b], corrected)))
                    used.append((a, b))
        # 4. a kind and a number only ("สพม.36"): an office known only by its number
        for m in re.finditer(rf"({_KIND_RE})\s*(?:เขต)?\s*(\d{{1,2}})(?![\d.])", s):
            a, b = m.span()
            if free(a, b):
                kind = _kind_of(m.group(1)) or "สพท."
                area = int(m.group(2))
                prefix = {"สพป.": "spp", "สพม.": "spm"}.get(kind, "esa")
                office = Office(f"{prefix}-area-{area}", f"{kind} เขต {area}", kind, "", area, (), False)
                found.append((a, OfficeMention(office, s[a:b])))
                used.append((a, b))
        out: list[OfficeMention] = []
        for _, m in sorted(found, key=lambda t: t[0]):
            if all(m.office.id != o.office.id for o in out):
                out.append(m)
        return out

    def _province_in(self, word: str, allow_prefix: bool) -> tuple[str, bool] | None:
        """The province a run of Thai letters names. After an office word, prefixes and
        extensions count too (users glue words, ``ตรังเขต``, or shorten, ``กรุงเทพ``)."""
        word = re.sub(r"(เขต|ข)$", "", word)
        got = self.province(word)
        if got or not allow_prefix:
            return got
        for end in range(len(word) - 1, 1, -1):
            got = self.province(word[:end])
            if got:
                return got
        if len(word) >= 4:
            ext = [p for p in self._prov_names if p.startswith(word)]
            if len(ext) == 1:
                return ext[0], False
        return None


def office_from_meta(office_id: str, meta: dict) -> Office:
    return Office(
        id=office_id,
        name=meta["name"],
        kind=meta["kind"],
        province=meta["province"],
        area=meta.get("area"),
        aliases=tuple(meta.get("aliases") or ()),
        in_corpus=True,
    )
