"""Run an import-lab scenario in fresh, isolated Python subprocesses and report each step.

Per run: the scenario's modules are written to a new temporary directory (removed
afterwards); each interpreter (one, plus one per ``restart`` or ``python FILE.py``) is
``sys.executable -I -S`` with no stdin, a minimal environment, ``cwd`` and ``sys.path[0]`` on
that directory, resource limits (RLIMIT_AS, RLIMIT_CPU, ...) set by the runner before it
touches anything else (not in ``preexec_fn``, which may deadlock a threaded web server), a
wall-time limit enforced here, and capped output. At most ``LIMITS.max_concurrent_runs`` runs at once
per process; another call raises :class:`Busy` at once.

Public API: :func:`run`, :func:`run_scenario`, :func:`run_output`, :func:`run_slot`, the
result dataclasses, :class:`Busy` and :class:`SandboxError`. Parsing errors are
:class:`labs.imports.steps.StepError`; unknown names :class:`labs.imports.scenarios.UnknownScenario`.
"""

from __future__ import annotations

import marshal
import os
import re
import selectors
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labs.imports import scenarios
from labs.imports.limits import LIMITS, wall_time_for
from labs.imports.runner import read_pyc_files
from labs.imports.scenarios import Scenario
from labs.imports.steps import Step, plan_processes

RUNNER = Path(__file__).with_name("runner.py")
# Shown instead of the real temporary directory, so output is the same on every run.
DISPLAY_DIR = "/tmp/lab"  # noqa: S108 - a label in reports, never opened
# No PYTHON* variables reach the child (-I ignores them anyway), and nothing else either:
# the web server's environment may hold secrets.
CHILD_ENV = {
    "PATH": "/usr/bin:/bin",
    "LC_ALL": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}
_IMPORTTIME_ROW = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


class Busy(RuntimeError):
    """Too many runs at once; try again shortly (the web layer answers 429)."""


class SandboxError(RuntimeError):
    """A run that could not report (raised by :func:`run_output` only)."""


# -- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectInfo:
    id: int  # id() in the child: equal ids are the same object (arrows in a picture)
    type: str
    label: str  # e.g. "function demo.greet (run 1, v1)", "module demo #2", "int 5"
    repr: str
    generation: int | None  # body run that created a function/class; object # of a module
    module: str | None  # the scenario module that defined it


@dataclass(frozen=True)
class Binding:
    name: str
    object: ObjectInfo


@dataclass(frozen=True)
class ModuleView:
    """A scenario module object: in sys.modules, or still bound to a name after removal."""

    name: str
    in_sys_modules: bool
    object: ObjectInfo
    attributes: tuple[Binding, ...]


@dataclass(frozen=True)
class Execution:
    module: str
    from_cache: bool  # code loaded from __pycache__ rather than compiled from source
    run: int  # this module's body runs so far in the whole run, this one included


@dataclass(frozen=True)
class MemoryUse:
    traced_bytes: int  # tracemalloc: memory still held after the step
    peak_bytes: int  # tracemalloc: the highest point during the step


@dataclass(frozen=True)
class PycFile:
    path: str
    size: int
    magic: str  # hex of the first 4 bytes
    magic_matches: bool  # this interpreter's importlib.util.MAGIC_NUMBER
    flags: int  # PEP 552: 0 = validated by source mtime and size
    source_mtime: int | None  # as stored in the header
    source_size: int | None
    matches_source: bool  # the header agrees with the .py on disk


@dataclass(frozen=True)
class ImportTimeRow:
    module: str
    self_us: int
    cumulative_us: int
    depth: int  # 0 for a module the step imported directly


