"""Every scenario's observable facts, measured in the real sandbox (one subprocess per run)."""

import re
import sys

import pytest

from labs.imports import sandbox, scenarios
from labs.imports.sandbox import run, run_output


def binding(step, name):
    return next(b.object for b in step.bindings if b.name == name)


def attribute(step, module, name):
    view = next(v for v in step.modules if v.name == module and v.in_sys_modules)
    return next(a.object for a in view.attributes if a.name == name)


def test_every_scenario_has_both_languages_and_runs_its_default_steps():
    for name, scenario in scenarios.SCENARIOS.items():
        for language in scenarios.LANGUAGES:
            assert scenario.title.get(language)
            assert scenario.question.get(language)
            assert scenario.answer.get(language)
        result = run(name)
        assert len(result.steps) == len(scenario.default_steps), name
        if name != "circular":
            assert result.error is None, (name, result.error)


def test_a_second_import_does_not_run_the_body_again():
    result = run("import-twice")
    first, second, _, check = result.steps
    assert first.output == "running demo.py\n"
    assert [e.module for e in first.executed] == ["demo"]
    assert first.modules_added == ("demo",)
    assert second.output == ""
    assert second.executed == ()
    assert second.modules_added == ()
    assert binding(first, "demo").id == binding(second, "demo").id
    assert check.output == "True\n"
    assert result.body_runs == {"demo": 1}


def test_from_import_binds_the_object_of_that_moment_not_the_module_attribute():
    result = run("import-vs-from")
    after_from, after_assign = result.steps[1], result.steps[2]
    assert binding(after_from, "greet").id == attribute(after_from, "demo", "greet").id
    assert binding(after_from, "counter").label == "int 0"
    assert binding(after_assign, "counter").label == "int 0"
    assert attribute(after_assign, "demo", "counter").label == "int 5"
    assert result.output == ("running demo.py\n0 5\nhello, counter is 5\nTrue\n")


def test_reload_keeps_the_module_object_and_leaves_from_imported_names_stale():
    result = run("reload-stale")
    steps = {step.step: step for step in result.steps}
    before = steps["from demo import greet"]
    reloaded = steps["importlib.reload(demo)"]
    # Same module object, body run again, helper (already cached) not run again.
    assert binding(before, "demo").id == binding(reloaded, "demo").id
    assert [(e.module, e.run) for e in reloaded.executed] == [("demo", 2)]
    assert reloaded.output == "running demo.py (version 2)\n"
    assert reloaded.value == "<module 'demo' from '/tmp/lab/demo.py'>"
    # The from-imported name still holds the function of the first run.
    stale = binding(reloaded, "greet")
    fresh = attribute(reloaded, "demo", "greet")
    assert stale.id == attribute(before, "demo", "greet").id
    assert stale.id != fresh.id
    assert (stale.label, fresh.label) == (
        "function demo.greet (run 1, v1)",
        "function demo.greet (run 2, v2)",
    )
    assert binding(reloaded, "obj").label == "instance of class demo.C (run 1, v1)"
    assert steps["print(greet())"].output == "hello from version 1\n"
    assert steps["print(demo.greet())"].output == "hello from version 2\n"
    assert steps["print(isinstance(obj, demo.C))"].output == "False\n"
    assert steps["print(id(demo) == before)"].output == "True\n"
    assert steps["print(demo.old_name)"].output == "defined only in version 1\n"
    assert result.body_runs == {"demo": 2, "helper": 1}


def test_deleting_from_sys_modules_runs_the_body_again_in_a_new_module_object():
    result = run("del-sys-modules")
    first_import, reimport = result.steps[1], result.steps[5]
    assert binding(first_import, "demo").id != binding(reimport, "demo").id
    assert binding(reimport, "old").id == binding(first_import, "demo").id
    assert binding(reimport, "demo").label == "module demo #2"
    assert result.steps[3].modules_removed == ("demo",)
    old_view = next(v for v in reimport.modules if v.name == "demo" and not v.in_sys_modules)
    assert old_view.object.label == "module demo #1"
    assert result.output == "running demo.py\nFalse\nrunning demo.py\nFalse\n"
    assert result.body_runs == {"demo": 2}


