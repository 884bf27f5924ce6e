"""The report's capacity table shows each ratio with its bootstrap interval."""
from attnsim.report import capacity_table


def _model(**cap):
    return {"family": "f", "kind": "brain", "metrics": {"capacity_cost": {"all": cap}}}


def test_ratio_cells_carry_the_interval_when_present():
    table = capacity_table({
        "with_ci": _model(d_single=1.0, d_dual=0.9, ratio=0.9, ratio_ci_lo=0.8, ratio_ci_hi=1.05,
                          verdict="inconclusive", p_single=0.8, p_dual=0.75,
                          neuro_ratio=1.04, neuro_ratio_ci_lo=0.93, neuro_ratio_ci_hi=1.17),
        "no_ci": _model(d_single=1.0, d_dual=0.9, ratio=0.9),
    })
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert "| 0.9 [0.8, 1.05] |" in rows["with_ci"]
    assert "| 1.04 [0.93, 1.17] |" in rows["with_ci"]
    assert "[" not in rows["no_ci"]
    assert "ratio [95 % CI]" in table.splitlines()[0]
    # the verdict column is capacity_cost's identification by rule `identifies`, never a reading of
    # the point ratio 0.9 between the bounds (the old "within")
    assert "| inconclusive |" in rows["with_ci"] and "within" not in table


def test_no_table_without_a_divided_task():
    assert capacity_table({"m": {"family": "f", "kind": "brain", "metrics": {"accuracy": {"all": 1.0}}}}) is None
