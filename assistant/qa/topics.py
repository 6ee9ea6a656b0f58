"""Topic links: an indicator named by its wording, decided on the hybrid index's scores.

For a topic phrase and one plan (the office's document, narrowed to the strategy and the
subject group when the question gives them) every candidate indicator gets three
features:

- ``dense``: the cosine of the phrase and the indicator's chunk, minus the best cosine
  among the candidates (0 for the nearest; meaning, whatever the wording);
- ``lexical``: its BM25 score over the plan's chunks divided by the best candidate's;
- ``words``: the share of the question's content words (weighted by rarity) the
  indicator's own text holds.

``score = W_DENSE * dense + W_LEXICAL * lexical + W_WORDS * words``. The best candidate is
linked when its score reaches ``MIN_SCORE``, its text holds ``MIN_WORDS`` of the question's
words (the key-word gate) and it leads the next by ``MARGIN``; when the
next is within ``MARGIN`` the question is asked back with both; below ``MIN_SCORE`` the
plan has no such indicator (not_found with the nearest rows). The constants are fitted by
``python -m assistant.qa.calibrate`` on eval/gold.yaml + eval/dev_s2.yaml (no wrong
link allowed) and checked on eval/dev_s3.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from assistant.domain.models import Indicator, Strategy

# fitted by ``python -m assistant.qa.calibrate`` (session 4): with these weights every fit
# item (gold + dev_s2, 64) links right; its right links score >= 1.17 and the plans' best
# for a topic they lack <= 0.73 (MIN_SCORE halfway), and the narrowest lead of a right link
# is 0.30 (MARGIN half of it). Dense or lexical alone put a wrong indicator first on 2 / 1
# of the 64; the words alone tie.
W_DENSE = 20.0
W_LEXICAL = 1.0
W_WORDS = 1.0
MIN_SCORE = 0.95
MARGIN = 0.15
# the key-word gate (session 6): a topic link needs the indicator's own text to hold this share of
# the question's content words (weighted by rarity), whatever its meaning score. The features
# are relative within one plan (the nearest candidate always has dense 0), so a plan lacking the
# topic still has a "best" row; its words tell. Over the 90 linked items of gold + dev_s2..s5 +
# paraphrase_s6 (`python -m assistant.qa.calibrate`-style collection) every right link holds >= 0.40;
# a best row of a plan without the topic held 0.00-0.36 (PISA or ITA in ชม.6, ศาสตร์พระราชา in ลปลพ/ยส.2).
MIN_WORDS = 0.4
# a question asking the figures of every row on a topic gets at most this many rows
MAX_PLURAL = 4
# … each within this of the best score (a far weaker row is another topic, not one more row of it)
PLURAL_BAND = 0.5


@dataclass
class Candidate:
    strategy: Strategy
    indicator: Indicator
    cosine: float
    bm25: float
    words: float
    dense: float = 0.0
    lexical: float = 0.0
    score: float = 0.0


def score(cands: list[Candidate], w_dense: float = W_DENSE, w_lexical: float = W_LEXICAL,
          w_words: float = W_WORDS) -> list[Candidate]:
    """The candidates with their features and scores, best first."""
    if not cands:
        return []
    top_cos = max(c.cosine for c in cands)
    top_bm = max(c.bm25 for c in cands)
    for c in cands:
        c.dense = c.cosine - top_cos if c.cosine > 0 else -1.0
        c.lexical = c.bm25 / top_bm if top_bm > 0 else 0.0
        c.score = w_dense * c.dense + w_lexical * c.lexical + w_words * c.words
    return sorted(cands, key=lambda c: -c.score)


def decide(ranked: list[Candidate], min_score: float = MIN_SCORE, margin: float = MARGIN,
           min_words: float = MIN_WORDS) -> tuple[str, list[Candidate]]:
    """``("link", [best])``, ``("ask", close ones)`` or ``("none", [])``: none when the best
    scores below ``min_score`` or holds too few of the question's words (``min_words``)."""
    if not ranked or ranked[0].score < min_score or ranked[0].words < min_words:
        return "none", []
    close = [c for c in ranked[1:] if c.score > ranked[0].score - margin and c.words >= min_words]
    if close:
        return "ask", [ranked[0], *close[:2]]
    return "link", [ranked[0]]


# a question that copies one row's name: the characters of the question's runs of >= QUOTE_RUN
# characters found in the row's text in order (squashed), at least QUOTE_MIN of them, covering
# QUOTE_SHARE of the row's text and QUOTE_LEAD times the share of any other candidate row, picks
# that row among rows tied on words ("ร้อยละของโรงเรียนคุณภาพที่บริหารจัดการและใช้ทรัพยากรร่วมกัน
# ได้สำเร็จ" is 0.85 of one row's text and 0.50 of the other row with the same words)
QUOTE_RUN = 4
QUOTE_MIN = 30
QUOTE_SHARE = 0.6
QUOTE_LEAD = 1.5


def quoted_chars(question: str, text: str) -> int:
    """How many characters of ``question`` (squashed) appear in ``text`` in the same order,
    in runs of at least :data:`QUOTE_RUN`."""
    a, b = "".join(question.split()), "".join(text.split())
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(m.size for m in blocks if m.size >= QUOTE_RUN)


def quoted_pick(question: str, rows: list) -> list:
    """Of rows tied on the question's words (``(strategy, indicator)`` pairs), the one whose
    name the question copies (:func:`quoted_chars`), as a one-row list; else ``rows``."""
    if len(rows) < 2:
        return rows
    shares = []
    for n, (_s, i) in enumerate(rows):
        chars = quoted_chars(question, i.text)
        shares.append((chars / max(1, len("".join(i.text.split()))), chars, n))
    shares.sort(reverse=True)
    (best, chars, n), (second, _c, _m) = shares[0], shares[1]
    if chars >= QUOTE_MIN and best >= QUOTE_SHARE and best >= QUOTE_LEAD * second:
        return [rows[n]]
    return rows
