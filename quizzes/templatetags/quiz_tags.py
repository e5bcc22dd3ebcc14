"""Small template helpers for the quiz forms and reviews."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def bound(form, name: str):
    """``form[name]`` when the form has that field, else None (templates cannot index)."""
    if name not in getattr(form, "fields", ()):
        return None
    return form[name]


@register.filter
def picked(field, value: str) -> bool:
    """Whether a re-displayed form had ``value`` chosen in ``field``."""
    if not field or not field.form.is_bound:
        return False
    data = field.value()
    if isinstance(data, list | tuple):
        return value in data
    return data == value


@register.filter
def typed(field) -> str:
    """The text a re-displayed form had in ``field``."""
    if not field or not field.form.is_bound:
        return ""
    value = field.data
    return "" if value is None else str(value)


@register.filter
def points(value: float) -> str:
    """1.0 -> "1", 0.5 -> "0.5", 0.333333 -> "0.33"."""
    return f"{round(float(value), 2):g}"
