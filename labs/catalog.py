"""The labs the site offers: one list, used by the labs index, the home page and articles."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Lab:
    slug: str
    url_name: str
    title: Promise
    summary: Promise

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:  # the lab's app is not wired into the URLconf
            return None


LABS = (
    Lab(
        "hashring",
        "labs:hashring:index",
        _("Consistent hashing lab"),
        _(
            "Ring, virtual nodes, jump, rendezvous and bounded loads on up to a million keys: "
            "add a node and watch which keys move."
        ),
    ),
    Lab(
        "rng",
        "labs:rng:index",
        _("Random number generator lab"),
        _(
            "LCG, RANDU, xorshift, Mersenne Twister, PCG and the OS CSPRNG: lattices, statistical "
            "tests and the attacks that predict a weak generator."
        ),
    ),
    Lab(
        "imports",
        "labs:imports:index",
        _("Python import lab"),
        _(
            "Run import, from-import, reload and circular imports in a sandbox and see every "
            "binding and sys.modules change."
        ),
    ),
    Lab(
        "streaming",
        "labs:streaming:index",
        _("HTTP streaming lab"),
        _(
            "Chunked responses, server-sent events, WebSocket and Range requests, with the bytes "
            "on the wire."
        ),
    ),
)
BY_SLUG = {lab.slug: lab for lab in LABS}


def get(slug: str) -> Lab | None:
    return BY_SLUG.get(slug)
