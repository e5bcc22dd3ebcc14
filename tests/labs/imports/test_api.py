import json
from contextlib import ExitStack
from types import SimpleNamespace

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kbsite import ratelimit
from labs.imports import sandbox, scenarios, views
from labs.imports.limits import LIMITS
from labs.imports.sandbox import run_slot
from labs.imports.steps import parse_step, validate_step

pytestmark = pytest.mark.django_db
RUN = "/api/labs/imports/run/"
SCENARIOS = "/api/labs/imports/scenarios/"


@pytest.fixture
def api():
    # enforce_csrf_checks: the API must work without a token (it reads no cookie or session).
    return Client(enforce_csrf_checks=True)


def post(api, body, **headers):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return api.post(RUN, data=data, content_type="application/json", headers=headers)


def test_a_run_returns_each_step_with_output_bindings_and_module_changes(api):
    response = post(api, {"scenario": "import-twice", "steps": ["import demo", "import demo"]})
    assert response.status_code == 200
    data = response.json()
    assert data["error"] is None and data["failure"] is None
    first, second = data["steps"]
    assert first["step"] == "import demo" and first["output"] == "running demo.py\n"
    assert first["modules_added"] == ["demo"]
    assert first["executed"] == [{"module": "demo", "from_cache": False, "run": 1}]
    assert second["output"] == "" and second["executed"] == [] and second["modules_added"] == []
    (binding,) = second["bindings"]
    assert binding["name"] == "demo" and binding["label"] == "module demo #1"
    assert isinstance(binding["id"], int) and binding["stale"] is False
    assert not response.cookies


def test_reload_stale_reports_the_stale_binding(api):
    data = post(api, {"scenario": "reload-stale"}).json()
    last = data["steps"][-1]
    greet = next(b for b in last["bindings"] if b["name"] == "greet")
    assert greet["label"] == "function demo.greet (run 1, v1)" and greet["stale"] is True
    (demo,) = [m for m in last["modules"] if m["name"] == "demo"]
    new_greet = next(a for a in demo["attributes"] if a["name"] == "greet")
    assert new_greet["label"] == "function demo.greet (run 2, v2)" and new_greet["stale"] is False


def test_steps_may_also_be_one_text_with_a_step_per_line(api):
    response = post(
        api, {"scenario": "import-twice", "steps": "import demo\n\n# again\nimport demo"}
    )
    assert [s["step"] for s in response.json()["steps"]] == ["import demo", "import demo"]


def test_missing_steps_run_the_scenarios_own(api):
    data = post(api, {"scenario": "circular"}).json()
    assert [s["step"] for s in data["steps"]] == list(scenarios.get("circular").default_steps)
    assert "partially initialized module" in data["error"]


@pytest.mark.parametrize(
    "body, named",
    [
        ({"scenario": "nope"}, "scenario: Select a valid choice. nope"),
        ({"scenario": "import-twice", "steps": ["import os"]}, "module 'os' is not available"),
        ({"scenario": "import-twice", "steps": ["import demo", "rm -rf /"]}, "step 2"),
        ({"scenario": "import-twice", "steps": [1, 2]}, "every step must be a string"),
        ({"scenario": "import-twice", "steps": {"a": 1}}, "steps:"),
        ({"scenario": "import-twice", "steps": ["import demo"] * 10_000}, "at most 40 steps"),
        ({"scenario": "import-twice", "steps": [""]}, "empty step"),
        ({"scenario": ["import-twice"]}, "scenario"),
    ],
)
def test_unknown_scenarios_and_steps_get_400_naming_them(api, body, named):
    response = post(api, body)
    assert response.status_code == 400
    assert named in response.json()["error"]


