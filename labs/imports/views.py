"""The import lab's page, its step-editor partial and its JSON API: thin shells over the sandbox.

The page runs on GET (``?scenario=...&steps=...``): links are shareable, no CSRF token is
needed, and a run is cached for a few minutes keyed by scenario and steps, so following the
same link again does not start new interpreters (the object ids it shows are those of the
cached run).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from articles.markdown import render as render_markdown
from articles.markdown import render_inline
from labs.api import json_error, lab_api, read_json
from labs.imports import scenarios
from labs.imports.editing import step_palette
from labs.imports.forms import EditForm, RunForm, ScenariosForm
from labs.imports.limits import LIMITS
from labs.imports.presenters import build_timeline, run_json
from labs.imports.sandbox import Busy, RunResult, run
from labs.imports.steps import describe_rules

RUN_CACHE_SECONDS = 600
PAGE_MAX_AGE = 300


def cached_run(scenario: str, lines: list[str]) -> RunResult:
    """Run the steps, or reuse the result of the same run from the last few minutes.

    Runs that broke off (time limit, crash) are not kept: they may be load, not the steps.
    """
    digest = hashlib.sha256(json.dumps([scenario, lines]).encode()).hexdigest()
    key = f"labs:imports:run:{digest}"
    result = cache.get(key)
    if result is None:
        result = run(scenario, lines)
        if result.failure is None:
            cache.set(key, result, RUN_CACHE_SECONDS)
    return result


def busy_message() -> str:
    return _(
        "The lab is busy: %(count)s runs are already in progress. Please try again in a moment."
    ) % {"count": LIMITS.max_concurrent_runs}


@require_safe
def index(request):
    editing = "edit" in request.GET
    form = (EditForm if editing else RunForm).from_query(request.GET)
    valid = form.is_valid()
    context = page_context(form, form.cleaned_data.get("edited") if editing else None)
    status = 200 if valid else 400
    if valid and editing:
        context["edited"] = True
        context["problem"] = form.problem()
    elif valid:
        try:
            result = cached_run(context["scenario"].name, context["lines"])
        except Busy:
            status, context["busy"] = 429, busy_message()
        else:
            context.update(result=result, timeline=build_timeline(result))
    # A history restore (the back button) asks for the whole page, with HX-Request set too.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "labs/imports/partials/results.html" if partial else "labs/imports/index.html"
    response = render(request, template, context, status=status)
    return finish(request, response)


@require_safe
def steps(request):
    """The step editor after one click (up, down, remove, add): the htmx partial."""
    form = EditForm.from_query(request.GET)
    valid = form.is_valid()
    context = page_context(form, form.cleaned_data.get("edited"))
    if valid:
        context["problem"] = form.problem()
        context["palette_open"] = form.cleaned_data["edit"].startswith("add:")
    response = render(
        request, "labs/imports/partials/steps.html", context, status=200 if valid else 400
    )
    return finish(request, response)


def page_context(form, edited: list[str] | None) -> dict:
    scenario = form.scenario_object()
    lines = edited if edited is not None else form.lines()
    language = translation.get_language() or scenarios.LANGUAGES[0]
    return {
        "nav": "labs",
        "form": form,
        "error": form.error_message(),
        "scenario": scenario,
        "text": scenario_text(scenario.name, language),
        "scenario_links": scenario_links(scenario.name, language),
        "lines": lines,
        "program": "\n".join(lines),
        "palette": step_palette(scenario),
        "rules": describe_rules(scenario.rules),
        "guess": form.cleaned_data.get("guess", ""),
        "max_steps": LIMITS.max_steps,
    }


def finish(request, response):
    """Cache headers: public for anonymous successful pages, private otherwise."""
    if response.status_code == 429:
        response["Retry-After"] = "1"
        patch_cache_control(response, no_store=True)
    elif request.user.is_authenticated or response.status_code != 200:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request", "Cookie"])
    return response


@lru_cache(maxsize=64)
def scenario_text(name: str, language: str) -> dict:
    """A scenario's title, question and answer as HTML, and its files highlighted."""
    scenario = scenarios.get(name)
    files = []
    for file in scenario.files:
        for number, source in enumerate(file.versions, start=1):
            code = render_markdown(f"```python\n{source}```").html
            files.append(
                {
                    "path": file.path,
                    "version": number if len(file.versions) > 1 else None,
                    "html": mark_safe(code),  # noqa: S308 - sanitised by the articles pipeline
                }
            )
    return {
        "title": mark_safe(render_inline(scenario.title.get(language))),  # noqa: S308
        "question": mark_safe(render_inline(scenario.question.get(language))),  # noqa: S308
        "answer": mark_safe(render_inline(scenario.answer.get(language))),  # noqa: S308
        "files": files,
    }


def scenario_links(current: str, language: str) -> list[dict]:
    base = reverse("labs:imports:index")
    return [
        {
            "name": name,
            "url": f"{base}?scenario={name}",
            "title": scenario_text(name, language)["title"],
            "current": name == current,
        }
        for name in scenarios.names()
    ]


# -- JSON API (stateless, CSRF-exempt, rate limited; messages in English) ----------------------


@require_POST
@lab_api("imports-run", "30/m")
def api_run(request):
    with translation.override("en"):
        form = RunForm.from_query(read_json(request))
        if not form.is_valid():
            return json_error(form.error_message())
        try:
            result = cached_run(form.cleaned_data["scenario"], form.lines())
        except Busy:
            response = json_error(busy_message(), status=429)
            response["Retry-After"] = "1"
            return response
    return JsonResponse(run_json(result), status=422 if result.failure else 200)


@require_safe
@lab_api("imports-scenarios")
def api_scenarios(request):
    with translation.override("en"):
        form = ScenariosForm.from_query(request.GET)
        if not form.is_valid():
            return json_error(form.error_message())
    language = form.cleaned_data["language"]
    return JsonResponse(
        {
            "scenarios": [
                {
                    "name": scenario.name,
                    "title": scenario.title.get(language),
                    "question": scenario.question.get(language),
                    "steps": step_palette(scenario),
                    "default_steps": list(scenario.default_steps),
                    "rules": describe_rules(scenario.rules),
                    "files": [file.path for file in scenario.files],
                }
                for scenario in scenarios.SCENARIOS.values()
            ],
            "limits": {
                "max_steps": LIMITS.max_steps,
                "max_step_length": LIMITS.max_step_length,
                "max_concurrent_runs": LIMITS.max_concurrent_runs,
            },
        }
    )
