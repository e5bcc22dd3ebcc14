import pytest

from labs.hashring.engine import (
    LIMITS,
    ChangeRefused,
    LabParams,
    ParameterError,
    add_node,
    ring_picture,
)
from labs.hashring.ring import RING_SIZE


def test_plain_picture_has_every_point_once_sorted_by_angle():
    picture = ring_picture(LabParams(nodes=5, vnodes=8, keys=10_000))
    assert len(picture.points) == 40
    angles = [p.angle for p in picture.points]
    assert angles == sorted(angles)
    assert all(0 <= a < 360 for a in angles)
    assert {p.state for p in picture.points} == {"kept"}
    assert picture.change == "none" and picture.changed_node is None
    assert picture.moved_in_sample == 0


def test_sample_is_deterministic_evenly_spaced_and_capped():
    params = LabParams(nodes=4, vnodes=4, keys=1000)
    first = ring_picture(params, sample_size=50)
    assert first == ring_picture(params, sample_size=50)
    assert sorted(k.key for k in first.keys) == sorted(f"key-{i * 20}" for i in range(50))
    with pytest.raises(ParameterError):
        ring_picture(params, sample_size=LIMITS.max_sample_keys + 1)


def test_each_sampled_key_belongs_to_the_next_point_clockwise():
    picture = ring_picture(LabParams(nodes=6, vnodes=5, keys=5000))
    points = sorted(picture.points, key=lambda p: p.position)
    for key in picture.keys:
        owner = next((p for p in points if p.position >= key.position), points[0])
        assert key.after == owner.node
        assert key.angle == pytest.approx(key.position * 360 / RING_SIZE)


def test_adding_a_node_marks_its_points_and_moves_sampled_keys_only_to_it():
    picture = ring_picture(LabParams(nodes=5, vnodes=10, keys=20_000), "add")
    assert picture.changed_node == "node-5"
    added = [p for p in picture.points if p.state == "added"]
    assert len(added) == 10 and {p.node for p in added} == {"node-5"}
    moved = [k for k in picture.keys if k.moved]
    assert moved and all(k.after == "node-5" for k in moved)


def test_removing_a_node_keeps_its_points_as_removed_and_moves_only_its_keys():
    picture = ring_picture(LabParams(nodes=5, vnodes=10, keys=20_000), "remove", "node-1")
    removed = [p for p in picture.points if p.state == "removed"]
    assert len(removed) == 10 and {p.node for p in removed} == {"node-1"}
    assert len(picture.points) == 50
    for key in picture.keys:
        assert key.moved == (key.before == "node-1")


def test_bounded_picture_agrees_with_the_full_assignment():
    params = LabParams(algorithm="bounded", nodes=4, vnodes=2, keys=4000, balance="1.1")
    picture = ring_picture(params, "add")
    report = add_node(params)
    assert picture.moved_in_sample > 0
    assert report.moved > 0
    # Bounded loads may move keys between old nodes; the picture shows the same moves.
    moved_targets = {k.after for k in picture.keys if k.moved}
    assert moved_targets <= set(report.nodes_after)


def test_too_many_points_or_no_ring_is_refused():
    with pytest.raises(ParameterError):
        ring_picture(LabParams(nodes=100, vnodes=100, keys=10))
    assert not LIMITS.ring_drawable(100, 100)
    with pytest.raises(ParameterError):
        ring_picture(LabParams(algorithm="jump", nodes=3, keys=10))
    with pytest.raises(ParameterError):
        ring_picture(LabParams(nodes=3, keys=10), "remove")
    with pytest.raises(ChangeRefused):
        ring_picture(LabParams(nodes=3, keys=10), "remove", "node-7")
    with pytest.raises(ParameterError):
        ring_picture(LabParams(nodes=3, keys=10), "swap")
