"""The JSON API of the consistent-hashing lab: its contract, and a 400 for every bad input."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labs.hashring.engine import LIMITS, LabParams, build_assigner, default_node_names, load

pytestmark = pytest.mark.django_db

API = "/api/labs/hashring/"
LOOKUP = "/api/labs/hashring/lookup/"


def get(client, path: str, **query):
    return client.get(f"{path}?{urlencode(query)}" if query else path)


def test_left_out_parameters_take_the_defaults_the_page_shows(client):
    body = get(client, API).json()
    assert {k: body[k] for k in ("algorithm", "hash", "nodes", "vnodes", "keys", "c")} == {
        "algorithm": "ring",
        "hash": "mmh3",
        "nodes": 10,
        "vnodes": 160,
        "keys": 100_000,
        "c": None,  # only bounded loads has a load bound
    }
    assert list(body["counts"]) == [f"node-{i}" for i in range(10)]
    assert sum(body["counts"].values()) == 100_000
    assert "change" not in body


def test_counts_and_spread_match_the_engine(client):
    body = get(client, API, algorithm="bounded", nodes=6, vnodes=8, keys=20_000, c="1.1").json()
    stats = load(LabParams(algorithm="bounded", nodes=6, vnodes=8, keys=20_000, balance="1.1"))
    assert list(body["counts"].values()) == list(stats.counts)
    assert body["stddev_pct"] == pytest.approx(stats.stddev_percent)
    assert body["max_over_mean"] == pytest.approx(stats.max_over_mean)
    assert body["c"] == 1.1 and body["vnodes"] == 8


@pytest.mark.parametrize("algorithm", ["modulo", "jump", "rendezvous", "maglev"])
def test_algorithms_without_virtual_nodes_report_none(client, algorithm):
    body = get(client, API, algorithm=algorithm, nodes=4, keys=1000, vnodes=3).json()
    assert body["vnodes"] is None


def test_a_ring_addition_moves_about_one_in_n_plus_one_keys_all_to_the_new_node(client):
    body = get(client, API, nodes=10, keys=100_000, change="add").json()
    change = body["change"]
    assert change["kind"] == "add" and change["node"] == "node-10"
    assert change["moved_between_old_nodes"] == 0
    assert 0.06 < change["moved_fraction"] < 0.13
    assert change["moved"] == round(change["moved_fraction"] * 100_000)
    assert {flow["to"] for flow in change["flows"]} == {"node-10"}
    assert sum(change["after"]["counts"].values()) == 100_000


def test_modulo_moves_most_keys_between_old_nodes_and_lists_the_largest_flows(client):
    body = get(client, API, algorithm="modulo", nodes=10, keys=100_000, change="add").json()
    change = body["change"]
    assert change["moved_fraction"] == pytest.approx(10 / 11, abs=0.01)
    assert change["moved_between_old_nodes"] > 0.8 * 100_000
    assert change["flow_count"] > len(change["flows"]) == 50
    counts = [flow["keys"] for flow in change["flows"]]
    assert counts == sorted(counts, reverse=True)


def test_a_named_node_can_join_and_any_ring_node_can_leave(client):
    joined = get(client, API, nodes=5, keys=5000, change="add", node="cache-a").json()
    assert joined["change"]["node"] == "cache-a"
    left = get(client, API, nodes=5, keys=5000, change="remove", node="node-2").json()
    assert left["change"]["moved"] == left["counts"]["node-2"]  # exactly its keys


def test_jump_hash_refusing_a_middle_node_is_a_400_with_the_reason(client):
    response = get(client, API, algorithm="jump", nodes=10, change="remove", node="node-3")
    assert response.status_code == 400
    body = response.json()
    assert body["reason"] == "jump-removes-only-last-bucket"
    assert body["error"].startswith("node: ")
    assert "'node-9'" in body["error"]


BAD = [
    ({"algorithm": "ketama"}, "algorithm: "),
    ({"hash": "crc32"}, "hash: "),
    ({"nodes": "0"}, "nodes: "),
    ({"nodes": "101"}, "(allowed: 1–100)"),
    ({"nodes": "1.5"}, "nodes: "),
    ({"vnodes": "201"}, "(allowed: 1–200)"),
    ({"keys": "-5"}, "keys: "),
    ({"keys": str(LIMITS.max_keys + 1)}, f"(allowed: 1–{LIMITS.max_keys})"),
    ({"algorithm": "rendezvous", "keys": "100001"}, "(allowed: 1–100000)"),
    ({"hash": "md5", "keys": str(LIMITS.max_keys_md5 + 1)}, f"(allowed: 1–{LIMITS.max_keys_md5})"),
    ({"c": "0.9"}, "(allowed: 1.01–3.0)"),
    ({"c": "Infinity"}, "c: "),
    ({"change": "swap"}, "(allowed: add, remove)"),
    ({"change": "remove", "node": "node-10"}, "node: "),
    ({"change": "add", "node": "node-0"}, "node: "),
    ({"change": "add", "node": "x y"}, "node: "),
]


@pytest.mark.parametrize("query, message", BAD)
def test_every_bad_parameter_is_a_400_naming_it_and_its_range(client, query, message):
    response = get(client, API, **query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]


def test_errors_are_english_whatever_the_reader_prefers(client):
    response = client.get(f"{API}?nodes=0", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "Ensure this value is greater than or equal to 1" in response.json()["error"]


def test_a_larger_ask_than_the_limits_says_the_limit(client):
    error = get(client, API, algorithm="rendezvous", keys=500_000).json()["error"]
    assert "at most 100,000 keys" in error
    error = get(client, API, hash="md5", keys=1_000_000).json()["error"]
    assert f"at most {LIMITS.max_keys_md5:,} keys" in error


def test_the_api_answers_get_only(client):
    assert client.post(API).status_code == 405


def test_lookup_names_the_node_the_engine_picks(client):
    for algorithm in ("ring", "modulo", "jump", "rendezvous", "maglev"):
        body = get(client, LOOKUP, algorithm=algorithm, nodes=7, key="user:42").json()
        assigner = build_assigner(algorithm, default_node_names(7), vnodes=160)
        assert body["node"] == assigner.lookup("user:42")
        assert body["key"] == "user:42"


def test_lookup_keeps_the_key_exactly_as_sent(client):
    body = get(client, LOOKUP, key=" 键 ", hash="md5").json()
    assert body["key"] == " 键 "


@pytest.mark.parametrize(
    "query, message",
    [
        ({}, "key: "),
        ({"key": "k", "algorithm": "bounded"}, "no single-key lookup"),
        ({"key": "k", "nodes": "0"}, "nodes: "),
        ({"key": "x" * (LIMITS.max_lookup_key_length + 1)}, "key: "),
    ],
)
def test_lookup_refuses_bad_input_with_a_400(client, query, message):
    response = get(client, LOOKUP, **query)
    assert response.status_code == 400
    assert message in response.json()["error"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(
            ["algorithm", "hash", "nodes", "vnodes", "keys", "c", "change", "node", "key"]
        ),
        st.one_of(
            st.text(max_size=10),
            st.sampled_from(["0", "1", "3", "100", "101", "1000", "1.3", "NaN", "add", "remove"]),
            st.sampled_from(["ring", "jump", "bounded", "md5", "node-0", "node-2"]),
        ),
        max_size=6,
    ),
    st.integers(0, 65535),
    st.sampled_from([API, LOOKUP]),
)
def test_fuzzed_api_queries_answer_json_never_a_server_error(client, query, reader, path):
    address = f"10.8.{reader // 256}.{reader % 256}"
    response = client.get(f"{path}?{urlencode(query)}", REMOTE_ADDR=address)
    assert response.status_code in (200, 400)
    assert isinstance(response.json(), dict)
