"""The lab page and its panels: both languages, htmx partials, 400s with messages, the article's
links, the prediction game, the Mersenne Twister and time-seed panels, and the no-JS battery."""

import random
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labs.rng import rounds
from labs.rng.forms import ROUND_SALT, RoundTicket

ROOT = Path(__file__).resolve().parents[3]
ARTICLES = sorted((ROOT / "content" / "random-numbers").glob("*.md"))
PAGE = "/{lang}/labs/rng/"
ANCHORS = ("histogram", "pairs", "randu", "bits", "battery", "predict", "mt-clone", "time-seed")
HTMX = {"HTTP_HX_REQUEST": "true"}


def html_of(response) -> str:
    return response.content.decode()


def round_token(html: str) -> str:
    return re.search(r'name="round" value="([^"]+)"', html).group(1)


def shown_outputs(html: str) -> list[int]:
    listed = re.search(r"data-round-outputs>(.*?)</ol>", html, re.S)
    if listed:
        return [int(v) for v in re.findall(r"<code>(\d+)</code>", listed.group(1))]
    area = re.search(r'id="round-outputs"[^>]*>([\d\s]+)</textarea>', html)
    return [int(v) for v in area.group(1).split()]


# --- The page --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_page_renders_in_both_languages_with_every_panel(client, lang):
    response = client.get(PAGE.format(lang=lang))
    assert response.status_code == 200
    html = html_of(response)
    assert f'<html lang="{lang}"' in html
    for anchor in ANCHORS:
        assert f'id="{anchor}"' in html
    assert html.count("<svg") >= 6
    assert f"/{lang}/articles/random-numbers/" in html
    assert f"/{lang}/quizzes/random-numbers/" in html
    assert "js/labs/rng.js" in html
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_the_page_has_no_inline_script_or_style(client):
    html = html_of(client.get("/en/labs/rng/?generator=randu&seed=1&n=30000"))
    assert "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_the_default_page_stays_under_400_kb(client):
    for query in ("", "?generator=csprng&n=200000", "?generator=mt19937&n=200000&bit=5"):
        assert len(client.get(PAGE.format(lang="en") + query).content) < 400_000


def test_htmx_gets_the_results_partial_and_responses_vary_on_it(client):
    response = client.get("/en/labs/rng/?generator=mt19937&n=2000", **HTMX)
    html = html_of(response)
    assert response.status_code == 200
    assert "<html" not in html and 'id="randu"' in html and 'name="generator"' in html
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_request_gets_the_whole_page(client):
    response = client.get(
        "/en/labs/rng/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in html_of(response)


@pytest.mark.parametrize(
    "query, name",
    [
        ("generator=nope", "generator"),
        ("seed=abc", "seed"),
        ("generator=mt19937&seed=-1", "seed"),
        (f"generator=pcg32&seed={2**64}", "seed"),
        ("generator=randu&seed=2", "seed"),
        ("generator=xorshift32&seed=0", "seed"),
        ("generator=minstd&seed=2147483647", "seed"),
        ("n=0", "n"),
        ("n=200001", "n"),
        ("n=1e5", "n"),
        ("bit=-1", "bit"),
        ("bit=32", "bit"),
        ("generator=randu&bit=31", "bit"),
    ],
)
def test_every_bad_page_parameter_is_a_400_naming_it(client, query, name):
    response = client.get(f"/en/labs/rng/?{query}")
    assert response.status_code == 400
    html = html_of(response)
    assert re.search(rf'class="notice error" role="alert">{name}: ', html)
    assert 'class="field has-error"' in html  # the message also sits next to the field
    assert "private" in response["Cache-Control"]


def test_a_bad_parameter_through_htmx_is_a_400_partial_with_the_form(client):
    response = client.get("/en/labs/rng/?n=0", **HTMX)
    assert response.status_code == 400
    assert "<html" not in html_of(response) and "n: " in html_of(response)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(["generator", "seed", "n", "bit", "page_n", "x"]),
        st.one_of(
            st.sampled_from(["lcg", "randu", "csprng", "mt19937", "", "-1", "0", "31", "1e9"]),
            st.integers(-(2**70), 2**70).map(str),
            st.text(max_size=30),
        ),
        max_size=4,
    )
)
def test_no_query_string_makes_the_page_fail(client, query):
    clean = {k: v.replace("\x00", "") for k, v in query.items()}
    if clean.get("n", "").lstrip("-").isdigit() and int(clean["n"]) > 20_000:
        clean["n"] = "20000"  # keeps the fuzzing fast; the bound itself is tested above
    response = client.get("/en/labs/rng/", clean)
    assert response.status_code in (200, 400)


