"""The "How the models compute" section (attnsim.dynamics.computation, words, dynamics_figures)
on toy models whose answer is known before the run:

- a double well  x1' = x1 - x1^3 + k (cue_A - cue_B),  x2' = -x2: two stable points (x1 = +-1) and a
  saddle at 0 with one unstable dimension whose branches reach them (the decision structure), and a
  cue that sends the state to the well of its side, where it stays with every input off (memory in
  attractors);
- a point attractor  x' = -x + k (cue_A - cue_B) e1: one stable point, the cue forgotten in ~1 ms;
- a "spiking" model without the dynamical capability: n/a, with the reason, and still in DSA.
"""
import numpy as np
import pytest

from attnsim.dynamics.computation import SPIKING_NOTE, Realization, compute
from attnsim.dynamics.words import findings, fixed_point_table, section
from attnsim.models.activity import Activity
from attnsim.tasks.trials import Trials

CH = ("stim_A", "stim_B", "cue_A", "cue_B")
EPOCHS = {"fixation": slice(0, 20), "cue": slice(20, 40), "stimulus": slice(40, 100), "response": slice(100, 120)}


class _Dyn:
    time = "continuous"
    dt_ms = 1.0
    state_labels = ("x1", "x2")

    def __init__(self, well: bool, tau_ms: float):
        self.well, self.tau = well, tau_ms

    def velocity(self, x, u):
        drive = 2.0 * (u[:, 2] - u[:, 3])
        if self.well:
            v1 = x[:, 0] - x[:, 0] ** 3 + drive
        else:
            v1 = -x[:, 0] + drive
        return np.stack([v1, -x[:, 1]], axis=1) / self.tau

    def jacobian(self, x, u):
        return None

    def trajectories(self, inputs, seed):
        rng = np.random.default_rng(seed)
        n, t, _ = inputs.shape
        x = 0.05 * rng.standard_normal((n, 2))
        out = np.empty((n, t, 2))
        for k in range(t):
            x = x + self.dt_ms * self.velocity(x, inputs[:, k]) + 0.02 * rng.standard_normal((n, 2))
            out[:, k] = x
        return out


class Toy:
    capabilities = frozenset({"dynamical"})

    def __init__(self, well: bool):
        self.well = well

    def dynamics(self, channels, dt_ms):
        return _Dyn(self.well, tau_ms=10.0)


def _trials(n_per=8, reverse=False):
    cond = np.array(["attend_A"] * n_per + ["attend_B"] * n_per)
    x = np.zeros((2 * n_per, 120, 4))
    x[:, 40:100, :2] = 0.1
    x[:n_per, 20:40, 2] = 1.0
    x[n_per:, 20:40, 3] = 1.0
    if reverse:                          # another seed's trial order: attend_B appears first
        cond, x = cond[::-1].copy(), x[::-1].copy()
    return Trials(1.0, x, CH, (cond == "attend_B").astype(int), EPOCHS,
                  {"condition": cond, "contrast": np.full(2 * n_per, 0.1)})


def _activity(rates):
    n = rates.shape[2]
    return Activity(rates=rates, dt_ms=1.0, groups={"hidden": slice(0, n)}, selective_groups=("hidden", "hidden"),
                    choice=np.zeros(len(rates), int), reaction_time_ms=np.full(len(rates), np.nan),
                    roles={"hidden": "hidden"})


def _realization(rate_well=True, seed=0, reverse=False):
    trials = _trials(reverse=reverse)
    models = {"rate": Toy(rate_well), "ann_well": Toy(True), "ann_point": Toy(False)}
    acts = {n: _activity(m.dynamics(CH, 1.0).trajectories(trials.inputs, seed + i))
            for i, (n, m) in enumerate(models.items())}
    rng = np.random.default_rng(seed + 9)
    acts["spk"] = _activity(np.abs(rng.standard_normal((trials.n_trials, 120, 3))) + 5.0)
    acts["ffwd"] = _activity(rng.standard_normal((trials.n_trials, 120, 3)))
    caps = {"rate": frozenset({"dynamical"}), "ann_well": frozenset({"dynamical", "trainable"}),
            "ann_point": frozenset({"dynamical", "trainable"}), "spk": frozenset({"spiking"}),
            "ffwd": frozenset({"trainable"})}
    fams = {"rate": "toy_well", "ann_well": "toy_well", "ann_point": "toy_point", "spk": "toy_spiking",
            "ffwd": "toy_feedforward"}
    kinds = {"rate": "brain", "ann_well": "artificial", "ann_point": "artificial", "spk": "brain",
             "ffwd": "artificial"}
    return Realization(trials=trials, activities=acts, families=fams, capabilities=caps, model=models.__getitem__,
                       kinds=kinds, seed=seed)


OPTS = dict(dt_ms=2.0, n_delays=3, rank=3, n_shuffle=3, n_init=12, n_traj=16, hold_ms=300.0)


@pytest.fixture(scope="module")
def comp():
    return compute([_realization(seed=0), _realization(seed=1)], **OPTS)


