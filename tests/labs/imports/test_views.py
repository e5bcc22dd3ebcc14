import re
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labs.imports import scenarios, views
from labs.imports.editing import apply_edit, step_palette
from labs.imports.forms import localise_reason
from labs.imports.limits import LIMITS
from labs.imports.sandbox import run_slot
from labs.imports.steps import StepError, parse_step, parse_steps, split_program, validate_step

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
LAB = "/en/labs/imports/"
HOSTILE_STEPS = [
    "__import__('os').system('id')",
    "import os; os.remove('x')",
    "import " + "a" * 5000,
    "x = " + "b" * 300,
    "demo.__class__.__bases__",
    "exec('1')",
    "import os",
    "from subprocess import run",
]


def page(client, **params):
    return client.get(f"{LAB}?{urlencode(params)}")


def text(response) -> str:
    return response.content.decode()


# -- the page ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_runs_the_scenario_in_both_languages(client, language):
    response = client.get(f"/{language}/labs/imports/?scenario=reload-stale")
    body = text(response)
    assert response.status_code == 200
    assert f'<html lang="{language}"' in body
    title = scenarios.get("reload-stale").title.get(language)
    assert title.split("`")[-1].strip() in body
    assert body.count('class="timeline-step') == len(scenarios.get("reload-stale").default_steps)
    assert "hello from version 1" in body and "hello from version 2" in body


def test_without_parameters_the_page_runs_the_default_scenario(client):
    body = text(client.get(LAB))
    assert 'href="/en/labs/imports/?scenario=import-twice" aria-current="page"' in body
    assert "running demo.py" in body


def article_links() -> list[str]:
    found = set()
    for path in (ROOT / "content").glob("*/*.md"):
        found |= set(
            re.findall(r"\(/(?:en|zh-hans)/labs/imports/\?scenario=([\w-]+)\)", path.read_text())
        )
    return sorted(found)


def test_articles_link_to_every_scenario():
    assert set(article_links()) == set(scenarios.names())


@pytest.mark.parametrize("name", article_links())
def test_every_article_link_opens_its_scenario_with_its_default_run(client, name):
    response = client.get(f"/zh-hans/labs/imports/?scenario={name}")
    body = text(response)
    assert response.status_code == 200
    assert f'?scenario={name}" aria-current="page"' in body
    assert f'<input type="hidden" name="scenario" value="{name}">' in body
    assert 'class="timeline"' in body
    for step in scenarios.get(name).default_steps:
        assert step.replace("'", "&#x27;") in body


def test_the_page_shows_the_question_the_files_and_a_hidden_answer(client):
    body = text(page(client, scenario="import-twice"))
    assert "Does a second <code>import demo</code> run <code>demo.py</code> again?" in body
    assert '<details class="answer">' in body and "Reveal the answer" in body
    assert 'class="codehilite"' in body and "running demo.py" in body


def test_a_guess_is_shown_beside_the_open_answer(client):
    body = text(page(client, scenario="import-twice", guess="it runs <twice>"))
    assert "it runs &lt;twice&gt;" in body
    assert '<details class="answer" open>' in body


def test_reload_stale_draws_the_old_and_new_function_and_a_stale_arrow(client):
    body = text(page(client, scenario="reload-stale"))
    final = body[body.index('class="panel final-bindings"') :]
    assert "function demo.greet (run 1, v1)" in final
    assert "function demo.greet (run 2, v2)" in final
    assert '<g class="edge stale"><title>greet → function demo.greet (run 1, v1)</title>' in final
    assert '<g class="object stale">' in final
    assert "<code>greet</code>" in final[final.index("What to notice") :]


def test_del_sys_modules_marks_the_old_module_object_stale(client):
    body = text(page(client, scenario="del-sys-modules"))
    final = body[body.index('class="panel final-bindings"') :]
    assert '<g class="edge stale"><title>old → module demo #1</title>' in final
    assert "sys.modules[&#x27;demo&#x27;]" in final or "sys.modules['demo']" in final


def test_the_timeline_lists_output_module_changes_and_cached_imports(client):
    body = text(page(client, scenario="import-twice"))
    step_1 = body[body.index('id="step-1"') : body.index('id="step-2"')]
    step_2 = body[body.index('id="step-2"') : body.index('id="step-3"')]
    assert "running demo.py" in step_1 and "added to sys.modules" in step_1
    assert "No module body ran" in step_2 and "step-output" not in step_2


def test_memory_myth_compares_the_two_interpreters_in_bar_charts(client):
    body = text(page(client, scenario="memory-myth"))
    assert body.count('class="chart chart-bar"') == 2
    assert "1: import json" in body and "2: from json import dumps" in body
    assert "every interpreter added exactly the same modules" in body


def test_importtime_shows_the_table_and_pycache_the_header_fields(client):
    body = text(page(client, scenario="importtime"))
    assert 'class="importtime-table"' in body and '<td class="depth-0"><code>json</code>' in body
    body = text(page(client, scenario="pycache"))
    assert 'class="pyc-table"' in body
    assert "/tmp/lab/__pycache__/demo.cpython-" in body
    assert "code loaded from __pycache__" in body


