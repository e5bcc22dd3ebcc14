"""Input of the import lab: the same forms validate the page's query string and the JSON API.

The bounds come from ``labs/imports/limits.py`` through the step parser. Step errors are the
engine's English sentences; ``localise_step_error`` renders them in the page's language by
matching them against the templates below (an unknown sentence stays English).
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from labs.forms import LabForm
from labs.imports import scenarios
from labs.imports.editing import MAX_EDIT_LENGTH, apply_edit
from labs.imports.limits import LIMITS
from labs.imports.steps import StepError, split_program

DEFAULT_SCENARIO = "import-twice"
SCENARIO_CHOICES = [(name, name) for name in scenarios.names()]
LANGUAGE_CHOICES = [(code, code) for code in scenarios.LANGUAGES]
MAX_GUESS_LENGTH = 200


class StepListField(forms.Field):
    """Steps as a list of strings (JSON) or as text with one step per line (the page)."""

    def to_python(self, value) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            try:
                return split_program(value)
            except StepError as error:
                raise ValidationError(localise_step_error(error)) from None
        if isinstance(value, list | tuple):
            if len(value) > LIMITS.max_steps:
                raise ValidationError(
                    _("at most %(limit)s steps, got %(count)s")
                    % {"limit": LIMITS.max_steps, "count": len(value)}
                )
            if not all(isinstance(step, str) for step in value):
                raise ValidationError(_("every step must be a string"))
            return list(value)
        raise ValidationError(_("give a list of strings, or text with one step per line"))


class StepsForm(LabForm):
    scenario = forms.ChoiceField(
        choices=SCENARIO_CHOICES,
        initial=DEFAULT_SCENARIO,
        help_text="The scenario: which module files exist and which steps are allowed.",
    )
    steps = StepListField(
        required=False,
        help_text="One step per line; empty means the scenario's own steps.",
    )

    def scenario_object(self) -> scenarios.Scenario:
        """The chosen scenario, or the default one when the choice is missing or invalid."""
        name = self.cleaned_data.get("scenario") if hasattr(self, "cleaned_data") else None
        return scenarios.get(name or DEFAULT_SCENARIO)

    def lines(self) -> list[str]:
        """The submitted steps (the scenario's own when none were given)."""
        steps = self.cleaned_data.get("steps") if hasattr(self, "cleaned_data") else None
        return steps or list(self.scenario_object().default_steps)


class RunForm(StepsForm):
    guess = forms.CharField(
        required=False,
        max_length=MAX_GUESS_LENGTH,
        help_text="What you expect the steps to show; shown beside the answer after the run.",
    )

    def clean(self):
        data = super().clean()
        if "scenario" in data and "steps" not in self.errors:
            try:
                self.scenario_object().parse(self.lines())
            except StepError as error:
                self.add_error("steps", localise_step_error(error))
        return data


class EditForm(StepsForm):
    """One click in the step editor; the edited list is validated only to show its problems."""

    edit = forms.CharField(
        max_length=MAX_EDIT_LENGTH,
        help_text="up-N, down-N or remove-N (1-based), or add:STEP.",
    )
    guess = forms.CharField(required=False, max_length=MAX_GUESS_LENGTH)

    def clean(self):
        data = super().clean()
        if "edit" in data and "steps" not in self.errors:
            try:
                data["edited"] = apply_edit(self.lines(), data["edit"])
            except ValueError as error:
                self.add_error("edit", str(error))
        return data

    def problem(self) -> str:
        """Why the edited list would not run yet ('' when it would)."""
        try:
            self.scenario_object().parse(self.cleaned_data["edited"])
        except StepError as error:
            return localise_step_error(error)
        return ""


class ScenariosForm(LabForm):
    language = forms.ChoiceField(
        choices=LANGUAGE_CHOICES,
        initial="en",
        help_text="The language of the titles and questions.",
    )


# -- the engine's step errors in the reader's language ---------------------------------------

# Every sentence labs/imports/steps.py can refuse a step with, as a gettext template.
REASON_TEMPLATES = (
    gettext_noop("unterminated string at column %(column)s (backslashes are not allowed)"),
    gettext_noop("unexpected character %(char)s at column %(column)s"),
    gettext_noop("names have at most %(limit)s characters"),
    gettext_noop("%(name)s is a Python keyword, not a name"),
    gettext_noop("%(name)s: dunder names are not available in the lab"),
    gettext_noop("%(name)s cannot be rebound in the lab"),
    gettext_noop("%(name)s is not a module name"),
    gettext_noop("expected %(wanted)s, found %(found)s"),
    gettext_noop("unexpected %(token)s at column %(column)s"),
    gettext_noop("%(name)s is only available as %(call)s"),
    gettext_noop("expected a name, a number or a string"),
    gettext_noop("the lab calls functions without arguments only"),
    gettext_noop("numbers have at most %(limit)s digits"),
    gettext_noop("strings have at most %(limit)s characters"),
    gettext_noop("strings may contain printable characters only"),
    gettext_noop("empty step"),
    gettext_noop("import one module per step"),
    gettext_noop("write %(statement)s alone"),
    gettext_noop("relative imports (`from . import x`) only work inside a package"),
    gettext_noop("write %(statement)s instead"),
    gettext_noop("import at most %(limit)s names per step"),
    gettext_noop("print at most %(limit)s values per step"),
    gettext_noop("an attribute can only be set to a number or a short string"),
    gettext_noop("a step has at most %(limit)s characters"),
    gettext_noop("too deeply nested"),
    gettext_noop("this scenario has no %(kind)s steps"),
    gettext_noop("module %(module)s is not available here (try: %(offered)s)"),
    gettext_noop("module %(module)s is not one this scenario offers"),
    gettext_noop("module %(module)s is not one this scenario can remove"),
    gettext_noop("module %(module)s has only one version here"),
    gettext_noop("module %(module)s has versions 1 to %(count)s"),
    gettext_noop("no script named %(file)s here (scripts: %(offered)s)"),
    gettext_noop("at most %(limit)s steps, got %(count)s"),
    gettext_noop("a step must be text"),
    gettext_noop("after `python FILE.py`, start a new interpreter with `restart`"),
    gettext_noop(
        "a run starts at most %(limit)s interpreters "
        "(`restart` and `python FILE.py` each start one)"
    ),
    gettext_noop("the program is too long"),
)
# Phrases the parser puts into "expected %(wanted)s, found %(found)s".
REASON_PHRASES = (
    gettext_noop("a name"),
    gettext_noop("a module name"),
    gettext_noop("an attribute"),
    gettext_noop("a quoted module name"),
    gettext_noop("a name to import"),
    gettext_noop("a file name"),
    gettext_noop("the end of the step"),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _template_pattern(template: str) -> re.Pattern[str]:
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        position = match.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


_PATTERNS = tuple((_template_pattern(t), t) for t in REASON_TEMPLATES)


def localise_reason(reason: str) -> str:
    """The engine's reason in the active language (unchanged when no template matches)."""
    for pattern, template in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            values = {
                name: _(value) if value in REASON_PHRASES else value
                for name, value in match.groupdict().items()
            }
            return _(template) % values
    return reason


def localise_step_error(error: StepError) -> str:
    reason = localise_reason(error.reason)
    if error.index is None:
        return reason
    text = error.text or ""
    shown = text if len(text) <= 60 else text[:59] + "…"
    return _("step %(index)s `%(text)s`: %(reason)s") % {
        "index": error.index,
        "text": shown,
        "reason": reason,
    }
