"""Input validation for the consistent-hashing lab: the page, the JSON API and the live room.

Every bound comes from :mod:`labs.hashring.limits`; the forms only turn a query string into
checked values and a message that names the parameter and its allowed range.
"""

from __future__ import annotations

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from labs.forms import LabForm

from .engine import DEFAULTS, LIMITS, LIVE, default_node_names, next_node_name
from .runs import Run

ALGORITHM_CHOICES = (
    ("modulo", _("hash % N")),
    ("ring", _("Ring (virtual nodes)")),
    ("jump", _("Jump hash")),
    ("rendezvous", _("Rendezvous (HRW)")),
    ("bounded", _("Bounded loads")),
    ("maglev", _("Maglev")),
)
HASH_CHOICES = (
    ("mmh3", _("mmh3 (MurmurHash3)")),
    ("md5", _("md5 (as ketama)")),
)
CHANGE_CHOICES = (
    ("", _("no change")),
    ("add", _("add a node")),
    ("remove", _("remove a node")),
)
# Letters, digits and . _ - : a node name is hashed into ring positions and shown in
# pictures, so it stays short and plain.
NODE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
node_name_validator = RegexValidator(
    NODE_NAME_RE,
    _("Use letters, digits, dots, dashes and underscores, starting with a letter or digit."),
    code="node_name",
)


def node_name_field(label, help_text, max_length: int) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=max_length,
        validators=[node_name_validator],
        label=label,
        help_text=help_text,
    )


class HashringForm(LabForm):
    """One run of the lab: algorithm, hash, cluster size, keys, and an optional change."""

    algorithm = forms.ChoiceField(
        choices=ALGORITHM_CHOICES,
        initial=DEFAULTS.algorithm,
        label=_("Algorithm"),
        help_text=_("How a key picks its node."),
    )
    hash = forms.ChoiceField(
        choices=HASH_CHOICES,
        initial=DEFAULTS.hash_name,
        label=_("Hash function"),
        help_text=_("Both spread keys equally well; mmh3 is much faster in Python."),
    )
    nodes = forms.IntegerField(
        min_value=LIMITS.min_nodes,
        max_value=LIMITS.max_nodes,
        initial=DEFAULTS.nodes,
        label=_("Nodes"),
        help_text=_("Servers in the cluster, named node-0, node-1, …"),
    )
    vnodes = forms.IntegerField(
        min_value=LIMITS.min_vnodes,
        max_value=LIMITS.max_vnodes,
        initial=DEFAULTS.vnodes,
        label=_("Virtual nodes"),
        help_text=_("Points per node on the ring (ring and bounded loads only)."),
    )
    keys = forms.IntegerField(
        min_value=LIMITS.min_keys,
        max_value=LIMITS.max_keys,
        initial=DEFAULTS.keys,
        label=_("Keys"),
        help_text=_("Keys key-0, key-1, … to place. Rendezvous and MD5 allow fewer."),
    )
    c = forms.DecimalField(
        min_value=LIMITS.min_balance,
        max_value=LIMITS.max_balance,
        max_digits=3,
        decimal_places=2,
        initial=DEFAULTS.balance,
        label=_("Load bound c"),
        help_text=_("Bounded loads: no node holds more than ⌈c·keys/nodes⌉ keys."),
    )
    change = forms.ChoiceField(
        choices=CHANGE_CHOICES,
        required=False,
        initial="",
        label=_("Change"),
        help_text=_("Add or remove one node and see which keys move."),
    )
    node = node_name_field(
        _("Node"),
        _("The node to remove (node-0 … node-N−1), or a name for the node to add."),
        LIMITS.max_node_name_length,
    )

    def clean(self):
        data = super().clean()
        algorithm, hash_name, keys = data.get("algorithm"), data.get("hash"), data.get("keys")
        if algorithm and hash_name and keys is not None:
            limit = LIMITS.max_keys_for(algorithm, hash_name)
            if keys > limit:
                # The message's "(allowed: …)" must show the bound that applied to this
                # request; the widget keeps the wider bound so other algorithms stay usable.
                self.fields["keys"].max_value = limit
                self.add_error("keys", key_limit_reason(algorithm, hash_name, limit))
        nodes, change = data.get("nodes"), data.get("change")
        if nodes is not None and change:
            self._clean_change(change, nodes, data.get("node") or "")
        elif not change:
            data["node"] = ""  # a node without a change asks for nothing
        return data

    def _clean_change(self, change: str, nodes: int, node: str) -> None:
        names = default_node_names(nodes)
        if change == "add":
            if not node:
                self.cleaned_data["node"] = next_node_name(names)
            elif node in names:
                self.add_error(
                    "node",
                    _("%(node)s is already in the cluster; give the new node another name.")
                    % {"node": node},
                )
        elif not node:
            # Removing the last node is the one removal every algorithm can make.
            self.cleaned_data["node"] = names[-1]
        elif node not in names:
            self.add_error(
                "node",
                _("there is no node named %(node)s; the nodes are %(first)s to %(last)s.")
                % {"node": node, "first": names[0], "last": names[-1]},
            )

    def run(self) -> Run:
        """The validated request as a :class:`Run` (call only when the form is valid)."""
        data = self.cleaned_data
        return Run(
            algorithm=data["algorithm"],
            hash_name=data["hash"],
            nodes=data["nodes"],
            keys=data["keys"],
            vnodes=data["vnodes"],
            balance=data["c"],
            change=data["change"],
            node=data["node"],
        )