def test_a_step_exception_is_part_of_the_lesson_not_a_page_error(client):
    response = page(client, scenario="circular")
    assert response.status_code == 200
    assert "partially initialized module" in text(response)


def test_htmx_gets_the_results_partial_with_the_step_editor_out_of_band(client):
    response = client.get(f"{LAB}?scenario=import-twice", headers={"HX-Request": "true"})
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="step-editor"' in body and 'hx-swap-oob="true"' in body
    assert 'class="timeline"' in body
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get(f"{LAB}?scenario=import-twice", headers=headers)
    assert "<html" in text(response)
    assert "HX-History-Restore-Request" in response["Vary"]


def test_anonymous_pages_are_publicly_cacheable_and_errors_are_not(client):
    assert "public" in page(client, scenario="import-twice")["Cache-Control"]
    bad = page(client, scenario="nope")
    assert "private" in bad["Cache-Control"] and "public" not in bad["Cache-Control"]


def test_the_same_link_reuses_the_cached_run(client, monkeypatch):
    calls = []
    real_run = views.run
    monkeypatch.setattr(views, "run", lambda *args: calls.append(args) or real_run(*args))
    first = text(page(client, scenario="reload-stale"))
    second = text(page(client, scenario="reload-stale"))
    assert len(calls) == 1
    assert first == second


def test_a_busy_sandbox_answers_429_with_a_message(client):
    with ExitStack() as stack:
        for _ in range(LIMITS.max_concurrent_runs):
            stack.enter_context(run_slot())
        response = page(client, scenario="import-vs-from")
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert "The lab is busy" in text(response)
    assert "no-store" in response["Cache-Control"]


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, named",
    [
        ({"scenario": "nope"}, "scenario"),
        ({"scenario": "import-twice", "steps": "import os"}, "module &#x27;os&#x27;"),
        ({"scenario": "import-twice", "guess": "x" * 201}, "guess"),
        ({"scenario": "import-twice", "steps": "import demo\n" * 41}, "at most 40 steps"),
        ({"scenario": "import-twice", "steps": "import demo\n" * 10_000}, "too long"),
        ({"scenario": "import-twice", "steps": "python main.py"}, "no `script` steps"),
    ],
)
def test_bad_parameters_get_400_and_a_message_naming_them(client, params, named):
    response = page(client, **params)
    assert response.status_code == 400
    assert named in text(response)
    assert 'class="timeline"' not in text(response)


@pytest.mark.parametrize("step", HOSTILE_STEPS)
def test_hostile_steps_are_refused_by_the_page(client, step, monkeypatch):
    monkeypatch.setattr(
        views, "run", lambda *args: pytest.fail("a hostile step reached the sandbox")
    )
    response = page(client, scenario="import-twice", steps=f"import demo\n{step}")
    assert response.status_code == 400
    assert "step 2" in text(response)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(["scenario", "steps", "guess", "edit", "x"]),
        st.one_of(
            st.text(max_size=60),
            st.sampled_from([*scenarios.names(), "up-1", "add:import demo", "remove-9"]),
        ),
        max_size=4,
    )
)
def test_fuzzed_query_strings_never_cause_a_server_error(client, query):
    from django.core.cache import cache

    cache.clear()
    response = client.get(f"{LAB}?{urlencode(query)}")
    assert response.status_code in (200, 400, 429)


# -- the step editor -----------------------------------------------------------------------------


def edit(client, *, htmx=True, **params):
    url = "/en/labs/imports/steps/" if htmx else LAB
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(f"{url}?{urlencode(params)}", headers=headers)


def editor_lines(body: str) -> list[str]:
    area = re.search(r'<textarea id="id_steps"[^>]*>(.*?)</textarea>', body, re.S).group(1)
    return [line.replace("&#x27;", "'") for line in area.splitlines()]


def test_the_editor_partial_moves_removes_and_adds_steps(client):
    steps = "import demo\nimport sys\nprint(1)"
    up = edit(client, scenario="import-twice", steps=steps, edit="up-2")
    assert up.status_code == 200
    assert "<html" not in text(up) and 'id="step-editor"' in text(up)
    assert editor_lines(text(up)) == ["import sys", "import demo", "print(1)"]
    down = edit(client, scenario="import-twice", steps=steps, edit="down-1")
    assert editor_lines(text(down)) == ["import sys", "import demo", "print(1)"]
    removed = edit(client, scenario="import-twice", steps=steps, edit="remove-3")
    assert editor_lines(text(removed)) == ["import demo", "import sys"]
    added = edit(client, scenario="import-twice", steps=steps, edit="add:del sys.modules['demo']")
    assert editor_lines(text(added))[-1] == "del sys.modules['demo']"
    assert '<details class="palette" open>' in text(added)


def test_an_edit_without_steps_starts_from_the_scenario_defaults(client):
    response = edit(client, scenario="reload-stale", edit="remove-1")
    assert editor_lines(text(response)) == list(scenarios.get("reload-stale").default_steps[1:])


