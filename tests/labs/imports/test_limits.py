"""The sandbox's bounds: time, output, memory, concurrency, isolation, and what the runner
itself may use. Scenarios built here stand in for test hooks; they never reach the site."""

import ast
import os
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from labs.imports import sandbox, scenarios
from labs.imports.limits import LIMITS
from labs.imports.sandbox import Busy, run, run_scenario, run_slot
from labs.imports.scenarios import ModuleFile, Scenario, Text

CORE = frozenset({"import", "from", "print", "expr", "assign", "restart"})


def make_scenario(**sources: str) -> Scenario:
    return Scenario(
        name="test-hook",
        title=Text("测试", "test"),
        question=Text("测试？", "test?"),
        answer=Text("测试。", "test."),
        files=tuple(ModuleFile(f"{name}.py", (source,)) for name, source in sources.items()),
        default_steps=(),
        kinds=CORE,
    )


def leftover_directories() -> set[str]:
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("kb-imports-")}


def test_a_step_that_sleeps_is_killed_at_the_wall_time_limit_and_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    scenario = make_scenario(
        fast='print("fast")\n',
        slow='import time\nprint("about to sleep")\ntime.sleep(60)\n',
    )
    result = run_scenario(scenario, ["import fast", "import slow", "print(1)"])
    assert result.error == (
        f"time limit exceeded ({LIMITS.wall_time_s:g} s) in step 2 `import slow`"
    )
    assert result.failure == result.error
    assert [step.step for step in result.steps] == ["import fast"]  # finished steps still report
    assert result.steps[0].output == "fast\n"
    assert leftover_directories() == set()  # the temporary files went with the process


def test_runs_leave_no_temporary_directory_behind(tmp_path, monkeypatch):
    # A private temp root: other test processes create their own sandboxes meanwhile.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    run("pycache")
    assert leftover_directories() == set()


def test_printed_output_is_capped_and_the_cut_is_reported():
    scenario = make_scenario(loud='for i in range(200_000):\n    print("x" * 99)\n')
    result = run_scenario(scenario, ["import loud", "print('after')"])
    assert result.error is None
    assert result.output_truncated
    assert len(result.output.encode()) <= LIMITS.output_bytes
    assert result.steps[1].output == ""  # the budget is spent for the whole run


def test_a_huge_allocation_fails_with_memory_error_under_the_address_space_limit():
    scenario = make_scenario(hog=f"data = bytearray({2 * LIMITS.memory_bytes})\n")
    result = run_scenario(scenario, ["import hog", "print('still here')"])
    assert result.steps[0].error.startswith("MemoryError")
    assert result.steps[1].output == "still here\n"


def test_a_third_concurrent_run_is_refused_at_once_with_busy():
    assert LIMITS.max_concurrent_runs == 2
    with run_slot(), run_slot(), pytest.raises(Busy):
        run("import-twice")
    assert run("import-twice").error is None  # the slots are free again


def test_two_runs_can_proceed_at_the_same_time():
    results = []

    def worker():
        results.append(run("reload-stale"))

    threads = [threading.Thread(target=worker) for _ in range(LIMITS.max_concurrent_runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [result.error for result in results] == [None, None]


def test_the_child_sees_no_parent_environment_and_no_stdin(monkeypatch):
    monkeypatch.setenv("KB_SECRET_KEY", "do-not-leak")
    monkeypatch.setenv("PYTHONPATH", "/nowhere")
    scenario = make_scenario(
        probe="import os, sys\n"
        "print(sorted(os.environ))\n"
        "print(repr(sys.stdin.read()))\n"
        "print(os.getcwd() == sys.path[0])\n"
    )
    output = run_scenario(scenario, ["import probe"]).output
    assert "KB_SECRET_KEY" not in output and "PYTHONPATH" not in output
    assert output.splitlines()[1:] == ["''", "True"]


def test_the_runner_imports_only_the_standard_library():
    tree = ast.parse(Path(sandbox.RUNNER).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module.split(".")[0])
    assert imported
    assert imported <= set(sys.stdlib_module_names)


def test_the_runner_never_executes_text():
    tree = ast.parse(Path(sandbox.RUNNER).read_text())
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"exec", "eval", "compile", "execfile", "breakpoint"}


def test_the_runner_loads_nothing_that_a_step_might_import():
    # json, re, enum, os... must still be new when a step imports them.
    output = sandbox.run("memory-myth", ["import json"]).steps[0].modules_added
    assert {"json", "re", "enum", "collections", "functools"} <= set(output)


def test_a_crashed_interpreter_is_reported_and_run_output_refuses_it(monkeypatch):
    scenario = make_scenario(crash='import os\nprint("bye")\nos._exit(3)\n')
    result = run_scenario(scenario, ["import crash", "print(1)"])
    assert result.failure == "the interpreter stopped in step 1 `import crash`: exit status 3"
    assert result.steps == ()
    monkeypatch.setitem(scenarios.SCENARIOS, scenario.name, scenario)
    with pytest.raises(sandbox.SandboxError, match="exit status 3"):
        sandbox.run_output(scenario.name, ["import crash"])
