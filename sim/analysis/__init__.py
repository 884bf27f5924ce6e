"""Analysis metrics: each takes (Trials, Activity) and applies to every model family."""
from sim.analysis.cka import cka_between, linear_cka
from sim.analysis.conditions import condition_groups
from sim.analysis.dprime import capacity_bounds, serial_p_dual
from sim.analysis.pca import pca_trajectories
from sim.analysis.registry import METRICS, compute_metrics, json_ready

__all__ = ["METRICS", "capacity_bounds", "cka_between", "compute_metrics", "condition_groups", "json_ready",
           "linear_cka", "pca_trajectories", "serial_p_dual"]
