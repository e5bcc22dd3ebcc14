import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labs.hashring.algorithms import Maglev, maglev_table
from labs.hashring.engine import (
    ALGORITHMS,
    HASH_NAMES,
    LIMITS,
    ChangeRefused,
    JumpRemovalError,
    KeySet,
    LabParams,
    ParameterError,
    add_node,
    analyse_change,
    build_assigner,
    compare_algorithms,
    default_node_names,
    load,
    measure_hash_speed,
    next_node_name,
    remove_node,
    spread_vs_vnodes,
    theoretical_spread_percent,
)
from labs.hashring.ring import BoundedLoadRing, HashRing, capacity


def ten_to_eleven(algorithm, **options):
    return add_node(LabParams(algorithm=algorithm, nodes=10, keys=100_000, **options))


def test_modulo_moves_about_ten_elevenths_of_keys_from_ten_to_eleven_nodes():
    report = ten_to_eleven("modulo")
    assert 0.90 <= report.moved_fraction <= 0.92
    assert report.moved_between_old_nodes > 0  # keys shuffle among the old nodes too


def test_ring_with_160_vnodes_moves_about_one_eleventh_and_only_to_the_new_node():
    report = ten_to_eleven("ring", vnodes=160)
    assert 0.07 <= report.moved_fraction <= 0.11
    assert report.moved_between_old_nodes == 0
    assert {f.target for f in report.flows} == {"node-10"}


@pytest.mark.parametrize("algorithm", ["jump", "rendezvous"])
def test_jump_and_rendezvous_move_one_eleventh_and_nothing_between_old_nodes(algorithm):
    report = ten_to_eleven(algorithm)
    assert abs(report.moved_fraction - 1 / 11) <= 0.003
    assert report.moved_between_old_nodes == 0
    assert report.node == "node-10"


def test_maglev_moves_close_to_the_minimum_but_some_keys_change_between_old_nodes():
    report = ten_to_eleven("maglev")
    assert 1 / 11 - 0.005 <= report.moved_fraction <= 1 / 11 + 0.02
    assert 0 < report.moved_between_old_nodes < 0.01 * report.key_count


@pytest.mark.parametrize("hash_name", HASH_NAMES)
def test_spread_at_ten_nodes_shrinks_with_more_virtual_nodes(hash_name):
    curve = spread_vs_vnodes(10, hash_name, vnode_counts=(100, 1000), keys=100_000, trials=1)
    by_vnodes = {p.vnodes: p.measured_percent for p in curve.points}
    assert 4 <= by_vnodes[100] <= 16
    assert 1.5 <= by_vnodes[1000] <= 5


def test_spread_curve_averages_several_rings_close_to_the_theory():
    curve = spread_vs_vnodes(10)
    assert [p.vnodes for p in curve.points][:3] == [1, 2, 5]
    assert curve.trials == 8
    for point in curve.points:
        assert point.theory_percent == pytest.approx(theoretical_spread_percent(10, point.vnodes))
        assert 0.6 * point.theory_percent <= point.average_percent <= 1.4 * point.theory_percent


def test_theory_formula_gives_the_known_figures_for_ten_nodes():
    assert theoretical_spread_percent(10, 1) == pytest.approx(90.45, abs=0.01)
    assert theoretical_spread_percent(10, 160) == pytest.approx(7.50, abs=0.01)
    assert theoretical_spread_percent(10, 1000) == pytest.approx(3.00, abs=0.01)


def test_jump_refuses_to_remove_a_node_other_than_the_last():
    params = LabParams(algorithm="jump", nodes=5, keys=1000)
    with pytest.raises(JumpRemovalError) as refused:
        remove_node(params, "node-2")
    assert refused.value.reason == "jump-removes-only-last-bucket"
    assert refused.value.node == "node-2"
    assert isinstance(refused.value, ChangeRefused)


def test_jump_can_remove_its_last_node_moving_only_that_nodes_keys():
    report = remove_node(LabParams(algorithm="jump", nodes=5, keys=20_000), "node-4")
    assert report.moved_between_old_nodes == 0
    assert report.moved == report.before.count_of("node-4")


@pytest.mark.parametrize("algorithm", ["ring", "rendezvous", "bounded"])
def test_removing_a_node_moves_only_that_nodes_keys(algorithm):
    report = remove_node(LabParams(algorithm=algorithm, nodes=8, keys=30_000), "node-3")
    assert report.moved == report.before.count_of("node-3")
    assert report.moved_fraction == pytest.approx(report.ideal_fraction)
    assert report.moved_between_old_nodes == 0
    assert {f.source for f in report.flows} == {"node-3"}


