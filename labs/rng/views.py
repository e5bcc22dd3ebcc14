"""The RNG lab's page, its panels and its JSON API: thin shells over the engine.

The page and most panels run on GET, so links are shareable and the bytes are the same for
every anonymous reader. Pasting 624 Mersenne Twister outputs is too long for a URL, so that
one panel posts; it is CSRF-exempt because it is stateless like the JSON API: it reads no
cookie or session and changes nothing on the server, so a forged request gains nothing.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from labs.api import json_error, lab_api, read_json
from labs.rng import attacks, limits, panels, stats
from labs.rng.forms import (
    BatteryForm,
    GuessForm,
    MtCloneForm,
    MtFillForm,
    PredictForm,
    RoundForm,
    RoundTicket,
    SampleForm,
    TimeSeedForm,
)

PAGE_MAX_AGE = 300
PAGE = "labs/rng/index.html"
PUBLIC, PRIVATE, NO_STORE = "public", "private", "no-store"


def finish(request, response, caching: str = PUBLIC):
    """Public for anonymous successful GETs, private otherwise; rounds are never stored."""
    if caching == NO_STORE:
        patch_cache_control(response, no_store=True)
    elif caching == PRIVATE or request.user.is_authenticated or response.status_code != 200:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request", "Cookie"])
    return response


def wants_partial(request) -> bool:
    # htmx restores history with a full page: the partial would replace the whole body.
    return bool(request.htmx) and not request.htmx.history_restore_request


def panel_response(request, partial: str, status: int, caching: str, **panel: dict):
    """The panel's partial for htmx; otherwise the whole page with the panel in its new state."""
    page = panels.page_form(request.POST if request.method == "POST" else request.GET)
    if wants_partial(request):
        context = {"page_fields": panels.page_fields(page), **panel}
        response = render(request, partial, context, status=status)
    else:
        response = render(request, PAGE, panels.page_context(page, **panel), status=status)
    return finish(request, response, caching)


@require_safe
def index(request):
    form = SampleForm.from_query(request.GET)
    status = 200 if form.is_valid() else 400
    template = "labs/rng/partials/results.html" if wants_partial(request) else PAGE
    return finish(request, render(request, template, panels.page_context(form), status=status))


@require_safe
def battery(request):
    """With htmx: the element that opens the SSE stream. Without JavaScript: the whole battery
    at once (it is bounded by limits.MAX_BATTERY_BITS, well under a second)."""
    form = BatteryForm.from_query(request.GET)
    panel: dict = {"form": form}
    if form.is_valid() and wants_partial(request):
        panel["stream_url"] = panels.battery_stream_url(form)
    elif form.is_valid():
        data = form.cleaned_data
        result = stats.run_battery(
            form.make_generator(), sequences=data["sequences"], bits_per_sequence=data["bits"]
        )
        panel["result"] = panels.battery_result_context(result)
    status = 200 if form.is_valid() else 400
    return panel_response(
        request, "labs/rng/partials/battery_runner.html", status, PUBLIC, battery=panel
    )


@require_safe
def round_start(request):
    form = RoundForm.from_query(request.GET)
    panel: dict = {"start": form}
    if form.is_valid():
        ticket = RoundTicket.new(form.cleaned_data["generator"], form.cleaned_data["n"])
        panel["play"] = panels.round_context(ticket)
    status = 200 if form.is_valid() else 400
    return panel_response(request, "labs/rng/partials/predict.html", status, NO_STORE, round=panel)