def article_links() -> list[str]:
    links = set()
    for article in ARTICLES:
        links.update(re.findall(r"\]\((/(?:en|zh-hans)/labs/rng/[^)\s]*)\)", article.read_text()))
    return sorted(links)


def test_the_article_links_to_the_lab():
    assert len(article_links()) >= 10


@pytest.mark.parametrize("link", article_links())
def test_every_article_link_opens_its_panel_with_its_parameters(client, link):
    parts = urlsplit(link)
    response = client.get(parts.path + "?" + parts.query)
    assert response.status_code == 200, link
    html = html_of(response)
    assert f'id="{parts.fragment}"' in html
    query = parse_qs(parts.query)
    generator = query["generator"][0]
    assert f'<option value="{generator}" selected>' in html
    if "seed" in query:
        assert f'name="seed" value="{query["seed"][0]}"' in html
    if "n" in query:
        assert f'name="n" value="{query["n"][0]}"' in html


def test_the_bits_link_draws_stripes_for_bit_zero_of_the_lcg(client):
    html = html_of(client.get("/en/labs/rng/?generator=lcg&seed=0&n=4096&bit=0"))
    assert "Bit 0 of the first 4,096 outputs" in html
    assert "repeats every 2 outputs" in html


def test_the_randu_panel_counts_every_triple_on_a_plane(client):
    html = html_of(client.get("/en/labs/rng/?generator=randu&seed=1&n=30000"))
    assert "3000 of these 3000 triples satisfy" in html


def test_the_predict_link_presets_the_round_from_the_page(client):
    html = html_of(client.get("/en/labs/rng/?generator=pcg32&seed=42&n=8"))
    round_form = html[html.index('id="predict"') :].split("</form>")[0]
    assert '<option value="pcg32" selected>' in round_form
    assert re.search(r'name="n" value="8"[^>]*id="round-n"', round_form)


def test_the_time_seed_link_makes_the_token_from_its_seed(client):
    html = html_of(client.get("/en/labs/rng/?generator=mt19937&seed=1718002417"))
    assert 'value="8543a8c1ccfc77e07d1bfd4387dee83d"' in html


# --- The battery without JavaScript, and with htmx ----------------------------------------------


def test_the_battery_form_runs_the_generator_and_seed_of_the_page(client):
    html = html_of(client.get("/en/labs/rng/?generator=randu&seed=5"))
    runner = html[html.index('id="battery-runner"') :].split("</form>")[0]
    assert '<input type="hidden" name="generator" value="randu">' in runner
    assert '<input type="hidden" name="seed" value="5">' in runner


def test_without_javascript_the_battery_runs_and_renders_its_table(client):
    response = client.get("/en/labs/rng/battery/?generator=randu&seed=1&sequences=100&bits=10000")
    html = html_of(response)
    assert response.status_code == 200 and "<html" in html
    assert "data-battery-result" in html and "byte_chi_square" in html
    assert re.search(r"0/100</td>", html)  # RANDU's bytes: no sequence passes


