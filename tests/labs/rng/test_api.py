"""The JSON API: its contract, every 400, statelessness and the rate limit."""

import json
import math
import random

import pytest
from django.test import Client

from labs.rng.attacks import make_time_seeded_token

SAMPLE = "/api/labs/rng/sample/"
TESTS = "/api/labs/rng/tests/"
PREDICT = "/api/labs/rng/predict/"
CRACK = "/api/labs/rng/crack-seed/"


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def lcg(seed, a, c, m, count):
    x, out = seed, []
    for _ in range(count):
        x = (a * x + c) % m
        out.append(x)
    return out


# --- /sample/ --------------------------------------------------------------------------------


def test_sample_gives_the_numerical_recipes_lcg_from_seed_zero(client):
    response = client.get(SAMPLE, {"generator": "lcg", "seed": 0, "n": 3})
    assert response.status_code == 200
    assert response.json() == {"values": [1013904223, 1196435762, 3519870697]}


def test_sample_mt19937_is_python_random_getrandbits(client):
    values = client.get(SAMPLE, {"generator": "mt19937", "seed": 5489, "n": 1000}).json()["values"]
    source = random.Random(5489)
    assert values == [source.getrandbits(32) for _ in range(1000)]


def test_sample_pcg32_starts_like_the_reference(client):
    values = client.get(SAMPLE, {"generator": "pcg32", "seed": 42, "n": 3}).json()["values"]
    assert values == [0xA15C02B7, 0x7B47F409, 0xBA1D3330]


def test_sample_accepts_a_hundred_thousand_outputs(client):
    values = client.get(SAMPLE, {"generator": "xorshift128p", "n": 100_000}).json()["values"]
    assert len(values) == 100_000 and all(0 <= v < 2**32 for v in values[:1000])


def test_sample_without_a_seed_uses_the_default_and_the_csprng_ignores_it(client):
    assert client.get(SAMPLE, {"generator": "randu", "n": 1}).json() == {"values": [65539]}
    first = client.get(SAMPLE, {"generator": "csprng", "seed": 1, "n": 8}).json()["values"]
    second = client.get(SAMPLE, {"generator": "csprng", "seed": 1, "n": 8}).json()["values"]
    assert first != second


@pytest.mark.parametrize(
    "query, name",
    [
        ({"generator": "rand"}, "generator"),
        ({"seed": "x"}, "seed"),
        ({"seed": "1.5"}, "seed"),
        ({"generator": "randu", "seed": 8}, "seed"),
        ({"generator": "minstd", "seed": 0}, "seed"),
        ({"generator": "xorshift32", "seed": 2**32}, "seed"),
        ({"generator": "mt19937", "seed": 2**64}, "seed"),
        ({"n": 0}, "n"),
        ({"n": 200_001}, "n"),
        ({"n": ""}, "n"),
        ({"bit": 32}, "bit"),
        ({"generator": "minstd", "bit": 31}, "bit"),
    ],
)
@pytest.mark.parametrize("url", [SAMPLE, TESTS])
def test_every_bad_parameter_is_a_400_that_names_it(client, url, query, name):
    response = client.get(url, query)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{name}: ")