def test_a_circular_import_fails_on_the_partially_initialized_module():
    result = run("circular")
    failing = result.steps[1]
    assert re.search(r"cannot import name 'X' from partially initialized module 'a'", failing.error)
    assert "circular import" in failing.error
    assert failing.error.startswith("ImportError: ")
    assert failing.output == "running a.py\nrunning b.py\n"
    assert result.error.startswith("step 2 `import a`: ImportError")
    # A failed import leaves neither module cached, and the session goes on.
    assert result.steps[2].output == "False False\n"


@pytest.mark.parametrize(
    "steps",
    [
        ["import a", "print(a.use_b())"],
        ["switch b to version 2", "import a", "print(a.use_b())"],
        ["import b", "print(b.read_x())"],
    ],
)
def test_circular_fixed_works_with_late_attribute_access_or_a_local_import(steps):
    result = run("circular-fixed", steps)
    assert result.error is None
    assert result.steps[-1].output == "1\n"


def test_import_pkg_sub_binds_pkg_and_from_pkg_import_sub_binds_sub():
    result = run("import-submodule")
    imported, _, from_import, check = result.steps
    assert [b.name for b in imported.bindings] == ["pkg"]
    assert imported.modules_added == ("pkg", "pkg.sub", "pkg.util")
    assert [e.module for e in imported.executed] == ["pkg", "pkg.sub", "pkg.util"]
    assert [b.name for b in from_import.bindings] == ["pkg", "sub"]
    assert binding(from_import, "sub").id == attribute(from_import, "pkg", "sub").id
    assert check.output == "True\n"


def test_importing_a_package_alone_does_not_import_its_submodules():
    result = run("import-submodule", ["import pkg", "print(pkg.sub)"])
    assert result.steps[1].error == "AttributeError: module 'pkg' has no attribute 'sub'"


def test_star_import_honours_all_and_skips_private_names():
    result = run(
        "star-import",
        ["from shapes import *", "from plain import *", "print(_secret)", "print(SIDE)"],
    )
    after_shapes, after_plain = result.steps[0], result.steps[1]
    assert [b.name for b in after_shapes.bindings] == ["square_area", "PI_ISH"]
    assert [b.name for b in after_plain.bindings] == [
        "square_area", "PI_ISH", "shapes", "RED", "paint"
    ]  # fmt: skip
    assert result.steps[2].error == "NameError: name '_secret' is not defined"
    assert result.steps[3].error == "NameError: name 'SIDE' is not defined"


def test_from_import_loads_the_same_modules_and_memory_as_import():
    result = run("memory-myth")
    whole, part = result.processes
    assert whole.modules_added == part.modules_added
    assert {"json", "json.decoder", "json.scanner", "json.encoder"} <= set(whole.modules_added)
    assert result.steps[0].modules_count == result.steps[2].modules_count
    assert abs(whole.traced_bytes - part.traced_bytes) < 0.05 * whole.traced_bytes
    assert [b.name for b in result.steps[0].bindings] == ["json"]
    assert [b.name for b in result.steps[2].bindings] == ["dumps"]


def test_numpy_imports_under_the_memory_limit_and_from_import_loads_it_all():
    result = run("memory-myth", ["import numpy", "restart", "from numpy import array"])
    assert result.error is None
    whole, part = result.processes
    assert whole.modules_added == part.modules_added
    assert len(whole.modules_added) > 100
    assert whole.traced_bytes > 1_000_000


