"""Loader of the lexicon data file (``lexicon.yaml`` beside this module).

The file is read once per path and returned as an immutable :class:`Lexicon`; callers
receive it (or load it) and never edit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

DEFAULT_PATH = Path(__file__).with_name("lexicon.yaml")


def _freeze(value):
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


@dataclass(frozen=True)
class Lexicon:
    plan: MappingProxyType
    query: MappingProxyType

    def words(self, section: str, key: str) -> tuple[str, ...]:
        """The word list ``section.key`` (empty when absent)."""
        return tuple(getattr(self, section).get(key, ()))


@lru_cache(maxsize=4)
def load(path: Path = DEFAULT_PATH) -> Lexicon:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return Lexicon(plan=_freeze(data.get("plan") or {}), query=_freeze(data.get("query") or {}))