def test_errors_state_the_bound_in_english_whatever_the_language(client):
    response = client.get(SAMPLE, {"n": 10**6}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["error"] == (
        "n: Ensure this value is less than or equal to 200000. (allowed: 1–200000)"
    )


# --- /tests/ ---------------------------------------------------------------------------------


def test_tests_give_a_p_value_and_a_verdict_per_test(client):
    response = client.get(TESTS, {"generator": "mt19937", "seed": 1, "n": 100_000, "bit": 3})
    assert response.status_code == 200
    tests = response.json()["tests"]
    names = [t["name"] for t in tests]
    assert names == [
        "monobit",
        "block_frequency",
        "runs",
        "byte_chi_square",
        "serial_correlation",
        "lattice_2d",
        "lattice_3d",
        "bit_3_monobit",
        "bit_3_runs",
    ]
    for test in tests:
        assert 0 <= test["p_value"] <= 1 and test["passed"] == (test["p_value"] >= 0.01)


def test_tests_catch_randu_in_3d_and_the_lcg_in_its_low_bit(client):
    randu = {
        t["name"]: t for t in client.get(TESTS, {"generator": "randu", "n": 30_000}).json()["tests"]
    }
    assert not randu["lattice_3d"]["passed"]
    low_bit = {
        t["name"]: t for t in client.get(TESTS, {"generator": "lcg", "bit": 0}).json()["tests"]
    }
    assert low_bit["bit_0_runs"]["p_value"] == 0


def test_tests_on_a_small_sample_list_what_they_skipped(client):
    body = client.get(TESTS, {"generator": "pcg32", "n": 150}).json()
    skipped = {s["name"] for s in body["skipped"]}
    assert {"byte_chi_square", "lattice_3d"} <= skipped
    assert all(math.isfinite(t["p_value"]) for t in body["tests"])


def test_tests_need_a_hundred_outputs(client):
    response = client.get(TESTS, {"n": 99})
    assert response.status_code == 400
    assert "need between 100" in response.json()["error"]


# --- /predict/ -------------------------------------------------------------------------------


def test_three_outputs_and_the_modulus_give_a_c_and_the_next_ten(client):
    outputs = lcg(20240617, 1664525, 1013904223, 2**32, 13)
    response = post(client, PREDICT, {"generator": "lcg", "outputs": outputs[:3], "modulus": 2**32})
    assert response.status_code == 200
    body = response.json()
    assert body["recovered"]["a"] == 1664525 and body["recovered"]["c"] == 1013904223
    assert body["next"] == outputs[3:]
    assert body["next"][:5] == [3234033197, 2795927976, 3905163495, 3551451418, 3663353265]
    assert body["steps"]


def test_ten_outputs_give_the_unknown_modulus_too(client):
    outputs = lcg(123456789, 3141592621, 2718281829, 4294967291, 14)
    body = post(client, PREDICT, {"generator": "lcg", "outputs": outputs[:10]}).json()
    assert body["recovered"]["m"] == 4294967291
    assert body["next"][:4] == [2474223676, 3656019838, 2531390342, 333079599]


def test_624_mt_outputs_clone_python_random(client):
    source = random.Random(99)
    outputs = [source.getrandbits(32) for _ in range(624)]
    body = post(client, PREDICT, {"generator": "mt19937", "outputs": outputs}).json()
    assert body["next"] == [source.getrandbits(32) for _ in range(10)]
    assert len(body["recovered"]["state"]) == 624


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"generator": "lcg", "outputs": [1, 2], "modulus": 2**32}, "outputs: lcg needs 3–1000"),
        ({"generator": "lcg", "outputs": [1, 2, 3, 4, 5]}, "outputs: lcg needs 6–1000"),
        ({"generator": "mt19937", "outputs": list(range(623))}, "outputs: mt19937 needs 624–10000"),
        ({"generator": "pcg32", "outputs": [1, 2, 3]}, "generator: "),
        ({"outputs": [1, 2, 3]}, "generator: This field is required."),
        ({"generator": "lcg"}, "outputs: This field is required."),
        ({"generator": "lcg", "outputs": "1 2 3 4 5 6 7"}, "outputs: must be a list of integers"),
        ({"generator": "lcg", "outputs": {"a": 1}}, "outputs: must be a list of integers"),
        (
            {"generator": "lcg", "outputs": [1, 2, True, 4, 5, 6]},
            "outputs: number 3 is not an integer",
        ),
        (
            {"generator": "lcg", "outputs": [1, 2, 3.5, 4, 5, 6]},
            "outputs: number 3 is not an integer",
        ),
        ({"generator": "lcg", "outputs": [1, 2, -3, 4, 5, 6]}, "outputs: number 3 (-3) is outside"),
        ({"generator": "lcg", "outputs": [1, 2, 3], "modulus": 1}, "modulus: "),
        ({"generator": "lcg", "outputs": [1, 2, 3], "modulus": 2**32 + 1}, "modulus: "),
        (
            {"generator": "lcg", "outputs": [1, 2, 9], "modulus": 8},
            "output 2 must be between 0 and 7",
        ),
        ({"generator": "lcg", "outputs": list(range(1001))}, "outputs: lcg needs 6–1000"),
    ],
)
def test_bad_predict_bodies_are_a_400_with_the_reason(client, body, fragment):
    response = post(client, PREDICT, body)
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_inconsistent_lcg_outputs_are_a_400_with_the_reason(client):
    outputs = lcg(5, 1664525, 1013904223, 2**32, 5)
    outputs[3] ^= 1
    response = post(client, PREDICT, {"generator": "lcg", "outputs": outputs, "modulus": 2**32})
    assert response.status_code == 400
    assert response.json()["error"] == (
        "These outputs are not consecutive outputs of an LCG modulo 4294967296."
    )