@dataclass(frozen=True)
class StepResult:
    index: int
    step: str
    kind: str
    process: int  # 1 for the first interpreter, +1 per restart or script
    output: str  # what print() wrote during the step
    value: str | None  # repr of an expression step's value (as the >>> prompt shows it)
    error: str | None  # "ImportError: ..." when the step raised
    bindings: tuple[Binding, ...]  # the caller's namespace after the step
    modules: tuple[ModuleView, ...]
    modules_added: tuple[str, ...]  # new sys.modules keys
    modules_removed: tuple[str, ...]
    modules_count: int  # len(sys.modules)
    executed: tuple[Execution, ...]  # scenario module bodies that ran, in start order
    memory: MemoryUse | None  # memory-myth only
    pyc_files: tuple[PycFile, ...] | None  # pycache only
    import_times: tuple[ImportTimeRow, ...] | None  # importtime only
    duration_ms: float


@dataclass(frozen=True)
class ProcessSummary:
    index: int
    modules_added: tuple[str, ...]  # sys.modules keys the steps left behind
    modules_count: int
    traced_bytes: int | None  # memory-myth: held after all its steps
    peak_bytes: int | None  # memory-myth: highest peak of any of its steps


@dataclass(frozen=True)
class RunResult:
    scenario: str
    steps: tuple[StepResult, ...]  # the steps that ran; fewer than submitted after a failure
    processes: tuple[ProcessSummary, ...]
    error: str | None  # the failure, or else the first step's exception
    failure: str | None  # the run itself broke off: time limit, output flood, crash
    output_truncated: bool
    body_runs: Mapping[str, int]  # module -> body executions in the whole run

    @property
    def output(self) -> str:
        return "".join(step.output for step in self.steps)


# -- concurrency ----------------------------------------------------------------------------

_slots = threading.BoundedSemaphore(LIMITS.max_concurrent_runs)


@contextmanager
def run_slot() -> Iterator[None]:
    """Hold one of the process-wide run slots, or raise :class:`Busy` without waiting."""
    if not _slots.acquire(blocking=False):
        raise Busy(f"{LIMITS.max_concurrent_runs} import-lab runs are already in progress")
    try:
        yield
    finally:
        _slots.release()


# -- running ----------------------------------------------------------------------------------


def run(scenario: str, steps: Sequence[str] | None = None) -> RunResult:
    """Run ``steps`` (default: the scenario's own) in the named scenario."""
    return run_scenario(scenarios.get(scenario), steps)


def run_output(scenario: str, steps: list[str]) -> str:
    """What the steps print, plus the last traceback line of each step that raised
    (``ImportError: ...``). The value of a bare expression step is not included (only the
    ``>>>`` prompt would echo it): quiz code should ``print(...)`` so it also runs as a script.
    """
    result = run(scenario, steps)
    if result.failure is not None:
        raise SandboxError(result.failure)
    parts = []
    for step in result.steps:
        parts.append(step.output)
        if step.error is not None:
            parts.append(step.error + "\n")
    return "".join(parts)


def run_scenario(scenario: Scenario, steps: Sequence[str] | None = None) -> RunResult:
    parsed = scenario.parse(scenario.default_steps if steps is None else steps)
    groups = plan_processes(parsed)
    with run_slot(), tempfile.TemporaryDirectory(prefix="kb-imports-") as root:
        lab_dir = os.path.join(os.path.realpath(root), "lab")
        _write_files(scenario, lab_dir)
        return _Run(scenario, root, lab_dir).execute(groups)


