"""Proposal narratives by the optional language model: หลักการและเหตุผล, วัตถุประสงค์ and
ผลที่คาดว่าจะได้รับ drafted from the plan text the idea is aligned with, under the guard,
and marked for the teacher to check. Without a model (the default) or when the model
fails or the guard drops too much, the template text stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def plan_text(alignment, targets) -> str:
    """The aligned plan text the model may draw on: each quoted item and target line."""
    lines = [f"{q.label}: {q.text}" for q in alignment]
    lines += [f"{tl.indicator}: {tl.text} — {tl.display}" for tl in targets]
    return "\n".join(lines)


def narrate(assistant, idea: str, alignment, targets, rationale: list[str], objectives: list[str],
            expected: list[str], keep: Callable[[str], object]) -> tuple[list[str], list[str], list[str]]:
    """The three sections, with the model's guarded text where it has some; the template
    lines ``keep`` accepts (the teacher's ``[กรอก: ...]`` places) are kept after it."""
    model = getattr(assistant, "llm", None)
    if model is None:
        return rationale, objectives, expected
    drafted = model.narrative(idea, plan_text(alignment, targets), model.deadline())
    if not drafted:
        return rationale, objectives, expected
    mark = model.prompts["narrative_mark"]

    def merge(key: str, old: list[str]) -> list[str]:
        new = drafted.get(key)
        if not new:
            return old
        new = [re.sub(r"^\s*(?:[-•*]|\d{1,2}[.)])\s+", "", s) for s in new]
        return [f"{mark} {new[0]}", *new[1:], *(x for x in old if keep(x))]

    return merge("rationale", rationale), merge("objectives", objectives), merge("outcomes", expected)
