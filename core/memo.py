"""A process's memory of values that cost more to compute than to keep,
capped: when full, it forgets everything at once and fills again with what is
asked for now (simpler than least-recently-used, and as good for the few
states most requests share)."""

from collections.abc import Hashable
from typing import Any


class Memo:
    """Values by key, at most `at_most` of them."""

    def __init__(self, at_most: int):
        self.at_most = at_most
        self._kept: dict[Hashable, Any] = {}

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable, default: Any = None) -> Any:
        return self._kept.get(key, default)

    def keep(self, key: Hashable, value: Any) -> Any:
        """Remember `value` under `key` (forgetting everything first when
        full); returns the value."""
        if len(self._kept) >= self.at_most:
            self._kept.clear()
        self._kept[key] = value
        return value

    def clear(self) -> None:
        self._kept.clear()
