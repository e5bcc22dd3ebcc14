"""The one input-validation layer for labs: a Django form per lab, shared by page and API.

A lab form reads a query string where every parameter is optional (missing ones take the
field's initial value, the default the page shows) and reports the first problem as one
sentence that names the parameter and, for numbers, its allowed range.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict


class LabForm(forms.Form):
    @classmethod
    def from_query(cls, query: QueryDict | dict) -> LabForm:
        data = {
            name: field.initial
            for name, field in cls.base_fields.items()
            if field.initial is not None
        }
        for name in cls.base_fields:
            if name in query:
                value = query.get(name)
                data[name] = value
        return cls(data)

    def error_message(self) -> str:
        """The first error as `name: problem (allowed: range)`; '' when the form is valid."""
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            message = " ".join(str(e) for e in errors)
            if field is None:
                return message
            return f"{name}: {message}{allowed_range(field)}"
        return ""


def allowed_range(field: forms.Field) -> str:
    low = getattr(field, "min_value", None)
    high = getattr(field, "max_value", None)
    if low is not None and high is not None:
        return f" (allowed: {low}–{high})"
    choices = getattr(field, "choices", None)
    if choices:
        return " (allowed: " + ", ".join(str(value) for value, _ in choices if value != "") + ")"
    return ""
