"""Topic links decided on dense + lexical + word scores (assistant/qa/topics.py)."""

from assistant.domain.models import Indicator, Span, Strategy
from assistant.qa import topics


def _cand(n: str, cosine: float, bm25: float, words: float) -> topics.Candidate:
    ind = Indicator(id=f"i{n}", strategy="1", number=n, number_raw=n, text=f"ตัวชี้วัด {n}", unit="ร้อยละ",
                    span=Span("d", 0, 1))
    return topics.Candidate(Strategy(id="s1", number="1", title="กลยุทธ์", span=Span("d", 0, 1)), ind,
                            cosine, bm25, words)


def test_the_indicator_first_on_meaning_words_and_terms_is_linked():
    ranked = topics.score([_cand("1", 0.84, 2.0, 0.5), _cand("2", 0.86, 6.0, 1.0), _cand("3", 0.80, 0.0, 0.0)])
    assert [c.indicator.number for c in ranked] == ["2", "1", "3"]
    assert ranked[0].score == topics.W_LEXICAL + topics.W_WORDS  # nearest in meaning: dense 0
    verdict, chosen = topics.decide(ranked)
    assert verdict == "link" and [c.indicator.number for c in chosen] == ["2"]


def test_two_indicators_as_close_are_asked_back_and_a_weak_best_is_no_link():
    close = topics.score([_cand("1", 0.860, 5.9, 1.0), _cand("2", 0.861, 6.0, 1.0), _cand("3", 0.7, 0.0, 0.0)])
    verdict, chosen = topics.decide(close)
    assert verdict == "ask" and {c.indicator.number for c in chosen} == {"1", "2"}
    # nearest in meaning, but no word of the topic and no lexical match: the plan lacks it
    weak = topics.score([_cand("1", 0.85, 0.0, 0.0), _cand("2", 0.84, 0.0, 0.0)])
    assert topics.decide(weak) == ("none", [])
    assert topics.decide([]) == ("none", [])
