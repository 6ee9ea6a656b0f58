"""Structured lookups over the store: filtered indicator and strategy listings."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.domain.models import Indicator, Plan, Strategy, Target
from assistant.stores.sqlite import Store

GROUP_ALIASES = {
    "ครู": "ครู/บุคลากร", "บุคลากร": "ครู/บุคลากร", "teacher": "ครู/บุคลากร",
    "นักเรียน": "ผู้เรียน", "เด็ก": "ผู้เรียน", "student": "ผู้เรียน",
    "โรงเรียน": "สถานศึกษา", "school": "สถานศึกษา",
    "เขต": "สำนักงานเขต", "สพท": "สำนักงานเขต", "สพท.": "สำนักงานเขต", "สำนักงาน": "สำนักงานเขต",
    "ผอ": "ผู้บริหาร", "ผอ.": "ผู้บริหาร",
}
LEVEL_ALIASES = {
    "ปฐมวัย": "ปฐมวัย", "อนุบาล": "ปฐมวัย", "ประถม": "ประถม", "ประถมศึกษา": "ประถม",
    "มัธยมต้น": "มัธยมต้น", "ม.ต้น": "มัธยมต้น", "มัธยมปลาย": "มัธยมปลาย", "ม.ปลาย": "มัธยมปลาย",
}


def norm_group(about: str | None) -> str | None:
    if not about:
        return None
    a = about.strip()
    return GROUP_ALIASES.get(a, a)


def norm_level(level: str | None) -> str | None:
    if not level:
        return None
    return LEVEL_ALIASES.get(level.strip(), level.strip())


@dataclass
class IndicatorRow:
    plan: Plan
    strategy: Strategy
    indicator: Indicator

    def targets(self, year: int | None = None, kind: str | None = None) -> list[Target]:
        return [t for t in self.indicator.targets
                if (year is None or t.year == year) and (kind is None or t.kind == kind)]


def indicators(store: Store, *, office: str | None = None, year: int | None = None,
               strategy: str | None = None, about: str | None = None,
               level: str | None = None, doc: str | None = None) -> list[IndicatorRow]:
    """Indicators matching every given filter, in plan order."""
    group, lvl = norm_group(about), norm_level(level)
    rows = []
    for plan in store.plans_of(office):
        if doc and plan.doc_id != doc:
            continue
        for s in plan.strategies:
            if strategy and s.number != strategy:
                continue
            for ind in s.indicators:
                if group and group not in ind.groups:
                    continue
                if lvl and lvl not in ind.levels:
                    continue
                if year is not None and not any(t.year == year for t in ind.targets):
                    continue
                rows.append(IndicatorRow(plan, s, ind))
    return rows


def strategies(store: Store, office: str | None = None) -> list[tuple[Plan, Strategy]]:
    return [(p, s) for p in store.plans_of(office) for s in p.strategies]
