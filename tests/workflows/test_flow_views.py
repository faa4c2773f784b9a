"""Each human step of the flow names its own page (#20): no dict beside the flow, no dummy view."""

from __future__ import annotations

from workflows import flows
from workflows.flows import ReviewFlow
from workflows.views import drafting, tasks


def test_each_human_step_names_its_page_in_the_flow():
    pages = {
        node.name: node.view
        for node in ReviewFlow.instance.nodes()
        if getattr(node, "task_type", None) == "HUMAN"
    }
    assert pages == {
        "triage": tasks.triage,
        "assign": tasks.assign,
        "draft": drafting.draft,
        "approve": tasks.approve,
        "outcome": tasks.outcome,
    }


def test_no_routing_table_is_left_beside_the_flow():
    assert not hasattr(tasks, "HANDLERS")
    assert not hasattr(flows, "served_by_workflows_urls")
