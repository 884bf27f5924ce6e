"""Evaluate a scenario's `expect:` entries against computed metrics."""
from __future__ import annotations


def lookup(metrics: dict, metric: str, condition: str, group: str | None):
    """(value, note): the number an expectation refers to, or None with the reason."""
    if metric not in metrics:
        return None, f"metric {metric!r} was not computed (valid here: {', '.join(sorted(metrics)) or 'none'})"
    per_cond = metrics[metric]
    if condition not in per_cond:
        return None, f"no condition {condition!r} for {metric} (have: {', '.join(sorted(per_cond))})"
    value = per_cond[condition]
    if isinstance(value, dict):
        if group is None:
            return None, f"{metric} is per group; name one of: {', '.join(sorted(value))}"
        if group not in value:
            return None, f"no group {group!r} for {metric} (groups: {', '.join(sorted(value))})"
        value = value[group]
    elif group is not None:
        return None, f"{metric} is not per group (drop group: {group!r})"
    if value is None:
        return None, "value undefined (NaN) in this run"
    return float(value), ""


def evaluate(expect: list[dict], summary_models: dict) -> list[dict]:
    out = []
    for ex in expect:
        metrics = summary_models.get(ex["model"], {}).get("metrics", {})
        value, note = lookup(metrics, ex["metric"], ex["condition"], ex.get("group"))
        lo, hi = ex["range"]
        passed = value is not None and lo <= value <= hi
        out.append({**ex, "range": [lo, hi], "value": value, "pass": bool(passed), "note": note})
    return out


def table(results: list[dict]) -> str:
    if not results:
        return "no expectations in this scenario"
    rows = [("", "model", "metric", "condition", "value", "range", "source")]
    for r in results:
        cond = r["condition"] + (f"/{r['group']}" if r.get("group") else "")
        val = "n/a" if r["value"] is None else f"{r['value']:.4g}"
        rows.append(("PASS" if r["pass"] else "FAIL", r["model"], r["metric"], cond, val,
                     f"[{r['range'][0]:g}, {r['range'][1]:g}]", r["source"][:50]))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    for r in results:
        if r["note"]:
            lines.append(f"  note ({r['model']} {r['metric']}): {r['note']}")
    return "\n".join(lines)
