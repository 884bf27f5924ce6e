"""Analysis metrics: each takes (Trials, Activity) and applies to every model family.

Every metric registers itself in its module (`@METRICS.register(name, summary=...)`);
`compute_metrics` computes them by name (see attnsim.analysis.registry).
"""
from attnsim.analysis.cka import cka_between, linear_cka
from attnsim.analysis.conditions import condition_groups
from attnsim.analysis.dprime import capacity_bounds, serial_p_dual
from attnsim.analysis.pca import pca_trajectories
from attnsim.analysis.registry import METRICS, compute_metrics

__all__ = ["METRICS", "capacity_bounds", "cka_between", "compute_metrics", "condition_groups",
           "linear_cka", "pca_trajectories", "serial_p_dual"]
