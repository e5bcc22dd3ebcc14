"""The lab's JSON API: the page's form and cached results, as plain data.

Messages are English whatever the Accept-Language: an API answers the same to everyone.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from labs.api import json_error, lab_api

from . import results
from .engine import LoadStats, build_assigner, default_node_names
from .forms import HashringForm, LookupForm
from .runs import VNODE_ALGORITHMS

# Modulo hashing between 100 and 101 nodes has 10,100 (from, to) pairs: list the largest.
MAX_FLOWS = 50


def load_document(stats: LoadStats) -> dict:
    return {
        "counts": dict(zip(stats.nodes, stats.counts, strict=True)),
        "mean": stats.mean,
        "stddev_pct": stats.stddev_percent,
        "max_over_mean": stats.max_over_mean,
        "min_over_mean": stats.min_over_mean,
    }


@require_safe
@lab_api("hashring", "60/m")
def run(request):
    form = HashringForm.from_query(request.GET)
    if not form.is_valid():
        return json_error(form.error_message())
    lab_run = form.run()
    outcome = results.outcome(lab_run)
    if outcome.refusal:
        return JsonResponse(
            {"error": f"node: {outcome.refusal.message}", "reason": outcome.refusal.reason},
            status=400,
        )
    report = outcome.report
    document = {
        "algorithm": lab_run.algorithm,
        "hash": lab_run.hash_name,
        "nodes": lab_run.nodes,
        "vnodes": lab_run.vnodes if lab_run.uses_vnodes else None,
        "keys": lab_run.keys,
        "c": float(lab_run.balance) if lab_run.uses_balance else None,
        **load_document(report.before if report else outcome.stats),
    }
    if report:
        flows = report.flows
        document["change"] = {
            "kind": report.kind,
            "node": report.node,
            "moved": report.moved,
            "moved_fraction": report.moved_fraction,
            "ideal_fraction": report.ideal_fraction,
            "moved_between_old_nodes": report.moved_between_old_nodes,
            "after": load_document(report.after),
            "flows": [
                {"from": flow.source, "to": flow.target, "keys": flow.count}
                for flow in flows[:MAX_FLOWS]
            ],
            "flow_count": len(flows),
        }
    return JsonResponse(document)


@require_safe
@lab_api("hashring-lookup", "600/m")
def lookup(request):
    form = LookupForm.from_query(request.GET)
    if not form.is_valid():
        return json_error(form.error_message())
    data = form.cleaned_data
    algorithm, nodes = data["algorithm"], data["nodes"]
    uses_vnodes = algorithm in VNODE_ALGORITHMS
    assigner = build_assigner(
        algorithm, default_node_names(nodes), hash_name=data["hash"], vnodes=data["vnodes"]
    )
    return JsonResponse(
        {
            "key": data["key"],
            "node": assigner.lookup(data["key"]),
            "algorithm": algorithm,
            "hash": data["hash"],
            "nodes": nodes,
            "vnodes": data["vnodes"] if uses_vnodes else None,
        }
    )