def test_an_edit_that_makes_the_list_invalid_still_shows_it_with_the_problem(client):
    response = edit(client, scenario="import-twice", steps="import demo", edit="add:import os")
    assert response.status_code == 200
    assert editor_lines(text(response)) == ["import demo", "import os"]
    assert "Not runnable yet" in text(response) and "module &#x27;os&#x27;" in text(response)


@pytest.mark.parametrize(
    "params, named",
    [
        ({"scenario": "import-twice", "steps": "import demo", "edit": "up-7"}, "no step 7"),
        ({"scenario": "import-twice", "steps": "import demo", "edit": "sideways-1"}, "up-N"),
        ({"scenario": "import-twice", "steps": "import demo", "edit": "add:"}, "which step"),
        ({"scenario": "import-twice", "steps": "import demo\n" * 40, "edit": "add:restart"}, "40"),
        ({"scenario": "nope", "edit": "up-1"}, "scenario"),
    ],
)
def test_bad_edits_get_400_and_a_message(client, params, named):
    response = edit(client, **params)
    assert response.status_code == 400
    assert named in text(response)


def test_without_javascript_an_edit_button_reloads_the_page_with_the_edited_steps(client):
    response = edit(
        client, htmx=False, scenario="import-twice", steps="import demo\nimport sys", edit="down-1"
    )
    body = text(response)
    assert response.status_code == 200
    assert "<html" in body and "Press Run to run them" in body
    assert editor_lines(body) == ["import sys", "import demo"]
    assert 'class="timeline"' not in body


def test_every_palette_step_is_valid_in_its_scenario():
    for scenario in scenarios.SCENARIOS.values():
        palette = step_palette(scenario)
        unique_defaults = list(dict.fromkeys(scenario.default_steps))
        assert palette[: len(unique_defaults)] == unique_defaults
        assert len(palette) == len(set(palette))
        for text_ in palette:
            validate_step(parse_step(text_), scenario.rules)


def test_the_reload_palette_offers_the_version_switch_and_reload():
    palette = step_palette(scenarios.get("reload-stale"))
    assert "switch demo to version 1" in palette and "importlib.reload(demo)" in palette


@given(
    lines=st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=8),
    data=st.data(),
)
def test_moves_keep_the_same_steps_and_removal_drops_exactly_one(lines, data):
    number = data.draw(st.integers(1, len(lines)))
    for action in ("up", "down"):
        assert sorted(apply_edit(lines, f"{action}-{number}")) == sorted(lines)
    assert apply_edit(lines, f"up-{number}")[max(0, number - 2)] == lines[number - 1]
    removed = apply_edit(lines, f"remove-{number}")
    assert len(removed) == len(lines) - 1
    assert removed == lines[: number - 1] + lines[number:]


# -- step errors in the reader's language ----------------------------------------------------------

REFUSED = [
    "import 'x",
    "import demo ?",
    "import " + "n" * 41,
    "import def",
    "x = demo.__dict__",
    "sys = 1",
    "import demo,",
    "print(",
    "import demo trailing",
    "print(isinstance)",
    "print(1, +)",
    "demo.f(1)",
    "x = 1234567890",
    "x = '" + "s" * 41 + "'",
    "",
    "import demo, sys",
    "import sys as s",
    "from . import x",
    "from sys import path",
    "from demo import a, b, c, d, e, f, g, h, i",
    "print(1, 2, 3, 4, 5)",
    "demo.x = demo",
    "x" * 201,
    "python main.py",
    "import os",
    "print(sys.modules['os'])",
    "del sys.modules['sys']",
    "switch demo to version 2",
    "import",
    "del sys.modules['1x']",
    "x = '\t'",
]


def engine_reasons() -> list[str]:
    reasons = []
    for step in REFUSED:
        try:
            parse_steps([step], scenarios.get("import-twice").rules)
        except StepError as error:
            reasons.append(error.reason)
        else:
            pytest.fail(f"{step!r} was accepted")
    for lines in (["import demo"] * 41, ["python main.py", "import demo"], ["restart"] * 4, [1]):
        try:
            scenarios.get("pycache").parse(lines)
        except StepError as error:
            reasons.append(error.reason)
    for program in ("import demo\n" * 2000,):
        try:
            split_program(program)
        except StepError as error:
            reasons.append(error.reason)
    for step in ("switch demo to version 9", "python other.py", "switch main to version 2"):
        try:
            scenarios.get("pycache").parse([step])
        except StepError as error:
            reasons.append(error.reason)
    return reasons


def test_every_engine_reason_matches_a_translatable_template(settings):
    settings.LANGUAGE_CODE = "en"
    from labs.imports import forms

    reasons = engine_reasons()
    assert len(reasons) > 30
    for reason in reasons:
        assert any(pattern.fullmatch(reason) for pattern, _ in forms._PATTERNS), reason
        assert localise_reason(reason) == reason  # English renders the engine's own sentence