def _write_files(scenario: Scenario, lab_dir: str) -> None:
    os.mkdir(lab_dir)
    for file in scenario.files:
        path = os.path.join(lab_dir, *file.path.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(file.versions[0])


@dataclass
class _ProcessOutcome:
    stdout: bytes
    stderr: bytes
    returncode: int | None
    timed_out: bool
    overflow: bool


class _Run:
    def __init__(self, scenario: Scenario, root: str, lab_dir: str) -> None:
        self.scenario = scenario
        self.root = root
        self.lab_dir = lab_dir
        self.steps: list[StepResult] = []
        self.processes: list[ProcessSummary] = []
        self.runs: dict[str, int] = {}
        self.objects: dict[str, int] = {}
        self.versions = {file.path: 1 for file in scenario.files}
        self.output_used = 0
        self.truncated = False
        self.error: str | None = None
        self.wall_time_s = wall_time_for(site_packages=scenario.site_packages)

    def execute(self, groups: Sequence[Sequence[Step]]) -> RunResult:
        for number, group in enumerate(groups, start=1):
            if group[0].kind == "script":
                self.run_script(number, group[0])
            else:
                self.run_steps(number, group)
            if self.error is not None:
                break
        first_step_error = next((s for s in self.steps if s.error is not None), None)
        error = self.error
        if error is None and first_step_error is not None:
            error = (
                f"step {first_step_error.index} `{first_step_error.step}`: {first_step_error.error}"
            )
        return RunResult(
            scenario=self.scenario.name,
            steps=tuple(self.steps),
            processes=tuple(self.processes),
            error=error,
            failure=self.error,
            output_truncated=self.truncated,
            body_runs=dict(self.runs),
        )

    # -- one interpreter running steps ----------------------------------------------------

    def run_steps(self, number: int, group: Sequence[Step]) -> None:
        scenario = self.scenario
        spec = {
            "mode": "steps",
            "lab_dir": self.lab_dir,
            "display_dir": DISPLAY_DIR,
            "files": {file.path: list(file.versions) for file in scenario.files},
            "modules": {file.module: file.path for file in scenario.files},
            "versions": dict(self.versions),
            "runs": dict(self.runs),
            "objects": dict(self.objects),
            "steps": [
                {"index": step.index, "kind": step.kind, "data": step.data} for step in group
            ],
            "measure_memory": scenario.measure_memory,
            "import_time": scenario.import_time,
            "write_bytecode": scenario.write_bytecode,
            "extra_paths": _site_packages() if scenario.site_packages else [],
            "output_budget": LIMITS.output_bytes - self.output_used,
            "repr_chars": LIMITS.repr_chars,
            "max_attributes": LIMITS.max_module_attributes,
            "limits": _rlimits(self.wall_time_s),
        }
        flags = ["-I", "-S", "-X", "utf8"]
        if not scenario.write_bytecode:
            flags.append("-B")
        if scenario.import_time:
            flags += ["-X", "importtime"]
        outcome = self.launch(spec, [sys.executable, *flags, str(RUNNER)], LIMITS.report_bytes)
        records = _decode_records(outcome.stdout)
        by_index = {step.index: step for step in group}
        import_times = _parse_import_times(outcome.stderr) if scenario.import_time else None
        end = None
        for record in records:
            if record.get("t") == "end":
                end = record
            elif record.get("t") == "step" and record.get("index") in by_index:
                step = by_index[record["index"]]
                self.steps.append(_step_result(step, number, record, import_times))
                self.output_used += len(record["output"].encode("utf-8"))
                for execution in record["executed"]:
                    self.runs[execution[0]] = execution[2]
        if end is not None:
            self.runs.update(end["runs"])
            self.objects.update(end["objects"])
            self.versions.update(end["versions"])
            self.truncated = self.truncated or end["truncated"]
            self.processes.append(_process_summary(number, end, self.steps))
            return
        finished = {result.index for result in self.steps}
        pending = next((step for step in group if step.index not in finished), None)
        self.error = _failure(outcome, pending, self.wall_time_s)

    # -- one interpreter running a scenario file as its main script -------------------------

    def run_script(self, number: int, step: Step) -> None:
        spec = {
            "mode": "script",
            "python": sys.executable,
            "script": step.data["file"],
            "limits": _rlimits(self.wall_time_s),
        }
        budget = LIMITS.output_bytes - self.output_used
        outcome = self.launch(spec, [sys.executable, "-I", "-S", str(RUNNER)], budget)
        output = outcome.stdout[:budget].decode("utf-8", "replace")
        if outcome.overflow or len(outcome.stdout) > budget:
            self.truncated = True
        self.output_used += len(output.encode("utf-8"))
        error = None
        if outcome.timed_out:
            self.error = (
                f"time limit exceeded ({self.wall_time_s:g} s) in step {step.index} `{step.text}`"
            )
        elif outcome.returncode:
            error = _last_line(outcome.stderr) or f"exit status {outcome.returncode}"
        pyc = read_pyc_files(self.lab_dir, DISPLAY_DIR) if self.scenario.write_bytecode else None
        self.steps.append(
            StepResult(
                index=step.index,
                step=step.text,
                kind=step.kind,
                process=number,
                output=output.replace(self.lab_dir, DISPLAY_DIR),
                value=None,
                error=error,
                bindings=(),
                modules=(),
                modules_added=(),
                modules_removed=(),
                modules_count=0,
                executed=(),
                memory=None,
                pyc_files=None if pyc is None else tuple(PycFile(**entry) for entry in pyc),
                import_times=None,
                duration_ms=0.0,
            )
        )
        self.processes.append(
            ProcessSummary(
                index=number, modules_added=(), modules_count=0, traced_bytes=None, peak_bytes=None
            )
        )

    # -- the subprocess ---------------------------------------------------------------------

    def launch(self, spec: dict[str, Any], argv: list[str], stdout_cap: int) -> _ProcessOutcome:
        spec_path = os.path.join(self.root, "spec.marshal")
        with open(spec_path, "wb") as handle:
            handle.write(marshal.dumps(spec))
        return _run_process(
            [*argv, spec_path],
            cwd=self.lab_dir,
            stdout_cap=stdout_cap,
            stderr_cap=LIMITS.stderr_bytes,
            wall_time_s=self.wall_time_s,
        )


def _run_process(
    argv: list[str], *, cwd: str, stdout_cap: int, stderr_cap: int, wall_time_s: float
) -> _ProcessOutcome:
    """Run until exit, the wall-time limit, or too much output; always leaves no process."""
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=CHILD_ENV,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, killed as a whole
    )
    streams = {"stdout": process.stdout, "stderr": process.stderr}
    caps = {"stdout": stdout_cap, "stderr": stderr_cap}
    chunks: dict[str, list[bytes]] = {"stdout": [], "stderr": []}
    sizes = {"stdout": 0, "stderr": 0}
    deadline = time.monotonic() + wall_time_s
    timed_out = overflow = False
    try:
        with selectors.DefaultSelector() as selector:
            for name, stream in streams.items():
                if stream is not None:
                    os.set_blocking(stream.fileno(), False)
                    selector.register(stream, selectors.EVENT_READ, name)
            while selector.get_map() and not overflow:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                for key, _ in selector.select(remaining):
                    name = key.data
                    data = os.read(key.fd, 65536)
                    if not data:
                        selector.unregister(key.fileobj)
                        continue
                    chunks[name].append(data)
                    sizes[name] += len(data)
                    overflow = overflow or sizes[name] > caps[name]
        if not timed_out and not overflow:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = True
    finally:
        if timed_out or overflow or process.poll() is None:
            _kill(process)
        for stream in streams.values():
            if stream is not None:
                stream.close()
    return _ProcessOutcome(
        stdout=b"".join(chunks["stdout"]),
        stderr=b"".join(chunks["stderr"]),
        returncode=process.returncode,
        timed_out=timed_out,
        overflow=overflow,
    )


