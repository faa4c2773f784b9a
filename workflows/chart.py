"""The process chart as SVG, in the request's language and with the node titles as annotated.

viewflow's graph.svg template runs the first line of every node label through Django's
`title` filter ("Entwurf der Stellungnahme" → "Entwurf Der") and labels the branches of an
If gateway "yes"/"no"; both are put right here rather than in a copy of the vendor template.
"""

from __future__ import annotations

import re

from django.template.defaultfilters import title as title_case
from django.utils.html import escape
from django.utils.translation import pgettext_lazy
from viewflow.workflow import chart

from .flows import ReviewFlow

EDGE_LABELS = {
    "yes": pgettext_lazy("branch of the chart", "yes"),
    "no": pgettext_lazy("branch of the chart", "no"),
}


def _untitle(svg: str, cell: chart.Cell) -> str:
    """Undo the title-casing of the cell's first text line inside the cell's own <g>."""
    if not cell.shape.text:
        return svg
    line = str(cell.shape.text[0][0])
    wrong, right = escape(title_case(line)), escape(line)
    if wrong == right:
        return svg
    group = re.compile(rf'<g id="{re.escape(cell.node.name)}"[^>]*>.*?</g>', re.DOTALL)

    def fix(match: re.Match[str]) -> str:
        return match.group(0).replace(f">{wrong}</text>", f">{right}</text>", 1)

    return group.sub(fix, svg, count=1)


def review_flow_svg() -> str:
    grid = chart.calc_layout_data(ReviewFlow)
    for edge in grid.edges:
        if edge.label in EDGE_LABELS:
            edge.label = str(EDGE_LABELS[edge.label])
    svg = chart.grid_to_svg(grid)
    for cell in grid.cells:
        svg = _untitle(svg, cell)
    return svg