def test_the_first_import_writes_a_pyc_that_a_fresh_process_loads():
    result = run("pycache")
    first, restart, second, script = result.steps
    tag = sys.implementation.cache_tag
    (pyc,) = first.pyc_files
    assert pyc.path == f"/tmp/lab/__pycache__/demo.{tag}.pyc"
    assert pyc.flags == 0  # PEP 552: validated by the source's mtime and size
    assert pyc.magic_matches and pyc.matches_source
    assert pyc.source_size == len(b'print("running demo.py")\n')
    assert [(e.module, e.from_cache) for e in first.executed] == [("demo", False)]
    assert restart.bindings == () and restart.process == 2
    assert [(e.module, e.from_cache) for e in second.executed] == [("demo", True)]
    assert second.pyc_files == first.pyc_files
    # The main script runs for real and is never cached.
    assert script.output == "running main.py\nrunning demo.py\n"
    assert [p.path for p in script.pyc_files] == [pyc.path]


def test_other_scenarios_write_no_bytecode_and_run_isolated():
    output = run_output(
        "import-twice", ["import sys", "print(sys.dont_write_bytecode, sys.flags.isolated)"]
    )
    assert output == "True 1\n"


def test_a_changed_source_invalidates_the_pyc_even_within_the_same_second():
    result = run("pycache", ["import demo", "restart", "switch demo to version 2", "import demo"])
    first, _, _, again = result.steps
    assert [(e.module, e.from_cache) for e in again.executed] == [("demo", False)]
    assert again.output == "running demo.py (version 2)\n"
    ((old,), (new,)) = first.pyc_files, again.pyc_files
    assert new.source_mtime > old.source_mtime
    assert new.matches_source


def test_switching_versions_back_and_forth_reloads_each_source():
    output = run_output(
        "reload-stale",
        ["import importlib", "import demo", "switch demo to version 2", "importlib.reload(demo)",
         "switch demo to version 1", "importlib.reload(demo)"],
    )  # fmt: skip
    assert output == (
        "running demo.py (version 1)\nrunning helper.py\n"
        "running demo.py (version 2)\nrunning demo.py (version 1)\n"
    )


def test_importtime_reports_a_table_of_self_and_cumulative_microseconds():
    result = run("importtime", ["import json", "import json"])
    rows = result.steps[0].import_times
    by_module = {row.module: row for row in rows}
    assert by_module["json"].depth == 0
    assert by_module["json.decoder"].depth == 1
    assert all(row.cumulative_us >= row.self_us >= 0 for row in rows)
    assert by_module["json"].cumulative_us >= by_module["json.decoder"].cumulative_us
    assert rows[-1].module == "json"  # a module is reported when it finishes
    assert result.steps[1].import_times == ()  # cached: nothing to time


def test_run_output_shows_prints_and_the_last_line_of_each_error():
    output = run_output("circular", ["import a"])
    assert output.startswith("running a.py\nrunning b.py\nImportError: cannot import name 'X'")
    assert output.endswith("(/tmp/lab/a.py)\n")


def test_lab_rules_stop_calls_into_code_the_scenario_did_not_define():
    result = run("memory-myth", ["import json", "print(json.dumps())"])
    assert result.steps[1].error.startswith("LabRuleError: ")
    result = run("import-twice", ["import sys", "sys.path = 'x'", "print(sys.modules['demo'])"])
    assert result.steps[1].error.startswith("LabRuleError: ")
    assert result.steps[2].error == "KeyError: 'demo'"


def test_special_forms_need_their_module_bound_as_in_python():
    result = run(
        "import-twice", ["import demo", "del sys.modules['demo']", "importlib.reload(demo)"]
    )
    assert result.steps[1].error == "NameError: name 'sys' is not defined"
    assert result.steps[2].error == "NameError: name 'importlib' is not defined"


def test_unknown_scenarios_are_refused_with_the_names_on_offer():
    with pytest.raises(scenarios.UnknownScenario, match="import-twice"):
        sandbox.run("no-such-scenario")
