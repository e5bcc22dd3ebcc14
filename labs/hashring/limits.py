"""The one place that knows the bounds of the consistent-hashing lab.

Forms, the JSON API and the engine itself all validate against these numbers, so a request
can never ask for more work than about a second on a 2-core machine (measured with
``bench/bench_hashring.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

Algorithm = Literal["modulo", "ring", "jump", "rendezvous", "bounded", "maglev"]
HashName = Literal["mmh3", "md5"]

ALGORITHMS: tuple[Algorithm, ...] = ("modulo", "ring", "jump", "rendezvous", "bounded", "maglev")
HASH_NAMES: tuple[HashName, ...] = ("mmh3", "md5")


@dataclass(frozen=True)
class HashringLimits:
    min_nodes: int = 1
    max_nodes: int = 100
    min_keys: int = 1
    # Bulk paths are vectorised (ring, modulo, jump, maglev) or a tight loop (bounded):
    # 1e6 keys with mmh3 keep a whole lab page (change, ring, spread, comparison) near a
    # second of CPU. md5, hashed key by key, has its own lower bound below.
    max_keys: int = 1_000_000
    # Rendezvous scores every (key, node) pair: 1e5 keys x 100 nodes = 1e7 scores.
    max_keys_rendezvous: int = 100_000
    # MD5 runs key by key in Python (~0.6 s per million keys, next to 0.05 s for mmh3), and
    # a lab page also draws the ring, the spread curve and the comparison: measured with
    # bench/bench_hashring_page.py, 250,000 md5 keys cost the heaviest page about the same
    # second of CPU as 1e6 mmh3 keys.
    max_keys_md5: int = 250_000
    # The comparison runs every algorithm (rendezvous included) twice on the same keys.
    max_keys_compare: int = 100_000
    min_vnodes: int = 1
    max_vnodes: int = 200
    # Only the spread-vs-vnodes chart goes further: it builds rings, never walks keys one by one.
    max_vnodes_spread: int = 1000
    # Bounded loads: the paper needs c = 1 + epsilon with epsilon > 0 (the expected walk and
    # the keys moved per update grow like 1/epsilon^2); HAProxy's hash-balance-factor must
    # likewise be a percentage above 100. 1.01 is the smallest step a form offers; above 3
    # the cap almost never binds and the result is the plain ring.
    min_balance: Decimal = Decimal("1.01")
    max_balance: Decimal = Decimal("3.0")
    # A ring picture with more points than this is a blur, and its SVG gets heavy.
    max_drawn_points: int = 2000
    max_sample_keys: int = 200
    # Maglev's lookup table: a prime much larger than the node count (Envoy's default).
    maglev_table_size: int = 65537
    max_node_name_length: int = 40
    # A key looked up one at a time through the JSON API.
    max_lookup_key_length: int = 256

    def max_keys_for(self, algorithm: Algorithm, hash_name: HashName = "mmh3") -> int:
        limit = self.max_keys_rendezvous if algorithm == "rendezvous" else self.max_keys
        if hash_name == "md5":
            limit = min(limit, self.max_keys_md5)
        return limit

    def ring_drawable(self, nodes: int, vnodes: int) -> bool:
        return nodes * vnodes <= self.max_drawn_points


@dataclass(frozen=True)
class HashringDefaults:
    algorithm: Algorithm = "ring"
    hash_name: HashName = "mmh3"
    nodes: int = 10
    keys: int = 100_000
    # ketama / libmemcached: 160 points per server (40 MD5 digests, 4 points each).
    vnodes: int = 160
    balance: Decimal = Decimal("1.25")
    sample_keys: int = 200


@dataclass(frozen=True)
class LiveRoomLimits:
    """The shared ring of the live room: small, so every change redraws in milliseconds."""

    # Twelve chart colours: every node in a room keeps a colour of its own.
    max_nodes: int = 12
    initial_nodes: int = 5
    # Few points keep each node's arcs visible, and the picture small: a WebSocket message
    # must stay under daphne's --websocket-max-message-size (64 KB in the Makefile), and the
    # largest room's ring (13 nodes x 10 points, 200 keys, 24-character names) is ~45 KB.
    vnodes: int = 10
    keys: int = 10_000
    max_message_bytes_out: int = 60_000
    max_node_name_length: int = 24
    # A change message is a few dozen bytes; anything longer is refused unread.
    max_message_chars: int = 1024
    # Per room, across every viewer and process; and per connection, against a stuck key.
    changes_per_minute: int = 30
    min_seconds_between_changes: float = 0.5
    room_name_pattern: str = r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?"
    # A room nobody touches for a day starts again from the initial nodes.
    idle_seconds: int = 24 * 3600
    log_entries: int = 12


LIMITS = HashringLimits()
DEFAULTS = HashringDefaults()
LIVE = LiveRoomLimits()


class ParameterError(ValueError):
    """A lab parameter outside its bounds; ``field`` names the offending parameter."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def as_balance(value: float | str | Decimal) -> Decimal:
    """The balance factor as an exact decimal, so ceil(c*m/n) has no float rounding error."""
    try:
        balance = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ParameterError("balance", f"not a number: {value!r}") from None
    if not balance.is_finite():
        raise ParameterError("balance", f"not a finite number: {value!r}")
    return balance


