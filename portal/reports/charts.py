"""Geometry for the report's server-rendered SVG charts (no JavaScript, no library)."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.utils import dateformat
from django.utils.translation import pgettext

WIDTH, HEIGHT, PADDING = 720, 200, 24
TICK_SPACING = 48  # the least room between two date labels, wide enough for "30/11"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str


@dataclass(frozen=True)
class Tick:
    """A date under the chart's axis, centred on its day."""

    x: float
    label: str


def day_label(day: datetime.date) -> str:
    return dateformat.format(day, pgettext("day and month on a chart", "m/d"))


def daily_bars(daily: list[tuple[datetime.date, int, int]]) -> dict:
    """Side-by-side bars per day: opened, then concluded."""
    if not daily:
        return {
            "opened": [],
            "concluded": [],
            "ticks": [],
            "peak": 0,
            "width": WIDTH,
            "height": HEIGHT,
        }
    peak = max(max(opened, concluded) for _, opened, concluded in daily) or 1
    slot = (WIDTH - 2 * PADDING) / len(daily)
    bar = max(slot / 2 - 1, 1)
    usable = HEIGHT - 2 * PADDING
    opened_bars: list[Bar] = []
    concluded_bars: list[Bar] = []
    ticks: list[Tick] = []
    every = math.ceil(TICK_SPACING / slot)  # label one day in ``every``, the first included
    for index, (day, opened, concluded) in enumerate(daily):
        x = PADDING + index * slot
        label = day_label(day)
        if index % every == 0:
            ticks.append(Tick(x=round(x + slot / 2, 1), label=label))
        for value, bars, offset in ((opened, opened_bars, 0), (concluded, concluded_bars, bar)):
            height = usable * value / peak
            bars.append(
                Bar(
                    x=round(x + offset, 1),
                    y=round(HEIGHT - PADDING - height, 1),
                    width=round(bar, 1),
                    height=round(height, 1),
                    value=value,
                    label=label,
                )
            )
    return {
        "opened": opened_bars,
        "concluded": concluded_bars,
        "ticks": ticks,
        "tick_y": HEIGHT - 6,
        "peak": peak,
        "width": WIDTH,
        "height": HEIGHT,
        "baseline": HEIGHT - PADDING,
    }


@dataclass(frozen=True)
class ScoreBar:
    score: int
    count: int
    y: float
    width: float
    percent: float
    count_x: float  # where its count is written, right after the bar


SCORE_WIDTH, SCORE_ROW, SCORE_LABEL = 360, 28, 36


def score_bars(by_score: list[tuple[int, int]]) -> dict:
    """One horizontal bar per score (5 at the top), as long as its share of the ratings."""
    total = sum(count for _, count in by_score)
    peak = max((count for _, count in by_score), default=0) or 1
    usable = (
        SCORE_WIDTH - SCORE_LABEL - 48
    )  # room for the score on the left, the count on the right
    bars = []
    for index, (score, count) in enumerate(by_score):
        width = round(usable * count / peak, 1)
        bars.append(
            ScoreBar(
                score=score,
                count=count,
                y=index * SCORE_ROW,
                width=width,
                percent=round(100 * count / total, 1) if total else 0.0,
                count_x=SCORE_LABEL + max(width, 1) + 6,
            )
        )
    return {
        "bars": bars,
        "width": SCORE_WIDTH,
        "height": SCORE_ROW * len(bars),
        "label_width": SCORE_LABEL,
        "bar_height": SCORE_ROW - 8,
    }