@pytest.mark.parametrize(
    "step",
    [
        "__import__('os').system('id')",
        "import os; os.remove('x')",
        "import " + "a" * 5000,
        "demo." + "b" * 41,
        "demo.__class__.__subclasses__()",
        "open('/etc/passwd')",
        "getattr(demo, '__dict__')",
    ],
)
def test_hostile_steps_are_refused_before_anything_runs(api, step, monkeypatch):
    monkeypatch.setattr(
        views, "run", lambda *args: pytest.fail("a hostile step reached the sandbox")
    )
    response = post(api, {"scenario": "import-twice", "steps": ["import demo", step]})
    assert response.status_code == 400
    assert response.json()["error"].startswith("steps: step 2")


def test_ten_thousand_steps_are_refused_with_400(api, monkeypatch):
    monkeypatch.setattr(views, "run", lambda *args: pytest.fail("reached the sandbox"))
    response = post(api, {"scenario": "import-twice", "steps": ["import demo"] * 10_000})
    assert response.status_code == 400
    assert "at most 40 steps, got 10000" in response.json()["error"]


@pytest.mark.parametrize(
    "body, named",
    [("not json", "not valid JSON"), ("[1, 2]", "JSON object"), ("x" * 300_000, "larger than")],
)
def test_a_bad_body_gets_400(api, body, named):
    response = post(api, body)
    assert response.status_code == 400
    assert named in response.json()["error"]


def test_errors_are_english_whatever_the_client_prefers(api):
    response = post(api, {"scenario": "nope"}, **{"Accept-Language": "zh-hans"})
    assert "Select a valid choice" in response.json()["error"]


def test_the_run_endpoint_only_accepts_post(api):
    assert api.get(RUN).status_code == 405


def test_a_busy_sandbox_answers_429_at_once(api):
    with ExitStack() as stack:
        for _ in range(LIMITS.max_concurrent_runs):
            stack.enter_context(run_slot())
        response = post(api, {"scenario": "import-vs-from"})
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert "busy" in response.json()["error"]


def test_a_run_over_the_time_limit_is_a_clear_422_and_is_not_cached(api, monkeypatch):
    monkeypatch.setattr(sandbox, "wall_time_for", lambda **kwargs: 0.0)
    response = post(api, {"scenario": "import-twice"})
    assert response.status_code == 422
    data = response.json()
    assert data["failure"].startswith("time limit exceeded") and data["error"] == data["failure"]
    monkeypatch.undo()
    assert post(api, {"scenario": "import-twice"}).status_code == 200


def test_the_run_endpoint_is_rate_limited(api, monkeypatch):
    # One fixed window for the whole test, so it cannot straddle a minute boundary.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 6_000_030.0))
    statuses = [post(api, {"scenario": "import-twice"}).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(["scenario", "steps", "other"]),
        st.one_of(
            st.sampled_from(scenarios.names()),
            st.text(max_size=40),
            st.lists(st.text(max_size=30), max_size=5),
            st.integers(),
            st.none(),
        ),
        max_size=3,
    )
)
def test_fuzzed_bodies_never_cause_a_server_error(api, body):
    from django.core.cache import cache

    cache.clear()
    assert post(api, body).status_code in (200, 400, 422, 429)


def test_scenarios_lists_every_scenario_with_its_allowed_steps(api):
    response = api.get(SCENARIOS)
    assert response.status_code == 200
    listed = response.json()["scenarios"]
    assert [s["name"] for s in listed] == scenarios.names()
    for entry in listed:
        scenario = scenarios.get(entry["name"])
        assert entry["title"] == scenario.title.en and entry["question"] == scenario.question.en
        assert entry["default_steps"] == list(scenario.default_steps)
        for step in entry["steps"]:
            validate_step(parse_step(step), scenario.rules)
    assert response.json()["limits"]["max_steps"] == LIMITS.max_steps


def test_scenarios_come_in_chinese_on_request_and_bad_languages_get_400(api):
    listed = api.get(SCENARIOS, {"language": "zh-hans"}).json()["scenarios"]
    assert listed[0]["question"] == scenarios.get(listed[0]["name"]).question.zh_hans
    response = api.get(SCENARIOS, {"language": "fr"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("language:")
