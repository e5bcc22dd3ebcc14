"""Template contexts of the RNG lab page, one builder per panel.

The page is one GET form (generator, seed, n, bit) and its pictures, plus four panels that
post their own small forms (battery, prediction game, Mersenne Twister clone, time-seeded
token). Each panel is a partial that an htmx request swaps on its own; without JavaScript the
same request renders the whole page with that panel's new state. Panel forms carry the page's
own parameters as hidden ``page_*`` fields so that whole page can be drawn again.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlencode

import numpy as np
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from labs.rng import attacks, charts, limits, rounds, stats
from labs.rng.forms import (
    BatteryForm,
    GuessForm,
    MtCloneForm,
    MtFillForm,
    RoundForm,
    RoundTicket,
    SampleForm,
    TimeSeedForm,
)
from labs.rng.generators import GENERATORS, MT19937

PAGE_FIELDS = ("generator", "seed", "n", "bit")
# The battery's SSE stream (a Channels consumer, so not a Django URL to reverse): routing.py
# mounts the consumer here.
BATTERY_SSE_URL = "/sse/labs/rng/battery/"
# The article's time-seed example: a token made at 1718002417, found in the hour before.
DEFAULT_TOKEN_SECOND = 1_718_002_417
DEFAULT_WINDOW_SECONDS = 3600
BIT_LINKS = 8

TEST_DESCRIPTIONS = {
    "monobit": gettext_noop("Are ones and zeros equally common?"),
    "block_frequency": gettext_noop("Is every block of bits about half ones?"),
    "runs": gettext_noop("Do runs of equal bits have the expected count?"),
    "byte_chi_square": gettext_noop("Are all 256 byte values equally common?"),
    "serial_correlation": gettext_noop("Is each output independent of the previous one?"),
    "lattice_2d": gettext_noop("Do pairs fill a grid of cells evenly?"),
    "lattice_3d": gettext_noop("Do triples fill a grid of cells evenly?"),
}


def language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hans"


def page_form(query: QueryDict) -> SampleForm:
    """The page's own parameters from a panel form's hidden ``page_*`` fields (defaults when
    they are missing or no longer valid: a panel request never fails because of them)."""
    given = {name: query.get(f"page_{name}") for name in PAGE_FIELDS if f"page_{name}" in query}
    form = SampleForm.from_query(given)
    return form if form.is_valid() else SampleForm.from_query({})


def page_fields(form: SampleForm) -> dict[str, object]:
    """The values the hidden ``page_*`` fields carry."""
    if not form.is_bound or not form.is_valid():
        return {}
    return {name: form.cleaned_data.get(name) for name in PAGE_FIELDS}


def describe_test(name: str) -> str:
    base = name.split("_", 2)[2] if name.startswith("bit_") else name
    text = TEST_DESCRIPTIONS.get(base, "")
    if name.startswith("bit_"):
        return _("%(question)s (one bit of each output)") % {"question": _(text)}
    return _(text)


def test_rows(results: tuple[stats.TestResult, ...]) -> list[dict]:
    return [
        {"name": r.name, "p_value": r.p_value, "passed": r.passed, "about": describe_test(r.name)}
        for r in results
    ]


# --------------------------------------------------------------------------------------------
# The pictures and the single tests


def sample_context(form: SampleForm) -> dict:
    data = form.cleaned_data
    generator = form.make_generator()
    width, bit = generator.output_bits, data["bit"]
    values = generator.take(data["n"])
    lang = language()
    hits, triples = charts.randu_relation_share(values, width)
    query = {k: v for k, v in page_fields(form).items() if v is not None}
    bit_links = [
        (k, reverse("labs:rng:index") + "?" + urlencode({**query, "bit": k}) + "#bits")
        for k in range(min(BIT_LINKS, width))
    ]
    return {
        "name": data["generator"],
        "info": GENERATORS[data["generator"]],
        "seed": form.effective_seed,
        "n": data["n"],
        "bit": bit,
        "width": width,
        "histogram_svg": mark_safe(charts.histogram_svg(values, width, lang)),  # noqa: S308 - escaped by labs.svg
        "pairs_svg": mark_safe(charts.pairs_svg(values, width, lang)),  # noqa: S308
        "low_pairs_svg": mark_safe(charts.low_bits_pairs_svg(values, lang)),  # noqa: S308
        "oblique_svg": mark_safe(charts.triples_oblique_svg(values, width, lang)),  # noqa: S308
        "planes_svg": mark_safe(charts.triples_planes_svg(values, width, lang)),  # noqa: S308
        "bits_svg": mark_safe(charts.bits_svg(values, bit, lang)),  # noqa: S308
        "relation_hits": hits,
        "relation_total": triples,
        "bit_period": charts.bit_period(values, bit),
        "bit_value": int(values[0]) >> bit & 1 if values.size else None,
        "bit_links": bit_links,
        "tests": sample_tests(values, width, bit),
        "low_bits": charts.LOW_BITS,
    }


def sample_tests(values: np.ndarray, width: int, bit: int) -> dict:
    if values.size < limits.MIN_TEST_OUTPUTS:
        return {"too_few": limits.MIN_TEST_OUTPUTS}
    result = stats.run_sample_tests(values, width, bit=bit)
    return {"rows": test_rows(result.results), "skipped": result.skipped}


# --------------------------------------------------------------------------------------------
# The battery


def battery_stream_url(form: BatteryForm) -> str:
    data = form.cleaned_data
    query: dict[str, object] = {"generator": data["generator"]}
    if data.get("seed") is not None:
        query["seed"] = data["seed"]
    query.update(sequences=data["sequences"], bits=data["bits"], lang=language())
    return f"{BATTERY_SSE_URL}?{urlencode(query)}"


def battery_form_for(page: SampleForm) -> BatteryForm:
    query = {"generator": page.cleaned_data["generator"]} if page.is_valid() else {}
    if page.is_valid() and page.cleaned_data.get("seed") is not None:
        query["seed"] = page.cleaned_data["seed"]
    form = BatteryForm.from_query(query)
    form.is_valid()
    return form


def battery_result_context(result: stats.BatteryResult) -> dict:
    rows = []
    for verdict in result.verdicts:
        p_values = np.asarray(verdict.p_values)
        rows.append(
            {
                "verdict": verdict,
                "about": describe_test(verdict.name),
                "histogram": np.histogram(p_values, bins=10, range=(0.0, 1.0))[0].tolist(),
                "lowest": float(p_values.min()),
            }
        )
    return {
        "result": result,
        "rows": rows,
        "info": GENERATORS.get(result.generator),
        "failed": sum(not v.passed for v in result.verdicts),
    }


# --------------------------------------------------------------------------------------------
# The prediction game


def round_start_for(generator: str, shown: int) -> RoundForm:
    form = RoundForm.from_query({"generator": generator, "n": shown})
    form.is_valid()
    return form


def round_start_form(page: SampleForm) -> RoundForm:
    """The start form, preset from the page: its generator, and its n when n suits a round."""
    if not page.is_valid():
        return round_start_for("lcg", rounds.DEFAULT_SHOWN)
    shown = rounds.DEFAULT_SHOWN
    with contextlib.suppress(ValueError):  # an n unfit for a round keeps the default
        shown = rounds.check_shown(page.cleaned_data["n"])
    return round_start_for(page.cleaned_data["generator"], shown)


def round_context(ticket: RoundTicket) -> dict:
    outputs = rounds.round_outputs(ticket.generator, ticket.shown, ticket.secret)
    return {
        "ticket": ticket,
        "token": ticket.token(),
        "outputs": outputs,
        "info": GENERATORS[ticket.generator],
        "attack": rounds.round_attack(ticket.shown),
        "long": ticket.shown > limits.GAME_MAX_SHOWN,
        "guess_form": GuessForm(),
    }


def reveal_context(form: GuessForm) -> dict:
    ticket: RoundTicket = form.cleaned_data["round"]
    reveal = rounds.reveal_round(
        ticket.generator,
        ticket.shown,
        ticket.secret,
        form.cleaned_data.get("guess"),
        language=language(),
    )
    other = "lcg" if ticket.generator == "csprng" else "csprng"
    return {
        **round_context(ticket),
        "reveal": reveal,
        "other_generator": other,
        "other_info": GENERATORS[other],
        "other_shown": rounds.DEFAULT_SHOWN
        if other == "lcg" and ticket.shown == 624
        else ticket.shown,
    }


# --------------------------------------------------------------------------------------------
# Mersenne Twister clone and time-seeded tokens


def mt_fill(seed: int) -> str:
    """624 outputs of random.Random(seed).getrandbits(32), one line of eight per row."""
    values = [int(v) for v in MT19937(seed).take(limits.GAME_MT_SHOWN)]
    return "\n".join(" ".join(str(v) for v in values[i : i + 8]) for i in range(0, len(values), 8))


def mt_default_seed(page: SampleForm) -> int:
    if page.is_valid() and page.cleaned_data["generator"] == "mt19937":
        seed = page.cleaned_data.get("seed")
        if seed is not None:
            return seed
    return MtFillForm.base_fields["seed"].initial


def mt_result_context(form: MtCloneForm) -> dict:
    outputs = form.cleaned_data["outputs"]
    result = attacks.clone_mt19937(outputs, predict=limits.GAME_PREDICTIONS, language=language())
    context = {"result": result, "given": len(outputs)}
    seed = form.cleaned_data.get("seed")
    if seed is not None and result.success:
        source = MT19937(seed)
        source.take(len(outputs))
        actual = [int(v) for v in source.take(limits.GAME_PREDICTIONS)]
        context["seed"] = seed
        context["rows"] = [
            (len(outputs) + i + 1, p, a)
            for i, (p, a) in enumerate(zip(result.predicted, actual, strict=True))
        ]
        context["matched"] = sum(p == a for _, p, a in context["rows"])
    return context


def default_time_seed_form(page: SampleForm) -> TimeSeedForm:
    """The demo token for the page's seed as the second t (the article's t when none is given),
    and the UTC clock hour that holds it as the window."""
    second = DEFAULT_TOKEN_SECOND
    if page.is_valid():
        seed = page.cleaned_data.get("seed")
        if seed is not None and seed <= limits.TIME_SEED_MAX:
            second = seed
    start = second - second % DEFAULT_WINDOW_SECONDS
    form = TimeSeedForm.from_query(
        {
            "token": attacks.make_time_seeded_token(second),
            "start": start,
            "end": min(start + DEFAULT_WINDOW_SECONDS - 1, limits.TIME_SEED_MAX),
        }
    )
    form.is_valid()
    return form


def time_seed_result(form: TimeSeedForm) -> attacks.AttackResult:
    data = form.cleaned_data
    return attacks.crack_time_seeded_token(
        data["token"], data["start"], data["end"], predict=3, language=language()
    )


# --------------------------------------------------------------------------------------------
# The whole page


def page_context(page: SampleForm, **panels: dict) -> dict:
    """Everything the page shows; ``panels`` replace a panel's default state
    (``battery``, ``round``, ``mt``, ``time_seed``)."""
    valid = page.is_valid()
    context = {
        "nav": "labs",
        "form": page,
        "error": page.error_message(),
        "page_fields": page_fields(page),
        "sample": sample_context(page) if valid else None,
        "battery": {"form": battery_form_for(page)},
        "round": {"start": round_start_form(page)},
        "mt": {
            "fill": MtFillForm.from_query({"seed": mt_default_seed(page)}),
            "clone": MtCloneForm(),
        },
        "time_seed": {"form": default_time_seed_form(page)},
    }
    for name, panel in panels.items():
        context[name] = {**context[name], **panel}
    return context
