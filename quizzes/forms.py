"""Validation of submitted answers: one form for the whole-quiz page, one question at a time
and the practice queue. Bad input becomes a message next to its question (and a 400).

The form turns what the browser posts (display positions, "true", "９０．９") into typed
answers for grading: a list of choice ids, a bool, a float or a string.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quizzes import grading
from quizzes.presentation import Instance

ANSWER_FIELD = re.compile(r"^q\d+$")
MAX_TEXT = 200
MAX_OUTPUT = 4000


class NumberField(forms.Field):
    default_error_messages = {"invalid": _("Enter a number, such as 42, 3.5 or 90.9.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return grading.parse_number(str(value))  # also refuses over-long input
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


def _field_for(inst: Instance) -> forms.Field:
    shown = inst.shown
    positions = [(o.value, o.value) for o in shown.options]
    required = _("Answer this question.")
    if shown.input == "radio":
        return forms.ChoiceField(choices=positions, error_messages={"required": required})
    if shown.input == "checkbox":
        # Ticking nothing is an answer (it scores 0): a browser sends nothing for it.
        return forms.MultipleChoiceField(choices=positions, required=False)
    if shown.input == "truefalse":
        return forms.ChoiceField(
            choices=[("true", _("True")), ("false", _("False"))],
            error_messages={"required": required},
        )
    if shown.input == "number":
        return NumberField(error_messages={"required": required})
    if shown.input == "text":
        return forms.CharField(max_length=MAX_TEXT, error_messages={"required": required})
    # Predict-the-output: an empty answer means "prints nothing"; spaces matter, keep them.
    return forms.CharField(max_length=MAX_OUTPUT, required=False, strip=False)


class AnswersForm(forms.Form):
    """Answers to ``instances``; any answer field naming another question is an error."""

    def __init__(self, instances: Sequence[Instance], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instances = {inst.shown.field: inst for inst in instances}
        for name, inst in self.instances.items():
            self.fields[name] = _field_for(inst)

    def clean(self):
        cleaned = super().clean()
        strangers = [
            name for name in self.data if ANSWER_FIELD.match(name) and name not in self.fields
        ]
        if strangers:
            raise ValidationError(
                _("These answers are for questions that are not in this quiz: %(names)s."),
                code="unknown_question",
                params={"names": ", ".join(sorted(strangers)[:5])},
            )
        return cleaned

    def answers(self) -> dict[int, object]:
        """Typed answers by question id (call after ``is_valid()``)."""
        typed: dict[int, object] = {}
        for name, inst in self.instances.items():
            value = self.cleaned_data.get(name)
            input_kind = inst.shown.input
            if input_kind == "radio":
                typed[inst.question.pk] = [inst.option_ids[int(value)]]
            elif input_kind == "checkbox":
                typed[inst.question.pk] = sorted(inst.option_ids[int(v)] for v in value or ())
            elif input_kind == "truefalse":
                typed[inst.question.pk] = value == "true"
            else:
                typed[inst.question.pk] = value if value is not None else ""
        return typed


class StepForm(forms.Form):
    """The attempt ticket and the question answered, posted with one answer."""

    ticket = forms.CharField(max_length=2000)
    question = forms.IntegerField(min_value=1)


class TicketForm(forms.Form):
    ticket = forms.CharField(max_length=2000)


class RetakeForm(forms.Form):
    attempt = forms.UUIDField()
    mistakes = forms.BooleanField(required=False)
    one_at_a_time = forms.BooleanField(required=False)