def test_removing_unknown_or_only_node_is_refused_with_a_reason():
    with pytest.raises(ChangeRefused) as unknown:
        remove_node(LabParams(nodes=3, keys=10), "node-9")
    assert unknown.value.reason == "unknown-node"
    with pytest.raises(ChangeRefused) as last:
        remove_node(LabParams(nodes=1, keys=10), "node-0")
    assert last.value.reason == "last-node"
    with pytest.raises(ChangeRefused) as exists:
        add_node(LabParams(nodes=3, keys=10), "node-1")
    assert exists.value.reason == "node-exists"
    with pytest.raises(ChangeRefused) as invalid:
        add_node(LabParams(nodes=3, keys=10), "x" * (LIMITS.max_node_name_length + 1))
    assert invalid.value.reason == "invalid-name"
    with pytest.raises(ChangeRefused) as too_many:
        build_assigner("jump", default_node_names(LIMITS.max_nodes + 1)).with_node("extra")
    assert too_many.value.reason == "too-many-nodes"


def test_a_node_can_join_the_largest_allowed_cluster():
    report = add_node(LabParams(algorithm="jump", nodes=LIMITS.max_nodes, keys=1000))
    assert len(report.nodes_after) == LIMITS.max_nodes + 1


def test_new_nodes_are_named_after_the_node_count():
    assert next_node_name(default_node_names(10)) == "node-10"
    assert next_node_name(("node-0", "node-2")) == "node-3"
    assert add_node(LabParams(nodes=4, keys=100)).node == "node-4"


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("hash_name", HASH_NAMES)
def test_bulk_path_equals_scalar_path(algorithm, hash_name):
    nodes = default_node_names(7)
    assigner = build_assigner(algorithm, nodes, hash_name=hash_name, vnodes=5, balance="1.1")
    keys = KeySet.of([f"user:{i}" for i in range(1500)] + ["", "ключ", "键"])
    bulk = [nodes[i] for i in assigner.assign(keys).tolist()]
    assert bulk == assigner.assign_scalar(keys)


def test_bulk_path_equals_scalar_path_on_numbered_keys_with_many_points():
    ring = HashRing(default_node_names(100), vnodes=200)
    keys = KeySet.numbered(3000)
    assert [ring.nodes[i] for i in ring.assign(keys)] == ring.assign_scalar(keys)


def test_load_lists_every_node_even_with_no_keys():
    stats = load(LabParams(algorithm="ring", nodes=50, keys=3, vnodes=1))
    assert len(stats.counts) == 50
    assert stats.counts.count(0) >= 47
    assert sum(stats.counts) == 3


def test_load_stats_report_spread_as_percent_of_mean():
    stats = load(LabParams(algorithm="modulo", nodes=4, keys=100_000))
    counts = np.array(stats.counts)
    assert stats.stddev_percent == pytest.approx(counts.std() / counts.mean() * 100)
    assert stats.max_over_mean == pytest.approx(counts.max() / counts.mean())
    assert stats.busiest == stats.nodes[int(counts.argmax())]


def test_change_matrix_accounts_for_every_key():
    report = ten_to_eleven("modulo")
    matrix = np.array(report.matrix)
    assert matrix.sum() == report.key_count
    assert report.key_count - np.trace(matrix) == report.moved
    assert sum(f.count for f in report.flows) == report.moved
    assert report.ideal_fraction == pytest.approx(1 / 11)


def test_analyse_change_needs_exactly_one_node_of_difference():
    a = build_assigner("ring", default_node_names(3))
    b = build_assigner("ring", default_node_names(5))
    with pytest.raises(ValueError):
        analyse_change(a, b, KeySet.numbered(10))


def test_results_are_deterministic():
    first = add_node(LabParams(algorithm="bounded", nodes=6, keys=5000, vnodes=3))
    second = add_node(LabParams(algorithm="bounded", nodes=6, keys=5000, vnodes=3))
    assert first == second


def test_bounded_loads_capacity_is_exact_for_decimal_factors():
    # 1.1 * 100 is 110.00000000000001 in floating point; the cap must still be 11.
    assert capacity(100, 10, Decimal("1.1")) == 11
    assert capacity(1, 3, Decimal("1.01")) == 1


@settings(max_examples=60, deadline=None)
@given(
    nodes=st.integers(1, 12),
    vnodes=st.integers(1, 6),
    key_count=st.integers(1, 400),
    balance=st.decimals(LIMITS.min_balance, LIMITS.max_balance, places=2),
    hash_name=st.sampled_from(HASH_NAMES),
)
def test_bounded_loads_never_exceed_the_capacity(nodes, vnodes, key_count, balance, hash_name):
    ring = BoundedLoadRing(
        default_node_names(nodes), hash_name=hash_name, vnodes=vnodes, balance=balance
    )
    keys = KeySet.numbered(key_count)
    assignment = ring.assign(keys)
    cap = math.ceil(Decimal(balance) * key_count / nodes)
    assert np.bincount(assignment, minlength=nodes).max() <= cap
    assert [ring.nodes[i] for i in assignment] == ring.assign_scalar(keys)


def test_bounded_loads_actually_bound_a_lopsided_ring():
    params = LabParams(algorithm="bounded", nodes=10, keys=50_000, vnodes=1, balance="1.25")
    plain = load(LabParams(algorithm="ring", nodes=10, keys=50_000, vnodes=1))
    bounded = load(params)
    assert plain.max_over_mean > 1.5
    assert max(bounded.counts) <= capacity(50_000, 10, Decimal("1.25"))


