"""Reminders and escalation when a human step passes its due date."""

from __future__ import annotations

from viewflow.workflow.activation import Activation


def remind(activation: Activation, *, escalated: bool) -> None:
    pass
