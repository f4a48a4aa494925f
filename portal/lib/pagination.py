"""Pagination that does not count what the page already counted."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """A paginator told how many rows there are.

    The ticket lists count their rows per status in one grouped query for the
    status tabs; the total of the page follows from those counts, so a second
    COUNT(*) over tens of thousands of rows is wasted work.
    """

    def __init__(self, object_list, per_page, *, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count