@settings(max_examples=40, deadline=None)
@given(
    algorithm=st.sampled_from(ALGORITHMS),
    hash_name=st.sampled_from(HASH_NAMES),
    nodes=st.integers(LIMITS.min_nodes, LIMITS.max_nodes),
    vnodes=st.integers(LIMITS.min_vnodes, LIMITS.max_vnodes),
    keys=st.integers(LIMITS.min_keys, 300),
    balance=st.decimals(LIMITS.min_balance, LIMITS.max_balance, places=2),
    removed=st.integers(0, LIMITS.max_nodes - 1),
)
def test_every_allowed_parameter_combination_runs_and_counts_every_key(
    algorithm, hash_name, nodes, vnodes, keys, balance, removed
):
    params = LabParams(
        algorithm=algorithm,
        hash_name=hash_name,
        nodes=nodes,
        keys=keys,
        vnodes=vnodes,
        balance=balance,
    )
    assert sum(load(params).counts) == keys
    added = add_node(params)
    assert sum(added.after.counts) == keys
    victim = params.node_names[removed % nodes]
    if nodes == 1:
        with pytest.raises(ChangeRefused):
            remove_node(params, victim)
    elif algorithm == "jump" and victim != params.node_names[-1]:
        with pytest.raises(JumpRemovalError):
            remove_node(params, victim)
    else:
        assert sum(remove_node(params, victim).after.counts) == keys


@pytest.mark.parametrize(
    ("field", "options"),
    [
        ("algorithm", {"algorithm": "crc32"}),
        ("hash_name", {"hash_name": "sha1"}),
        ("nodes", {"nodes": 0}),
        ("nodes", {"nodes": LIMITS.max_nodes + 1}),
        ("keys", {"keys": 0}),
        ("keys", {"keys": LIMITS.max_keys + 1}),
        ("keys", {"algorithm": "rendezvous", "keys": LIMITS.max_keys_rendezvous + 1}),
        ("vnodes", {"vnodes": 0}),
        ("vnodes", {"vnodes": LIMITS.max_vnodes + 1}),
        ("balance", {"balance": "1.0"}),
        ("balance", {"balance": "3.5"}),
        ("balance", {"balance": "nan"}),
        ("balance", {"balance": "abc"}),
        ("nodes", {"nodes": True}),
    ],
)
def test_parameters_outside_the_limits_name_the_bad_field(field, options):
    with pytest.raises(ParameterError) as error:
        LabParams(**options)
    assert error.value.field == field


def test_the_largest_allowed_runs_are_accepted():
    LabParams(algorithm="ring", nodes=LIMITS.max_nodes, keys=LIMITS.max_keys, vnodes=200)
    LabParams(algorithm="rendezvous", nodes=LIMITS.max_nodes, keys=LIMITS.max_keys_rendezvous)


def test_node_names_must_be_unique_and_short():
    with pytest.raises(ParameterError):
        HashRing(["a", "a"])
    with pytest.raises(ParameterError):
        HashRing(["x" * (LIMITS.max_node_name_length + 1)])
    with pytest.raises(ParameterError):
        HashRing([" "])


def test_maglev_table_is_full_and_balanced_within_one_slot():
    table = maglev_table(default_node_names(7), "mmh3", 65537)
    counts = np.bincount(table, minlength=7)
    assert counts.sum() == 65537
    assert counts.max() - counts.min() <= 1


def test_maglev_needs_a_prime_table():
    with pytest.raises(ValueError):
        Maglev(default_node_names(3), table_size=65536)
    assert Maglev(default_node_names(3), table_size=251).table.shape == (251,)


def test_ring_arc_shares_sum_to_one_and_predict_the_counts():
    ring = HashRing(default_node_names(5), vnodes=20)
    shares = ring.arc_shares()
    assert shares.sum() == pytest.approx(1.0)
    counts = np.bincount(ring.assign(KeySet.numbered(200_000)), minlength=5) / 200_000
    assert np.abs(counts - shares).max() < 0.01


def test_comparison_covers_every_algorithm_on_the_same_keys():
    summaries = compare_algorithms(LabParams(nodes=10, keys=20_000), lookup_budget=0.001)
    assert [s.algorithm for s in summaries] == list(ALGORITHMS)
    by_name = {s.algorithm: s for s in summaries}
    assert by_name["modulo"].moved_fraction_on_add > 0.85
    for name in ("ring", "jump", "rendezvous"):
        assert by_name[name].moved_between_old_nodes_on_add == 0
    assert not by_name["jump"].removes_any_node
    assert all(s.lookups_per_second > 0 for s in summaries)


def test_comparison_refuses_more_keys_than_rendezvous_allows():
    with pytest.raises(ParameterError):
        compare_algorithms(LabParams(algorithm="ring", keys=LIMITS.max_keys_compare + 1))


def test_hash_speed_measurement_reports_positive_rates():
    speed = measure_hash_speed(sample=2000, repeats=1)
    assert speed.md5_per_second > 0 and speed.mmh3_per_second > 0
    assert speed.ratio == pytest.approx(speed.mmh3_per_second / speed.md5_per_second)
