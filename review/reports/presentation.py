"""The report's charts: which bars, labels and links the page and the Word report show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from review.models import Review

from .charts import Bar, Chart, columns, horizontal
from .summary import Report

# figure key, filters replacing the report's own (e.g. {"thema": "bildung"}) → the URL of the
# cases behind it
Link = Callable[[str, dict[str, str]], str]


def _month_end(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - timedelta(days=1)


def charts(report: Report, link: Link) -> list[Chart]:
    outcomes = [o for o in Review.Outcome.values if o]
    labels = dict(Review.Outcome.choices)
    slugs = {topic.pk: topic.slug for topic, _n in report.cases_by_topic}
    return [
        horizontal(
            "topics",
            _("Cases by topic"),
            _("Horizontal bars: how many cases of the period belong to each topic."),
            _("Topic"),
            [_("Cases")],
            [
                Bar(topic.name, [n], link("all", {"thema": topic.slug}))
                for topic, n in report.cases_by_topic
            ],
        ),
        columns(
            "months",
            _("New cases per month"),
            _("Columns: the number of cases opened in each month of the period."),
            _("Month"),
            _("Cases"),
            [
                Bar(
                    date_format(month, "M Y"),
                    [n],
                    link(
                        "all",
                        {
                            "von": max(month, report.report_filter.start).isoformat(),
                            "bis": min(_month_end(month), report.report_filter.end).isoformat(),
                        },
                    ),
                )
                for month, n in report.per_month
            ],
        ),
        horizontal(
            "follow",
            _("Follow rate by topic"),
            _(
                "Stacked horizontal bars per topic: decisions that followed the office's "
                "recommendation (solid), followed it partly (striped) or did not (dotted)."
            ),
            _("Topic"),
            [str(labels[o]) for o in outcomes],
            [
                Bar(
                    b.name,
                    [getattr(b, o) for o in outcomes],
                    link("decided", {"thema": slugs[b.pk]}),
                    [link(o, {"thema": slugs[b.pk]}) for o in outcomes],
                )
                for b in report.by_topic
            ],
        ),
    ]