def check_node_names(names: Sequence[str], max_nodes: int = LIMITS.max_nodes) -> None:
    if not LIMITS.min_nodes <= len(names) <= max_nodes:
        raise ParameterError(
            "nodes", f"between {LIMITS.min_nodes} and {max_nodes} nodes, got {len(names)}"
        )
    if len(set(names)) != len(names):
        raise ParameterError("nodes", "node names must be unique")
    for name in names:
        if not name or not name.strip():
            raise ParameterError("nodes", "a node name cannot be empty")
        if len(name) > LIMITS.max_node_name_length:
            raise ParameterError(
                "nodes", f"node names have at most {LIMITS.max_node_name_length} characters"
            )


def check_params(
    *,
    algorithm: str = DEFAULTS.algorithm,
    hash_name: str = DEFAULTS.hash_name,
    nodes: int = DEFAULTS.nodes,
    keys: int = DEFAULTS.keys,
    vnodes: int = DEFAULTS.vnodes,
    balance: float | str | Decimal = DEFAULTS.balance,
    max_keys: int | None = None,
) -> None:
    """Raise :class:`ParameterError` for the first parameter outside the lab's bounds.

    ``max_keys`` lets a caller with a tighter budget (the comparison) lower the key bound.
    """
    if algorithm not in ALGORITHMS:
        raise ParameterError("algorithm", f"one of {', '.join(ALGORITHMS)}, got {algorithm!r}")
    if hash_name not in HASH_NAMES:
        raise ParameterError("hash_name", f"one of {', '.join(HASH_NAMES)}, got {hash_name!r}")
    _check_int("nodes", nodes, LIMITS.min_nodes, LIMITS.max_nodes)
    key_bound = LIMITS.max_keys_for(algorithm, hash_name)  # type: ignore[arg-type]
    if max_keys is not None:
        key_bound = min(key_bound, max_keys)
    _check_int("keys", keys, LIMITS.min_keys, key_bound)
    _check_int("vnodes", vnodes, LIMITS.min_vnodes, LIMITS.max_vnodes)
    c = as_balance(balance)
    if not LIMITS.min_balance <= c <= LIMITS.max_balance:
        raise ParameterError(
            "balance", f"between {LIMITS.min_balance} and {LIMITS.max_balance}, got {c}"
        )


def _check_int(field: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(field, f"a whole number, got {value!r}")
    if not low <= value <= high:
        raise ParameterError(field, f"between {low} and {high}, got {value}")