def key_limit_reason(algorithm: str, hash_name: str, limit: int) -> str:
    if algorithm == "rendezvous" and limit == LIMITS.max_keys_rendezvous:
        return _(
            "rendezvous hashing scores every key on every node, so it allows at most "
            "%(limit)s keys."
        ) % {"limit": f"{limit:,}"}
    if hash_name == "md5":
        return _(
            "MD5 hashes key by key in Python, about ten times slower than mmh3, so it allows "
            "at most %(limit)s keys."
        ) % {"limit": f"{limit:,}"}
    return _("at most %(limit)s keys.") % {"limit": f"{limit:,}"}


class LookupForm(LabForm):
    """Which node one key belongs to (the API's lookup endpoint)."""

    algorithm = forms.ChoiceField(
        choices=[choice for choice in ALGORITHM_CHOICES if choice[0] != "bounded"],
        initial=DEFAULTS.algorithm,
        error_messages={
            "invalid_choice": _(
                "%(value)s is not a lookup algorithm. Bounded loads has no single-key lookup: "
                "a key's node depends on the keys placed before it."
            )
        },
    )
    hash = HashringForm.base_fields["hash"]
    nodes = HashringForm.base_fields["nodes"]
    vnodes = HashringForm.base_fields["vnodes"]
    key = forms.CharField(
        max_length=LIMITS.max_lookup_key_length,
        label=_("Key"),
        strip=False,
        help_text=_("The key to look up, as it would be hashed (UTF-8)."),
    )


class LiveChangeForm(LabForm):
    """One change to a live room's ring: add a node (optionally named) or remove one."""

    action = forms.ChoiceField(
        choices=(("add", _("add")), ("remove", _("remove"))), label=_("Action")
    )
    node = node_name_field(
        _("Node name"),
        _("Leave empty to take the next free node-N name."),
        LIVE.max_node_name_length,
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "remove" and not data.get("node"):
            self.add_error("node", _("Name the node to remove."))
        return data


class RoomNameField(forms.RegexField):
    def to_python(self, value) -> str:
        # Room names are lower-case; "Interview " finds the room "interview".
        return super().to_python(value).lower()


class LiveRoomForm(LabForm):
    """The name of a live room: lower-case letters, digits and dashes."""

    room = RoomNameField(
        regex=rf"^{LIVE.room_name_pattern}$",
        max_length=32,
        initial="interview",
        label=_("Room"),
        help_text=_("Everyone who opens the same room name shares one ring."),
        error_messages={
            "invalid": _(
                "Use 1 to 32 lower-case letters, digits and dashes, not starting or ending "
                "with a dash."
            )
        },
    )
