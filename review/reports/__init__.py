"""Situationsbericht: what the office did in a period, as figures, charts and documents."""
