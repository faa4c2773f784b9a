"""Bar charts as data for the SVG template `reports/_chart.html`.

Plain Django templates instead of a charting library: three kinds of bars are all the report
needs, and drawing them ourselves keeps every accessible part under our control (title, desc,
the data table, text labels on the bars) and the output free of inline styles and scripts,
which the Content-Security-Policy forbids. The same markup is turned into PNG for Word.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Dark fills, each at least 4.5:1 against white, told apart in greyscale by their pattern
# (solid, stripes, dots) rather than by hue alone (WCAG 1.4.1, 1.4.11).
SERIES_STYLES = [
    ("#0b4a7a", "solid"),
    ("#6b4e00", "stripes"),
    ("#a3172d", "dots"),
]
TEXT_COLOUR = "#1b1b1b"


@dataclass
class Series:
    label: str
    colour: str
    pattern: str


@dataclass
class Segment:
    series: Series
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class Bar:
    label: str
    values: list[int]
    url: str = ""
    # The cases behind each value (stacked bars); a single value's are those of `url`.
    value_urls: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    # Where the category label and the total stand.
    label_x: float = 0
    label_y: float = 0
    total_x: float = 0
    total_y: float = 0

    @property
    def total(self) -> int:
        return sum(self.values)

    @property
    def cells(self) -> list[tuple[int, str]]:
        """Each value with the link to its cases, for the data table."""
        if self.value_urls:
            return list(zip(self.values, self.value_urls, strict=True))
        if len(self.values) == 1:
            return [(self.values[0], self.url)]
        return [(value, "") for value in self.values]


@dataclass
class Chart:
    key: str
    title: str
    description: str
    category_heading: str
    series: list[Series]
    bars: list[Bar]
    horizontal: bool = True
    width: int = 640
    height: int = 0

    @property
    def is_empty(self) -> bool:
        return not any(bar.total for bar in self.bars)

    @property
    def legend(self) -> list[tuple[Series, float]]:
        return [(s, 8 + i * 200) for i, s in enumerate(self.series)] if len(self.series) > 1 else []


LABEL_WIDTH = 200
BAR_THICKNESS = 22
GAP = 10
LEGEND_HEIGHT = 30


def make_series(labels: list[str]) -> list[Series]:
    return [Series(label, *SERIES_STYLES[i % len(SERIES_STYLES)]) for i, label in enumerate(labels)]


def horizontal(
    key: str,
    title: str,
    description: str,
    category_heading: str,
    series_labels: list[str],
    bars: list[Bar],
) -> Chart:
    """Bars from left to right, one row per category; several series stack."""
    chart = Chart(key, title, description, category_heading, make_series(series_labels), bars)
    top = LEGEND_HEIGHT if len(chart.series) > 1 else 4
    longest = max((bar.total for bar in bars), default=0) or 1
    room = chart.width - LABEL_WIDTH - 50
    for row, bar in enumerate(bars):
        y = top + row * (BAR_THICKNESS + GAP)
        x = float(LABEL_WIDTH)
        for series, value in zip(chart.series, bar.values, strict=True):
            width = room * value / longest
            if value:
                bar.segments.append(Segment(series, value, x, y, width, BAR_THICKNESS))
            x += width
        bar.label_x, bar.label_y = LABEL_WIDTH - 8, y + BAR_THICKNESS * 0.7
        bar.total_x, bar.total_y = x + 6, y + BAR_THICKNESS * 0.7
    chart.height = top + len(bars) * (BAR_THICKNESS + GAP) + 4
    return chart


def columns(
    key: str,
    title: str,
    description: str,
    category_heading: str,
    series_label: str,
    bars: list[Bar],
) -> Chart:
    """Upright columns along a time axis (one series)."""
    chart = Chart(
        key, title, description, category_heading, make_series([series_label]), bars, False
    )
    chart.height = 240
    base, plot = chart.height - 30, chart.height - 60
    highest = max((bar.total for bar in bars), default=0) or 1
    step = (chart.width - 20) / max(len(bars), 1)
    for index, bar in enumerate(bars):
        x = 10 + index * step
        height = plot * bar.total / highest
        if bar.total:
            bar.segments.append(
                Segment(chart.series[0], bar.total, x + 3, base - height, step - 6, height)
            )
        bar.label_x, bar.label_y = x + step / 2, base + 18
        bar.total_x, bar.total_y = x + step / 2, base - height - 6
    return chart
