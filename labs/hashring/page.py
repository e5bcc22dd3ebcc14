"""What the lab page shows for one run: charts in the reader's language, figures and links.

The view stays thin: it validates the query with the form, then hands the :class:`Run` to
:func:`lab_page`, which asks :mod:`results` for cached engine results and draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from . import charts, results
from .engine import (
    LIMITS,
    AlgorithmSummary,
    ChangeReport,
    Flow,
    HashSpeed,
    LoadStats,
    default_node_names,
    next_node_name,
    theoretical_spread_percent,
)
from .ring import capacity
from .runs import Run

# The flows table lists the largest moves; modulo hashing alone has n*(n+1) of them.
SHOWN_FLOWS = 10


@dataclass(frozen=True)
class ComparisonRow:
    summary: AlgorithmSummary
    name: str
    current: bool
    url: str  # the lab with this algorithm and the same nodes, keys and change


@dataclass(frozen=True)
class LabPage:
    run: Run
    algorithm_name: str
    outcome: results.Outcome
    ring_svg: str
    ring_missing: str
    moved_in_sample: int
    sample_size: int
    counts_svg: str
    flows: tuple[Flow, ...]
    more_flows: int
    spread_svg: str
    theory_percent: float | None  # √((n−1)/(n·v+1)) for this run's ring, in percent
    comparison_keys: int
    comparison_rows: tuple[ComparisonRow, ...]
    comparison_svg: str
    hash_speed: HashSpeed
    capacity: int | None  # bounded loads: the most keys a node may hold
    node_names: tuple[str, ...]
    next_node: str
    remove_default: str  # the node the remove form offers first
    hidden_fields: tuple[tuple[str, str], ...]  # the run without its change, for the forms
    base_url: str  # the run without its change
    keep_url: str  # the cluster after the change as the new starting point, when it is one
    remove_last_url: str
    rendezvous_url: str  # the same removal under rendezvous hashing (jump's refusal)
    refusal_text: str

    @property
    def report(self) -> ChangeReport | None:
        return self.outcome.report

    @property
    def refusal(self) -> results.Refusal | None:
        return self.outcome.refusal

    @property
    def stats(self) -> LoadStats:
        return self.outcome.stats


def lab_url(run: Run) -> str:
    return f"{reverse('labs:hashring:index')}?{urlencode(run.query())}"


def switched(run: Run, algorithm: str) -> Run:
    """The same run under another algorithm, with the keys that algorithm allows."""
    return replace(
        run, algorithm=algorithm, keys=min(run.keys, LIMITS.max_keys_for(algorithm, run.hash_name))
    )


def kept_change_url(run: Run) -> str:
    """After adding node-N or removing the last node, the new cluster is simply N±1 nodes."""
    names = default_node_names(run.nodes)
    if run.change == "add" and run.node == next_node_name(names) and run.nodes < LIMITS.max_nodes:
        return lab_url(replace(run.without_change(), nodes=run.nodes + 1))
    if run.change == "remove" and run.node == names[-1] and run.nodes > LIMITS.min_nodes:
        return lab_url(replace(run.without_change(), nodes=run.nodes - 1))
    return ""


def refusal_text(refusal: results.Refusal, run: Run) -> str:
    """Why the engine refused the change, in the reader's language."""
    names = default_node_names(run.nodes)
    if refusal.reason == "jump-removes-only-last-bucket":
        return _(
            "Jump hash numbers its buckets 0 to %(last_index)s, so only the last one, "
            "%(last)s, can be removed. Removing %(node)s would renumber every bucket after it "
            "and move their keys too: jump hash suits replicated shards that never leave, not "
            "servers that fail at random."
        ) % {"last_index": run.nodes - 1, "last": names[-1], "node": refusal.node}
    if refusal.reason == "last-node":
        return _("A cluster needs at least one node, and %(node)s is the only one.") % {
            "node": refusal.node
        }
    return refusal.message


def lab_page(run: Run, language: str) -> LabPage:
    outcome = results.outcome(run)
    drawn = results.picture(run, refused=outcome.refusal is not None)
    curve = results.spread(run)
    comparison = results.comparison(run)
    report = outcome.report
    flows = report.flows if report else ()
    names = default_node_names(run.nodes)
    base = run.without_change()
    highlight = report.node if report else None
    return LabPage(
        run=run,
        algorithm_name=charts.algorithm_name(run.algorithm, language),
        outcome=outcome,
        ring_svg=charts.ring_svg(drawn.picture, language, "hashring-ring") if drawn.picture else "",
        ring_missing=drawn.missing,
        moved_in_sample=drawn.picture.moved_in_sample if drawn.picture else 0,
        sample_size=len(drawn.picture.keys) if drawn.picture else 0,
        counts_svg=charts.load_svg(outcome.stats, language, highlight, "hashring-counts"),
        flows=flows[:SHOWN_FLOWS],
        more_flows=max(0, len(flows) - SHOWN_FLOWS),
        spread_svg=charts.spread_svg(curve, language, "hashring-spread") if curve else "",
        theory_percent=(
            theoretical_spread_percent(run.nodes, run.vnodes)
            if run.uses_vnodes and run.nodes > 1
            else None
        ),
        comparison_keys=comparison.keys,
        comparison_rows=tuple(
            ComparisonRow(
                summary=summary,
                name=charts.algorithm_name(summary.algorithm, language),
                current=summary.algorithm == run.algorithm,
                url=lab_url(switched(run, summary.algorithm)),
            )
            for summary in comparison.summaries
        ),
        comparison_svg=charts.comparison_svg(comparison.summaries, language, "hashring-compare"),
        hash_speed=results.hash_speed(),
        capacity=capacity(run.keys, run.nodes, run.balance) if run.uses_balance else None,
        node_names=names,
        next_node=next_node_name(names),
        remove_default=run.node if run.change == "remove" else names[-1],
        hidden_fields=tuple(base.query().items()),
        base_url=lab_url(base),
        keep_url=kept_change_url(run),
        remove_last_url=lab_url(base.with_change("remove", names[-1])),
        rendezvous_url=lab_url(switched(run, "rendezvous")),
        refusal_text=refusal_text(outcome.refusal, run) if outcome.refusal else "",
    )