def test_mt_outputs_that_the_clone_does_not_reproduce_are_a_400(client):
    source = random.Random(3)
    outputs = [source.getrandbits(32) for _ in range(700)]
    outputs[650] ^= 1
    response = post(client, PREDICT, {"generator": "mt19937", "outputs": outputs})
    assert response.status_code == 400
    assert "not consecutive 32-bit outputs of MT19937" in response.json()["error"]


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2, 3]", "must be a JSON object"),
        (b"", "must be a JSON object"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(client, raw, fragment):
    response = client.post(PREDICT, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_predict_is_post_only(client):
    assert client.get(PREDICT).status_code == 405


# --- /crack-seed/ ----------------------------------------------------------------------------


def test_the_time_seeded_token_gives_away_its_second(client):
    body = {"token": "8543a8c1ccfc77e07d1bfd4387dee83d", "start": 1718000000, "end": 1718003599}
    response = post(client, CRACK, body)
    assert response.status_code == 200
    result = response.json()
    assert result["seed"] == 1718002417 and result["tried"] == 2418
    source = random.Random(1718002417)
    source.getrandbits(128)
    assert result["next_tokens"][0] == f"{source.getrandbits(128):032x}"


def test_a_token_from_outside_the_window_is_not_found(client):
    body = {"token": make_time_seeded_token(5000), "start": 0, "end": 4999}
    result = post(client, CRACK, body).json()
    assert result["seed"] is None and result["tried"] == 5000 and result["next_tokens"] == []


@pytest.mark.parametrize(
    "body, name",
    [
        ({"token": "abc", "start": 0, "end": 1}, "token"),
        ({"token": "g" * 32, "start": 0, "end": 1}, "token"),
        ({"token": 12, "start": 0, "end": 1}, "token"),
        ({"start": 0, "end": 1}, "token"),
        ({"token": "0" * 32, "start": "soon", "end": 1}, "start"),
        ({"token": "0" * 32, "start": 5, "end": 4}, "end"),
        ({"token": "0" * 32, "start": 0, "end": 86_400}, "end"),
        ({"token": "0" * 32, "start": 0, "end": 253_402_300_800}, "end"),
        ({"token": "0" * 32, "start": 0}, "end"),
    ],
)
def test_bad_crack_bodies_are_a_400_naming_the_field(client, body, name):
    response = post(client, CRACK, body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{name}: ")


# --- Stateless, CSRF-exempt, rate limited ----------------------------------------------------


def test_the_api_sets_no_cookie_and_needs_no_csrf_token():
    client = Client(enforce_csrf_checks=True)
    body = {"generator": "lcg", "outputs": [1013904223, 1196435762, 3519870697], "modulus": 2**32}
    responses = [client.get(SAMPLE, {"n": 2}), post(client, PREDICT, body)]
    for response in responses:
        assert response.status_code == 200
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


def test_the_api_is_rate_limited_per_client(client):
    statuses = [client.get(SAMPLE, {"n": 1}).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    assert client.get(SAMPLE, {"n": 1}, REMOTE_ADDR="10.9.8.7").status_code == 200
