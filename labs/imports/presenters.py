"""Turn a sandbox run into what the lab page and the JSON API show.

The page's timeline (per step: what changed, and a diagram of names and the objects they
refer to), the stale-binding rule, the memory-myth charts and the API's JSON all live here,
so the HTML and the JSON views say the same thing about one run.

A binding is *stale* when it refers to an object the program has since replaced:
a function or class from an earlier run of its module's body than one still visible (what a
`from m import f` keeps after `importlib.reload(m)`), an instance of such a class, or a
module object that is no longer the one in ``sys.modules`` (kept after `del sys.modules[...]`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from labs import svg
from labs.imports.sandbox import ObjectInfo, RunResult, StepResult

STALE = "stale"
# "function demo.greet (run 1, v1)", "class demo.C (run 2)", "instance of class demo.C (run 1)"
_DEFINITION = re.compile(r"(?:instance of )?(function|class) (\S+) \(run (\d+)")
MAX_DIAGRAM_NAMES = 40  # rows in one picture; the rest are counted in a note
MAX_CHANGES = 16  # binding changes listed under one step
MAX_MODULE_NAMES = 12  # sys.modules additions listed under one step


@dataclass(frozen=True)
class Row:
    """One name on the left of a diagram: a variable, a sys.modules entry or an attribute."""

    name: str
    object: ObjectInfo


@dataclass(frozen=True)
class Change:
    name: str
    before: str | None  # label of the old object; None for a new name
    after: str | None  # None for a name that went away
    stale: bool


@dataclass(frozen=True)
class StepView:
    result: StepResult
    starts_process: bool  # the first step of a second or later interpreter
    changes: tuple[Change, ...]
    more_changes: int
    added: tuple[str, ...]  # sys.modules additions, cut to MAX_MODULE_NAMES
    more_added: int
    stale_names: tuple[str, ...]
    diagram: str  # "" when no binding changed
    pyc_changed: bool
    import_times: tuple[ImportTimeView, ...]


@dataclass(frozen=True)
class MemoryView:
    """memory-myth: one row per interpreter, and the two bar charts that compare them."""

    charts: tuple[str, ...]
    rows: tuple[dict, ...]
    same_modules: bool  # every interpreter added exactly the same sys.modules entries
    spread_percent: float  # (most - least) / least traced memory


@dataclass(frozen=True)
class ImportTimeView:
    module: str
    self_us: int
    cumulative_us: int
    depth: int  # capped for the stylesheet's indent classes
    slowest: bool  # one of the three largest self times of the step


@dataclass(frozen=True)
class Timeline:
    steps: tuple[StepView, ...]
    final_diagram: str
    stale_names: tuple[str, ...]  # stale after the last step that has bindings
    memory: MemoryView | None
    processes: int


def rows_of(step: StepResult) -> list[Row]:
    """The caller's names, then each scenario module's sys.modules entry, then its attributes.

    A module object that left sys.modules but is still referenced is shown as ``demo #1``.
    """
    rows = [Row(binding.name, binding.object) for binding in step.bindings]
    rows += [
        Row(f"sys.modules['{view.name}']", view.object)
        for view in step.modules
        if view.in_sys_modules
    ]
    for view in step.modules:
        prefix = view.name if view.in_sys_modules else f"{view.name} #{view.object.generation}"
        rows += [
            Row(f"{prefix}.{attribute.name}", attribute.object) for attribute in view.attributes
        ]
    return rows


def stale_ids(step: StepResult) -> set[int]:
    """Ids of the objects that later ones replaced (see the module docstring)."""
    objects = [row.object for row in rows_of(step)] + [view.object for view in step.modules]
    newest: dict[tuple[str, str], int] = {}
    definitions: list[tuple[int, tuple[str, str], int]] = []
    for obj in objects:
        match = _DEFINITION.match(obj.label)
        if match:
            key, run = (match.group(1), match.group(2)), int(match.group(3))
            newest[key] = max(newest.get(key, 0), run)
            definitions.append((obj.id, key, run))
    stale = {obj_id for obj_id, key, run in definitions if run < newest[key]}
    stale |= {view.object.id for view in step.modules if not view.in_sys_modules}
    return stale


def binding_diagram(step: StepResult, *, title: str, chart_id: str) -> str:
    rows = rows_of(step)
    if not rows:
        return ""
    stale = stale_ids(step)
    shown, hidden = rows[:MAX_DIAGRAM_NAMES], len(rows) - MAX_DIAGRAM_NAMES
    objects: list[ObjectInfo] = []
    position: dict[int, int] = {}
    for row in shown:  # objects in the order names first reach them: fewer crossing arrows
        if row.object.id not in position:
            position[row.object.id] = len(objects)
            objects.append(row.object)
    names = [
        svg.DiagramNode(row.name, STALE if row.object.id in stale else "", row.name)
        for row in shown
    ]
    boxes = [
        svg.DiagramNode(obj.label, STALE if obj.id in stale else "", f"{obj.label}\n{obj.repr}")
        for obj in objects
    ]
    edges = [
        svg.DiagramEdge(
            index,
            position[row.object.id],
            STALE if row.object.id in stale else "",
            dashed=row.object.id in stale,
            detail=f"{row.name} → {row.object.label}",
        )
        for index, row in enumerate(shown)
    ]
    legend = [svg.LegendEntry(_("name → the object it refers to"), "edge")]
    if stale & {row.object.id for row in shown}:
        legend.append(
            svg.LegendEntry(
                _("stale: the object was replaced by a reload or left sys.modules"),
                f"edge {STALE}",
                dashed=True,
            )
        )
    note = ""
    if hidden > 0:
        note = ngettext("…and %(count)s more name", "…and %(count)s more names", hidden) % {
            "count": hidden
        }
    return svg.binding_diagram(
        title=title,
        desc=_(
            "Names on the left, objects on the right; each arrow goes from a name to the object "
            "it refers to. Two arrows into one box are two names for one object."
        ),
        names=names,
        objects=boxes,
        edges=edges,
        legend=legend,
        note=note,
        chart_id=chart_id,
    )


def _changes(before: Sequence[Row], after: Sequence[Row], stale: set[int]) -> list[Change]:
    old = {row.name: row.object for row in before}
    new = {row.name: row.object for row in after}
    changes = [
        Change(name, old[name].label if name in old else None, obj.label, obj.id in stale)
        for name, obj in new.items()
        if name not in old or old[name].id != obj.id
    ]
    changes += [
        Change(name, obj.label, None, False) for name, obj in old.items() if name not in new
    ]
    return changes


def build_timeline(result: RunResult) -> Timeline:
    views = []
    previous: list[Row] = []
    previous_pyc = None
    process = 1
    last_with_rows: StepResult | None = None
    for step in result.steps:
        starts_process = step.process != process
        if starts_process:
            previous, process = [], step.process
        rows = rows_of(step)
        stale = stale_ids(step)
        changes = _changes(previous, rows, stale)
        diagram = ""
        if changes and rows:
            diagram = binding_diagram(
                step,
                title=_("Names and objects after step %(index)s") % {"index": step.index},
                chart_id=f"imports-step-{step.index}",
            )
        if rows:
            last_with_rows = step
        views.append(
            StepView(
                result=step,
                starts_process=starts_process,
                changes=tuple(changes[:MAX_CHANGES]),
                more_changes=max(0, len(changes) - MAX_CHANGES),
                added=step.modules_added[:MAX_MODULE_NAMES],
                more_added=max(0, len(step.modules_added) - MAX_MODULE_NAMES),
                stale_names=tuple(row.name for row in rows if row.object.id in stale),
                diagram=diagram,
                pyc_changed=step.pyc_files is not None and step.pyc_files != previous_pyc,
                import_times=import_time_rows(step),
            )
        )
        previous = rows
        if step.pyc_files is not None:
            previous_pyc = step.pyc_files
    final = ""
    final_stale: tuple[str, ...] = ()
    if last_with_rows is not None:
        final = binding_diagram(
            last_with_rows,
            title=_("Names and objects after step %(index)s") % {"index": last_with_rows.index},
            chart_id="imports-final",
        )
        stale = stale_ids(last_with_rows)
        final_stale = tuple(row.name for row in rows_of(last_with_rows) if row.object.id in stale)
    processes = len({step.process for step in result.steps})
    return Timeline(tuple(views), final, final_stale, memory_comparison(result), processes)


MAX_IMPORT_DEPTH = 10


def import_time_rows(step: StepResult) -> tuple[ImportTimeView, ...]:
    rows = step.import_times or ()
    slowest = sorted(rows, key=lambda row: row.self_us, reverse=True)[:3]
    return tuple(
        ImportTimeView(
            row.module,
            row.self_us,
            row.cumulative_us,
            min(row.depth, MAX_IMPORT_DEPTH),
            row in slowest,
        )
        for row in rows
    )


def process_label(result: RunResult, process: int) -> str:
    steps = [s.step for s in result.steps if s.process == process and s.kind != "restart"]
    return "; ".join(steps) or _("(no steps)")


def memory_comparison(result: RunResult) -> MemoryView | None:
    """The memory-myth charts: traced memory and new sys.modules entries per interpreter."""
    measured = [p for p in result.processes if p.traced_bytes is not None]
    if not measured:
        return None
    labels = [f"{p.index}: {process_label(result, p.index)}" for p in measured]
    rows = tuple(
        {
            "process": p.index,
            "label": process_label(result, p.index),
            "traced_kib": p.traced_bytes / 1024,
            "peak_kib": (p.peak_bytes or 0) / 1024,
            "modules_added": len(p.modules_added),
            "modules_count": p.modules_count,
        }
        for p in measured
    )
    memory = svg.bar_chart(
        title=_("Memory held after the imports (tracemalloc)"),
        desc=_("One bar per interpreter: the memory its import steps still hold, in KiB."),
        labels=labels,
        values=[row["traced_kib"] for row in rows],
        x_label=_("interpreter: steps"),
        y_label=_("KiB held"),
        chart_id="imports-memory",
        width=480,
        height=260,
    )
    modules = svg.bar_chart(
        title=_("New sys.modules entries"),
        desc=_("One bar per interpreter: how many modules its import steps added to sys.modules."),
        labels=labels,
        values=[row["modules_added"] for row in rows],
        x_label=_("interpreter: steps"),
        y_label=_("modules added"),
        bar_class="series-1",
        chart_id="imports-modules",
        width=480,
        height=260,
    )
    traced = [p.traced_bytes or 0 for p in measured]
    return MemoryView(
        charts=(memory, modules),
        rows=rows,
        same_modules=len({frozenset(p.modules_added) for p in measured}) == 1,
        spread_percent=(max(traced) - min(traced)) / max(1, min(traced)) * 100,
    )


# -- JSON ------------------------------------------------------------------------------------


def _object_json(obj: ObjectInfo, stale: set[int]) -> dict:
    return {**asdict(obj), "stale": obj.id in stale}


def step_json(step: StepResult) -> dict:
    stale = stale_ids(step)
    return {
        "index": step.index,
        "step": step.step,
        "kind": step.kind,
        "process": step.process,
        "output": step.output,
        "value": step.value,
        "error": step.error,
        "bindings": [
            {"name": binding.name, **_object_json(binding.object, stale)}
            for binding in step.bindings
        ],
        "modules": [
            {
                "name": view.name,
                "in_sys_modules": view.in_sys_modules,
                "object": _object_json(view.object, stale),
                "attributes": [
                    {"name": a.name, **_object_json(a.object, stale)} for a in view.attributes
                ],
            }
            for view in step.modules
        ],
        "modules_added": list(step.modules_added),
        "modules_removed": list(step.modules_removed),
        "modules_count": step.modules_count,
        "executed": [asdict(execution) for execution in step.executed],
        "memory": None if step.memory is None else asdict(step.memory),
        "pyc_files": None if step.pyc_files is None else [asdict(f) for f in step.pyc_files],
        "import_times": (
            None if step.import_times is None else [asdict(r) for r in step.import_times]
        ),
        "duration_ms": round(step.duration_ms, 3),
    }


def run_json(result: RunResult) -> dict:
    return {
        "scenario": result.scenario,
        "steps": [step_json(step) for step in result.steps],
        "processes": [asdict(process) for process in result.processes],
        "body_runs": dict(result.body_runs),
        "output_truncated": result.output_truncated,
        "error": result.error,
        "failure": result.failure,
    }
