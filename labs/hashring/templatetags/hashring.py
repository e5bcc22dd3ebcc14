"""Number formats for the consistent-hashing lab's templates (fractions, counts, ratios)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(fraction: float) -> str:
    """0.0909 -> "9.1%"; small fractions keep two decimals (0.0032 -> "0.32%")."""
    value = float(fraction) * 100
    if value == 0:
        return "0%"
    return f"{value:.2f}%" if abs(value) < 1 else f"{value:.1f}%"


@register.filter
def pct(value: float) -> str:
    """A figure that is already a percentage: 7.46 -> "7.5%"."""
    return f"{float(value):.1f}%"


@register.filter
def count(value: float) -> str:
    """Whole numbers with thousands separators: 100000 -> "100,000"."""
    return f"{round(float(value)):,}"


@register.filter
def times(value: float) -> str:
    """A ratio: 1.234 -> "1.23×"."""
    return f"{float(value):.2f}×"