def test_with_htmx_the_battery_answers_with_the_element_that_opens_the_stream(client):
    response = client.get(
        "/zh-hans/labs/rng/battery/?generator=mt19937&seed=7&sequences=50&bits=2000", **HTMX
    )
    html = html_of(response)
    assert response.status_code == 200 and "<html" not in html
    url = re.search(r'sse-connect="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert url.startswith("/sse/labs/rng/battery/?")
    assert parse_qs(urlsplit(url).query) == {
        "generator": ["mt19937"],
        "seed": ["7"],
        "sequences": ["50"],
        "bits": ["2000"],
        "lang": ["zh-hans"],
    }
    assert 'sse-close="result"' in html and "data-battery-cancel" in html


@pytest.mark.parametrize(
    "query, name",
    [
        ("sequences=9", "sequences"),
        ("sequences=1001", "sequences"),
        ("bits=99", "bits"),
        ("sequences=1000&bits=2001", "bits"),
        ("generator=randu&seed=4", "seed"),
    ],
)
def test_bad_battery_settings_are_a_400_naming_them(client, query, name):
    response = client.get(f"/en/labs/rng/battery/?{query}", **HTMX)
    assert response.status_code == 400
    assert f"{name}: " in html_of(response)
    assert "sse-connect" not in html_of(response)


# --- The prediction game -----------------------------------------------------------------------


def test_a_round_shows_outputs_but_never_the_hidden_parameters(client):
    response = client.get("/en/labs/rng/predict/?generator=lcg&n=3", **HTMX)
    html = html_of(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    ticket = RoundTicket.open(round_token(html))
    shown = shown_outputs(html)
    assert shown == list(rounds.round_outputs("lcg", 3, ticket.secret))
    hidden = rounds.hidden_parameters("lcg", ticket.secret)
    for value in hidden.values():
        if value != 2**32:
            assert str(value) not in html
    payload = signing.loads(round_token(html), salt=ROUND_SALT)
    assert set(payload) == {"g", "n", "id"}  # the token carries no seed


def test_two_rounds_hide_different_generators(client):
    first = shown_outputs(html_of(client.get("/en/labs/rng/predict/?generator=lcg&n=3", **HTMX)))
    second = shown_outputs(html_of(client.get("/en/labs/rng/predict/?generator=lcg&n=3", **HTMX)))
    assert first != second


def test_the_right_guess_wins_and_the_attack_predicts_the_next_ten_of_an_lcg(client):
    html = html_of(client.get("/en/labs/rng/predict/?generator=lcg&n=3", **HTMX))
    token = round_token(html)
    ticket = RoundTicket.open(token)
    answer = rounds.reveal_round("lcg", 3, ticket.secret, None).answer
    response = client.get("/en/labs/rng/predict/reveal/", {"round": token, "guess": answer}, **HTMX)
    html = html_of(response)
    assert response.status_code == 200
    assert "Right: the next output was" in html
    assert 'data-matched="10"' in html
    assert html.count("<li>") >= 4  # the attack's steps


def test_a_wrong_guess_is_told_the_answer(client):
    token = round_token(
        html_of(client.get("/en/labs/rng/predict/?generator=mt19937&n=624", **HTMX))
    )
    ticket = RoundTicket.open(token)
    answer = rounds.reveal_round("mt19937", 624, ticket.secret, None).answer
    html = html_of(
        client.get("/en/labs/rng/predict/reveal/", {"round": token, "guess": (answer + 1) % 2**32})
    )
    assert f"the next output was <strong>{answer}</strong>" in html
    assert 'data-matched="10"' in html  # 624 outputs clone the Mersenne Twister


def test_nothing_predicts_the_csprng_round(client):
    token = round_token(html_of(client.get("/en/labs/rng/predict/?generator=csprng&n=3", **HTMX)))
    html = html_of(client.get("/en/labs/rng/predict/reveal/", {"round": token}, **HTMX))
    assert 'data-matched="0"' in html
    assert "You did not guess" in html


def test_a_forged_round_is_a_400(client):
    ticket = RoundTicket.new("lcg", 3)
    forged = ticket.token()[:-2] + ("AA" if not ticket.token().endswith("AA") else "BB")
    response = client.get("/en/labs/rng/predict/reveal/", {"round": forged, "guess": 1}, **HTMX)
    assert response.status_code == 400
    assert "round: not a round this server started" in html_of(response)


def test_an_expired_round_is_a_400(client, monkeypatch):
    token = RoundTicket.new("lcg", 3).token()
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 3601)
    response = client.get("/en/labs/rng/predict/reveal/", {"round": token}, **HTMX)
    assert response.status_code == 400
    assert "round: this round has expired" in html_of(response)


def test_a_bad_guess_is_a_400_that_keeps_the_round_on_screen(client):
    token = RoundTicket.new("pcg32", 8).token()
    response = client.get("/en/labs/rng/predict/reveal/", {"round": token, "guess": "-5"}, **HTMX)
    assert response.status_code == 400
    html = html_of(response)
    assert "guess: " in html and "data-round-outputs" in html


@pytest.mark.parametrize(
    "query, name", [("n=2", "n"), ("n=21", "n"), ("n=625", "n"), ("generator=x", "generator")]
)
def test_bad_round_settings_are_a_400_naming_them(client, query, name):
    response = client.get(f"/en/labs/rng/predict/?{query}", **HTMX)
    assert response.status_code == 400
    assert f"{name}: " in html_of(response)


def test_without_javascript_a_round_renders_the_whole_page_with_the_page_parameters(client):
    response = client.get("/en/labs/rng/predict/?generator=lcg&n=3&page_generator=randu&page_n=300")
    html = html_of(response)
    assert "<html" in html and "data-guess-form" in html
    assert '<option value="randu" selected>' in html.split('id="predict"')[0]
    assert "Consecutive triples" in html


# --- Mersenne Twister clone --------------------------------------------------------------------


def test_fill_puts_624_outputs_of_random_random_in_the_box(client):
    html = html_of(client.get("/en/labs/rng/mt-clone/?seed=5489", **HTMX))
    box = re.search(r'<textarea name="outputs"[^>]*>([\d\s]+)</textarea>', html).group(1)
    source = random.Random(5489)
    assert [int(v) for v in box.split()] == [source.getrandbits(32) for _ in range(624)]


def test_posting_624_outputs_predicts_what_random_random_does_next(client):
    source = random.Random(2024)
    outputs = [source.getrandbits(32) for _ in range(700)]
    expected = [source.getrandbits(32) for _ in range(10)]
    csrf_client = Client(enforce_csrf_checks=True)  # stateless: no CSRF token needed
    response = csrf_client.post(
        "/en/labs/rng/mt-clone/", {"outputs": ", ".join(map(str, outputs)), "seed": 2024}, **HTMX
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "10 of 10 predictions match the real generator" in html
    for value in expected:
        assert str(value) in html


@pytest.mark.parametrize(
    "outputs, fragment",
    [
        ("1 2 3", "need at least 624 numbers, got 3"),
        (" ".join(["7"] * 623) + " x", "number 624 is not an integer"),
        (" ".join(["7"] * 623) + f" {2**32}", "number 624 (4294967296) is outside"),
        ("", "outputs: This field is required."),
    ],
)
def test_bad_mt_outputs_are_a_400_naming_them(client, outputs, fragment):
    response = client.post("/en/labs/rng/mt-clone/", {"outputs": outputs}, **HTMX)
    assert response.status_code == 400
    assert fragment in html_of(response)


def test_outputs_that_do_not_come_from_mt_fail_the_check(client):
    source = random.Random(1)
    outputs = [source.getrandbits(32) for _ in range(630)]
    outputs[-1] ^= 1
    html = html_of(
        client.post("/en/labs/rng/mt-clone/", {"outputs": " ".join(map(str, outputs))}, **HTMX)
    )
    assert "not consecutive 32-bit outputs of MT19937" in html


# --- Time-seeded token -------------------------------------------------------------------------


def test_the_article_token_is_cracked_in_2418_guesses(client):
    query = {"token": "8543a8c1ccfc77e07d1bfd4387dee83d", "start": 1718000000, "end": 1718003599}
    response = client.get("/en/labs/rng/time-seed/", query, **HTMX)
    html = html_of(response)
    assert response.status_code == 200
    assert "Found the seed 1718002417" in html and "2418 guesses" in html


@pytest.mark.parametrize(
    "query, name",
    [
        ({"token": "xyz", "start": 0, "end": 10}, "token"),
        ({"token": "0" * 32, "start": 10, "end": 9}, "end"),
        ({"token": "0" * 32, "start": 0, "end": 86400}, "end"),
        ({"token": "0" * 32, "start": -1, "end": 10}, "start"),
        ({"token": "0" * 32, "end": 10}, "start"),
    ],
)
def test_bad_time_seed_settings_are_a_400_naming_them(client, query, name):
    response = client.get("/en/labs/rng/time-seed/", query, **HTMX)
    assert response.status_code == 400
    assert f"{name}: " in html_of(response)


def test_randu_bit_zero_is_stuck_at_one(client):
    html = html_of(client.get("/en/labs/rng/?generator=randu&seed=1&bit=0"))
    assert "bit 0 never changes: it is 1 in every output" in html


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["battery/", "predict/", "predict/reveal/", "mt-clone/", "time-seed/"]),
    st.dictionaries(
        st.sampled_from(
            [
                "generator",
                "seed",
                "n",
                "sequences",
                "bits",
                "round",
                "guess",
                "token",
                "start",
                "end",
                "page_n",
                "page_generator",
            ]
        ),
        st.one_of(
            st.sampled_from(["lcg", "csprng", "624", "3", "10", "-1", "0" * 32, "1e3", ""]),
            st.integers(-(2**70), 2**70).map(str),
            st.text(max_size=40).map(lambda s: s.replace("\x00", "")),
        ),
        max_size=5,
    ),
)
def test_no_query_string_makes_a_panel_fail(client, endpoint, query):
    response = client.get(f"/en/labs/rng/{endpoint}", query, **HTMX)
    assert response.status_code in (200, 400)