def test_section_lists_every_model_and_says_why_na(comp):
    table = fixed_point_table(comp)
    for name in ("rate", "ann_well", "ann_point", "spk", "ffwd"):
        assert f"| {name} |" in table
    assert SPIKING_NOTE in table
    assert "n/a: no dynamical capability (toy_feedforward declares no state update" in table
    # every model, spiking ones included, is in DSA
    assert comp.dsa is not None and sorted(comp.dsa.names) == sorted(["rate", "ann_well", "ann_point", "spk", "ffwd"])
    text = "\n".join(section(comp))
    assert "DSA" in text and "What the numbers show" in text


def test_fixed_points_of_the_toys(comp):
    well = comp.fixed["ann_well"][0].epochs["stimulus"].counts()
    point = comp.fixed["ann_point"][0].epochs["stimulus"].counts()
    assert (well["stable"], well["saddle"]) == (2, 1)
    assert (point["stable"], point["saddle"]) == (1, 0)
    assert all(r.decision["stimulus"] for r in comp.fixed["ann_well"])
    assert not any(r.decision["stimulus"] for r in comp.fixed["ann_point"])


def test_words_decision_structure(comp):
    words = findings(comp)
    assert any(w.startswith("ann_well shares the decision structure of rate (2 of 2 seeds)") for w in words)
    assert any(w.startswith("ann_point does not share the decision structure of rate") for w in words)


def test_words_cue_memory(comp):
    words = findings(comp)
    assert any(w.startswith("rate holds the cue as a working-memory network does") for w in words)
    assert any(w.startswith("ann_point forgets the cue") for w in words)


def test_words_spiking_placed_with_baselines(comp):
    words = [w for w in findings(comp) if w.startswith("spk sits nearest to")]
    assert len(words) == 1
    assert "seed spread" in words[0] and "shuffle null" in words[0]


def test_no_ann_shares_a_structure_the_rate_model_lacks():
    """Control: with the reference (rate) a point attractor, an ANN with the structure is not said to share it."""
    comp = compute([_realization(rate_well=False)], fixed_points=True, **{**OPTS, "n_shuffle": 1})
    words = findings(comp)
    assert not any("shares the decision structure" in w for w in words)
    assert any(w.startswith("ann_well has the decision structure in 1 of 1 seeds; no rate model has it") for w in words)


def test_figures_draw(comp, tmp_path):
    from attnsim.plots.dynamics_figures import save_dynamics_figures
    files = save_dynamics_figures(comp, str(tmp_path))
    assert {p.rsplit("/", 1)[1] for p in files} >= {"fixed_points.png", "dsa.png"}


def test_report_section_lists_every_model_of_a_run_in_memory(tmp_path):
    """The report's section from a run held in memory: every model is listed; a model that cannot be
    rebuilt (here: no scenario.yaml in the run directory) reads n/a with the reason, never a traceback."""
    from attnsim.dynamics.words import report_section
    from attnsim.result import Result

    real = _realization()
    run = Result(trials=real.trials, activities=real.activities, capabilities=real.capabilities,
                 families=real.families)
    summary = {"task": "selective", "seed": 1,
               "models": {n: {"family": real.families[n], "kind": real.kinds[n]} for n in real.activities}}
    lines = report_section(str(tmp_path), {}, summary, runs={str(tmp_path): run}, **{**OPTS, "n_shuffle": 1})
    text = "\n".join(lines)
    assert text.startswith("## How the models compute")
    for name in real.activities:
        assert f"| {name} |" in text
    assert "n/a: no scenario.yaml" in text and SPIKING_NOTE in text
    assert (tmp_path / "dynamics" / "dsa.png").is_file()
    import json
    data = json.loads((tmp_path / "dynamics" / "dynamics.json").read_text())
    assert set(data["models"]) == set(real.activities) and data["dsa"]["names"]


def test_seeds_with_another_trial_order_share_cells_and_give_a_seed_spread():
    """compare_attention.yaml (2026-12-07): each seed draws its own trial order, so the cells of its
    samples came in another order, every later seed was dropped ("other conditions than the first
    model's") and DSA had no within-architecture spread ("seed spread unknown (one seed)")."""
    comp2 = compute([_realization(seed=0), _realization(seed=1, reverse=True)], **OPTS)
    assert not any("other conditions" in d for d in comp2.samples.values())
    names = comp2.dsa.names
    assert set(names) == {"rate", "ann_well", "ann_point", "spk", "ffwd"}
    assert np.isfinite(np.diag(comp2.dsa.distance)).all()          # the spread between the two seeds


def test_common_cells_aligns_orders_and_drops_a_cell_missing_at_one_seed():
    from attnsim.dynamics.computation import common_cells
    a = np.arange(3.0)[:, None, None] * np.ones((3, 2, 1))          # cells x, y, z hold 0, 1, 2
    runs = {"m": [(["x", "y", "z"], a), (["z", "x"], a[[2, 0]])]}
    out, dropped = common_cells(runs)
    assert dropped == ["y"]
    assert [float(m[:, 0, 0].tolist()[0]) for m in out["m"]] == [0.0, 0.0]
    assert out["m"][1][:, 0, 0].tolist() == [0.0, 2.0]
