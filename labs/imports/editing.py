"""Editing a step list one click at a time: the palette of steps a scenario offers, and the
add / remove / move operations the lab page's buttons send. Pure Python (no Django).

The operations work on lines of text, not on parsed steps: a learner halfway through an edit
may hold a list that does not validate yet, and the editor must still show it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from labs.imports.limits import LIMITS
from labs.imports.scenarios import Scenario

# `up-3`, `down-3`, `remove-3` (1-based) or `add:STEP`.
_MOVE = re.compile(r"(up|down|remove)-([0-9]{1,4})")
ADD_PREFIX = "add:"
MAX_EDIT_LENGTH = len(ADD_PREFIX) + LIMITS.max_step_length


def step_palette(scenario: Scenario) -> list[str]:
    """Steps that are valid in ``scenario`` on their own: its default steps first, then one
    of each form its rules allow for each module it offers."""
    rules = scenario.rules
    kinds = rules.kinds
    own = sorted(scenario.modules)
    palette: list[str] = []

    def offer(step: str, kind: str = "") -> None:
        if (not kind or kind in kinds) and step not in palette:
            palette.append(step)

    for step in scenario.default_steps:
        offer(step)
    offer("import sys", "import")
    if "reload" in kinds:
        offer("import importlib", "import")
    for module in [*own, *sorted(scenario.stdlib_modules)]:
        offer(f"import {module}", "import")
    for module in own:
        offer(f"from {module} import *", "from-star")
        offer(f"importlib.reload({module})", "reload")
        offer(f"del sys.modules['{module}']", "del-module")
        offer(f"print('{module}' in sys.modules)", "print")
    for module, count in rules.versions:
        for version in range(1, count + 1):
            offer(f"switch {module} to version {version}", "switch")
    offer("restart", "restart")
    for script in sorted(rules.scripts):
        offer(f"python {script}", "script")
    return palette


def apply_edit(lines: Sequence[str], edit: str) -> list[str]:
    """The step list after one editor action; ValueError names what is wrong with it."""
    result = list(lines)
    if edit.startswith(ADD_PREFIX):
        step = edit[len(ADD_PREFIX) :].strip()
        if not step:
            raise ValueError("add: which step? (add:STEP)")
        if len(result) >= LIMITS.max_steps:
            raise ValueError(f"the list already has the maximum of {LIMITS.max_steps} steps")
        return [*result, step]
    match = _MOVE.fullmatch(edit)
    if match is None:
        raise ValueError("expected up-N, down-N, remove-N or add:STEP")
    action, number = match.group(1), int(match.group(2))
    if not 1 <= number <= len(result):
        raise ValueError(f"there is no step {number} (the list has {len(result)})")
    index = number - 1
    if action == "remove":
        del result[index]
    elif action == "up" and index > 0:
        result[index - 1], result[index] = result[index], result[index - 1]
    elif action == "down" and index < len(result) - 1:
        result[index + 1], result[index] = result[index], result[index + 1]
    return result