@require_safe
def round_reveal(request):
    form = GuessForm.from_query(request.GET)
    ticket = None if "round" in form.errors else form.cleaned_data.get("round")
    panel: dict = {"guess_form": form, "start": RoundForm.from_query({})}
    if ticket is not None:
        panel["start"] = panels.round_start_for(ticket.generator, ticket.shown)
        # A bad guess keeps the round on screen, with the message next to the guess.
        panel["play"] = (
            panels.reveal_context(form) if form.is_valid() else panels.round_context(ticket)
        )
    status = 200 if form.is_valid() else 400
    return panel_response(request, "labs/rng/partials/predict.html", status, NO_STORE, round=panel)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def mt_clone(request):
    """GET fills the text area with 624 outputs of random.Random(seed); POST clones MT."""
    if request.method == "GET":
        fill = MtFillForm.from_query(request.GET)
        panel: dict = {"fill": fill}
        if fill.is_valid():
            seed = fill.cleaned_data["seed"]
            panel["clone"] = MtCloneForm.from_query({"outputs": panels.mt_fill(seed), "seed": seed})
        status = 200 if fill.is_valid() else 400
        return panel_response(request, "labs/rng/partials/mt_clone.html", status, PUBLIC, mt=panel)
    clone = MtCloneForm.from_query(request.POST)
    seed = clone.cleaned_data.get("seed") if clone.is_valid() else None
    panel = {"clone": clone, "fill": MtFillForm.from_query({} if seed is None else {"seed": seed})}
    if clone.is_valid():
        panel["result"] = panels.mt_result_context(clone)
    status = 200 if clone.is_valid() else 400
    return panel_response(request, "labs/rng/partials/mt_clone.html", status, NO_STORE, mt=panel)


@require_safe
def time_seed(request):
    form = TimeSeedForm.from_query(request.GET)
    panel: dict = {"form": form}
    if form.is_valid():
        panel["result"] = panels.time_seed_result(form)
    status = 200 if form.is_valid() else 400
    return panel_response(
        request, "labs/rng/partials/time_seed.html", status, PUBLIC, time_seed=panel
    )


# --------------------------------------------------------------------------------------------
# JSON API: stateless, CSRF-exempt and rate limited by lab_api; engine ValueErrors become 400.
# Its messages are English whatever the Accept-Language: an API answers the same to everyone.


@require_safe
@lab_api("rng-sample", "60/m")
def api_sample(request):
    form = SampleForm.from_query(request.GET)
    if not form.is_valid():
        return json_error(form.error_message())
    values = form.make_generator().take(form.cleaned_data["n"])
    return JsonResponse({"values": values.tolist()})


@require_safe
@lab_api("rng-tests", "60/m")
def api_tests(request):
    form = SampleForm.from_query(request.GET)
    if not form.is_valid():
        return json_error(form.error_message())
    generator = form.make_generator()
    values = generator.take(form.cleaned_data["n"])
    result = stats.run_sample_tests(values, generator.output_bits, bit=form.cleaned_data["bit"])
    tests = [{"name": r.name, "p_value": r.p_value, "passed": r.passed} for r in result.results]
    skipped = [{"name": name, "reason": reason} for name, reason in result.skipped]
    return JsonResponse({"tests": tests, "skipped": skipped})


@require_POST
@lab_api("rng-predict", "60/m")
def api_predict(request):
    form = PredictForm.from_query(read_json(request))
    if not form.is_valid():
        return json_error(form.error_message())
    outputs, modulus = form.cleaned_data["outputs"], form.cleaned_data.get("modulus")
    count = limits.GAME_PREDICTIONS
    if form.cleaned_data["generator"] == "mt19937":
        result = attacks.clone_mt19937(outputs, predict=count)
    elif modulus is not None:
        result = attacks.recover_lcg_known_modulus(outputs, modulus, predict=count)
    else:
        result = attacks.recover_lcg_unknown_modulus(outputs, predict=count)
    if not result.success:
        return json_error(result.message)
    steps = [step.text for step in result.steps]
    return JsonResponse(
        {"recovered": dict(result.secret), "next": list(result.predicted), "steps": steps}
    )


@require_POST
@lab_api("rng-crack-seed", "20/m")
def api_crack_seed(request):
    form = TimeSeedForm.from_query(read_json(request))
    if not form.is_valid():
        return json_error(form.error_message())
    data = form.cleaned_data
    result = attacks.crack_time_seeded_token(data["token"], data["start"], data["end"])
    return JsonResponse(
        {
            "seed": result.secret.get("seed"),
            "tried": result.secret.get("tried"),
            "message": result.message,
            "next_tokens": [f"{token:032x}" for token in result.predicted],
        }
    )