def _kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the whole process group (the child leads it), then reap the child."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


# -- decoding -----------------------------------------------------------------------------------


def _decode_records(data: bytes) -> list[dict[str, Any]]:
    """Length-prefixed marshal records; a record cut short by a kill is dropped."""
    records = []
    position = 0
    while position + 4 <= len(data):
        size = int.from_bytes(data[position : position + 4], "big")
        body = data[position + 4 : position + 4 + size]
        if len(body) < size:
            break
        try:
            record = marshal.loads(body)  # noqa: S302 - written by runner.py, no user code runs
        except (EOFError, ValueError, TypeError):
            break
        if not isinstance(record, dict):
            break
        records.append(record)
        position += 4 + size
    return records


def _parse_import_times(stderr: bytes) -> dict[int, tuple[ImportTimeRow, ...]]:
    rows: dict[int, list[ImportTimeRow]] = {}
    current: list[ImportTimeRow] | None = None
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("@@kb-imports step "):
            current = rows.setdefault(int(line.rsplit(" ", 1)[1]), [])
            continue
        if line.startswith("@@kb-imports end"):
            current = None
            continue
        match = _IMPORTTIME_ROW.match(line)
        if match and current is not None:
            self_us, cumulative_us, indent, module = match.groups()
            depth = max(0, (len(indent) - 1) // 2)
            current.append(ImportTimeRow(module, int(self_us), int(cumulative_us), depth))
    return {index: tuple(found) for index, found in rows.items()}


def _object(data: dict[str, Any]) -> ObjectInfo:
    return ObjectInfo(
        id=data["id"],
        type=data["type"],
        label=data["label"],
        repr=data["repr"],
        generation=data["generation"],
        module=data["module"],
    )


def _bindings(pairs: list[list[Any]]) -> tuple[Binding, ...]:
    return tuple(Binding(name, _object(obj)) for name, obj in pairs)


def _step_result(
    step: Step,
    process: int,
    record: dict[str, Any],
    import_times: dict[int, tuple[ImportTimeRow, ...]] | None,
) -> StepResult:
    memory = record["memory"]
    pyc = record["pyc"]
    return StepResult(
        index=step.index,
        step=step.text,
        kind=step.kind,
        process=process,
        output=record["output"],
        value=record["value"],
        error=record["error"],
        bindings=_bindings(record["bindings"]),
        modules=tuple(
            ModuleView(
                name=view["name"],
                in_sys_modules=view["in_sys_modules"],
                object=_object(view["object"]),
                attributes=_bindings(view["attributes"]),
            )
            for view in record["modules"]
        ),
        modules_added=tuple(record["added"]),
        modules_removed=tuple(record["removed"]),
        modules_count=record["count"],
        executed=tuple(Execution(name, cached, run) for name, cached, run in record["executed"]),
        memory=None if memory is None else MemoryUse(*memory),
        pyc_files=None if pyc is None else tuple(PycFile(**entry) for entry in pyc),
        import_times=None if import_times is None else import_times.get(step.index, ()),
        duration_ms=record["ms"],
    )


def _process_summary(
    number: int, end: dict[str, Any], steps: Sequence[StepResult]
) -> ProcessSummary:
    memory = [step.memory for step in steps if step.process == number and step.memory]
    return ProcessSummary(
        index=number,
        modules_added=tuple(end["added"]),
        modules_count=end["count"],
        traced_bytes=sum(use.traced_bytes for use in memory) if memory else None,
        peak_bytes=max(use.peak_bytes for use in memory) if memory else None,
    )


def _failure(outcome: _ProcessOutcome, pending: Step | None, wall_time_s: float) -> str:
    """Why an interpreter stopped before reporting its end."""
    where = "" if pending is None else f" in step {pending.index} `{pending.text}`"
    if outcome.timed_out:
        return f"time limit exceeded ({wall_time_s:g} s){where}"
    if outcome.overflow:
        return f"the run produced too much output{where}"
    if outcome.returncode is not None and outcome.returncode < 0:
        name = signal.Signals(-outcome.returncode).name
        return f"the interpreter was killed by {name}{where} (memory or CPU limit)"
    detail = _last_line(outcome.stderr) or f"exit status {outcome.returncode}"
    return f"the interpreter stopped{where}: {detail}"


def _last_line(stderr: bytes) -> str:
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _site_packages() -> list[str]:
    """The server's own site-packages (numpy): -S leaves them off sys.path."""
    paths = sysconfig.get_paths()
    return sorted({paths["purelib"], paths["platlib"]})


def _rlimits(wall_time_s: float) -> dict[str, int]:
    return {
        "RLIMIT_AS": LIMITS.memory_bytes,
        # The wall limit (enforced here) plus a second: a backstop should the parent die.
        "RLIMIT_CPU": int(wall_time_s) + 1,
        "RLIMIT_FSIZE": LIMITS.file_size_bytes,
        "RLIMIT_NOFILE": LIMITS.open_files,
        "RLIMIT_CORE": 0,
    }
