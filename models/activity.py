"""What a model returns for a batch of trials: the same shape for every family."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SENSORY, DECISION, HIDDEN = "sensory", "decision", "hidden"
ROLES = (SENSORY, DECISION, HIDDEN)


@dataclass
class Activity:
    """Activity of one model on a batch of trials.

    rates: (n_trials, n_steps, n_units) sampled every `dt_ms`; Hz for brain
        models, arbitrary units for artificial ones (`rate_unit` says which).
    groups: group name -> slice over the unit axis ("pool_A", "L23e", "hidden").
    selective_groups: the two groups that stand for location A and location B in the
        readout (the pools a choice is read from, or the columns a threshold reads); their
        rates are >= 0. Whether they are sensory neurons is said by `roles`, not by this.
    choice: (n_trials,) readout decision, 0 = A, 1 = B, -1 = none.
    reaction_time_ms: (n_trials,) from stimulus onset; NaN where undefined.
    spikes: for spiking models, group -> list (one per trial) of
        (node_ids int array, times_ms float array relative to trial start);
        `group_sizes` gives the number of neurons of each spiking group.
    extras: anything family-specific worth storing (attention weights, outputs).
    location_reports: (n_trials, 2) int, optional: an independent yes/no judgment
        per location (column 0 = A, 1 = B): 1 "present", 0 "absent", -1 none.
        Filled on dual-report tasks, where each location is judged on its own.
    location_evidence: (n_trials, 2) float, optional: the decision variable
        behind each location's report (larger = more evidence for "present").
    roles: group -> "sensory", "decision" or "hidden" (ROLES); groups not named have no role.
        sensory:  stimulus-driven neurons before the decision, the representation of
                  location A and of location B (the microcircuit's L2/3E and L4E; the
                  normalization model's pools). Rows 8, 9, 11 and 12 of docs/reference.md
                  describe such neurons (V1, V4, MT, IT), so their signatures are read here.
        decision: choice pools and readouts (Wang 2002 / Wong & Wang 2006 pools, an ANN's
                  softmax outputs): behaviour comes from them, sensory signatures never do.
        hidden:   neither (interneurons, an ANN's hidden units; the analysis layer may
                  classify hidden units by their selectivity, sim/analysis/sensory.py).
        The default {} means no sensory population: a plugin that names no roles gets
        "n/a: no sensory population" for sensory signatures, never a number read from its
        selective_groups. `sensory_pair()` gives the pair (A, B).
    """

    rates: np.ndarray
    dt_ms: float
    groups: dict[str, slice]
    selective_groups: tuple[str, str]
    choice: np.ndarray
    reaction_time_ms: np.ndarray
    rate_unit: str = "Hz"
    spikes: dict[str, list[tuple[np.ndarray, np.ndarray]]] | None = None
    group_sizes: dict[str, int] = field(default_factory=dict)
    extras: dict[str, np.ndarray] = field(default_factory=dict)
    location_reports: np.ndarray | None = None
    location_evidence: np.ndarray | None = None
    roles: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.rates.ndim != 3:
            raise ValueError(f"Activity.rates must be (trials, steps, units), got shape {self.rates.shape}")
        n = self.rates.shape[0]
        for name in ("choice", "reaction_time_ms"):
            if np.shape(getattr(self, name)) != (n,):
                raise ValueError(f"Activity.{name} must have shape ({n},), got {np.shape(getattr(self, name))}")
        for name in ("location_reports", "location_evidence"):
            value = getattr(self, name)
            if value is not None and np.shape(value) != (n, 2):
                raise ValueError(f"Activity.{name} must have shape ({n}, 2), got {np.shape(value)}")
        for g in self.selective_groups:
            if g not in self.groups:
                raise ValueError(f"Activity.selective_groups names {g!r}, not one of {sorted(self.groups)}")
        self.roles = dict(self.roles)
        for g, role in self.roles.items():
            if g not in self.groups:
                raise ValueError(f"Activity.roles names group {g!r}, not one of {sorted(self.groups)}")
            if role not in ROLES:
                raise ValueError(f"Activity.roles[{g!r}]: must be one of {list(ROLES)} (got {role!r})")

    def groups_with_role(self, role: str) -> list[str]:
        """The groups of one role, in the order of `groups`."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {list(ROLES)} (got {role!r})")
        return [g for g in self.groups if self.roles.get(g) == role]

    def sensory_pair(self) -> tuple[str, str] | None:
        """(group of location A, group of location B) of the sensory population, or None.

        The selective groups when both are sensory and differ (the microcircuit: A_L23E,
        B_L23E; None with one column, whose selective pair is A_L23E twice);
        otherwise, when exactly two groups are sensory, those two in the order of `groups`
        (location A's group listed first, e.g. a sensory stage beside decision pools);
        otherwise None: no sensory population, or none that splits into A and B.
        """
        a, b = self.selective_groups
        if self.roles.get(a) == SENSORY and self.roles.get(b) == SENSORY:
            return (a, b) if a != b else None          # one location only: no A/B pair
        sensory = self.groups_with_role(SENSORY)
        return (sensory[0], sensory[1]) if len(sensory) == 2 else None

    def describe_roles(self) -> str:
        """What the groups are, for an n/a reason: 'decision: pool_A, pool_B; hidden: ...'."""
        parts = [f"{r}: {', '.join(gs)}" for r in ROLES if (gs := self.groups_with_role(r))]
        unnamed = [g for g in self.groups if g not in self.roles]
        if unnamed:
            parts.append(f"no role named: {', '.join(unnamed)}")
        return "; ".join(parts)

    @property
    def n_trials(self) -> int:
        return self.rates.shape[0]

    def group_rate(self, name: str) -> np.ndarray:
        """Mean rate of one group, (n_trials, n_steps)."""
        return self.rates[:, :, self.groups[name]].mean(axis=2)

    def head(self, n: int) -> "Activity":
        """The first n trials (drops padding trials added to keep a batch size fixed)."""
        if n == self.n_trials:
            return self
        return self.take(np.arange(n))

    def take(self, idx) -> "Activity":
        """The trials `idx` (an int index array, repeats allowed: bootstrap resamples), in that order."""
        idx = np.asarray(idx, dtype=np.int64)
        spikes = None if self.spikes is None else {g: [v[i] for i in idx] for g, v in self.spikes.items()}
        extras = {k: v[idx] for k, v in self.extras.items()}
        optional = {name: (None if getattr(self, name) is None else getattr(self, name)[idx])
                    for name in ("location_reports", "location_evidence")}
        return Activity(rates=self.rates[idx], dt_ms=self.dt_ms, groups=dict(self.groups),
                        selective_groups=self.selective_groups, choice=self.choice[idx],
                        reaction_time_ms=self.reaction_time_ms[idx], rate_unit=self.rate_unit, spikes=spikes,
                        group_sizes=dict(self.group_sizes), extras=extras, roles=dict(self.roles), **optional)

    @staticmethod
    def concatenate(parts: list["Activity"]) -> "Activity":
        """Join activities of consecutive trial chunks (same model, same groups)."""
        first = parts[0]
        spikes = None
        if first.spikes is not None:
            spikes = {g: [tr for p in parts for tr in p.spikes[g]] for g in first.spikes}
        extras = {}
        for k in first.extras:
            if all(k in p.extras for p in parts):
                extras[k] = np.concatenate([p.extras[k] for p in parts], axis=0)
        return Activity(
            rates=np.concatenate([p.rates for p in parts], axis=0),
            dt_ms=first.dt_ms,
            groups=dict(first.groups),
            selective_groups=first.selective_groups,
            choice=np.concatenate([p.choice for p in parts]),
            reaction_time_ms=np.concatenate([p.reaction_time_ms for p in parts]),
            rate_unit=first.rate_unit,
            spikes=spikes,
            group_sizes=dict(first.group_sizes),
            extras=extras,
            roles=dict(first.roles),
            **{name: (np.concatenate([getattr(p, name) for p in parts], axis=0)
                      if all(getattr(p, name) is not None for p in parts) else None)
               for name in ("location_reports", "location_evidence")},
        )

    # ------------------------------------------------------------------ flat array form
    # Keys of `to_arrays`, all plain numpy arrays (no object dtype, so
    # `np.load(..., allow_pickle=False)` reads them back):
    #   rates, choice, reaction_time_ms           as given (dtype and shape kept)
    #   dt_ms, rate_unit                          0-d arrays
    #   groups.names (G,) str, groups.slices (G, 3) int64 start/stop/step,
    #   groups.is_none (G, 3) bool                which of start/stop/step were None
    #   selective_groups (2,) str
    #   roles.names (R,) str, roles.values (R,) str   absent in arrays written before roles: {}
    #   group_sizes.names (S,) str, group_sizes.values (S,) int64
    #   extras/<name>                             one array per extra
    #   location_reports, location_evidence      only when not None
    #   spikes.groups (P,) str                    only when spikes is not None; then for
    #                                             group number p (position in spikes.groups):
    #   spikes/<p>/node_ids (N_p,), spikes/<p>/times_ms (N_p,)   all trials concatenated
    #   spikes/<p>/offsets (T_p + 1,) int64       trial t is [offsets[t]:offsets[t + 1]]
    # This ragged layout keeps trials with no spikes (equal offsets) and groups of zero
    # neurons (T_p empty trials). Spike groups are numbered, not named, in keys, so any
    # group name is safe. A group's trials share one dtype (as every model produces them);
    # mixed dtypes across trials would be promoted by the concatenation.

    def to_arrays(self) -> dict[str, np.ndarray]:
        """This activity as a flat {key: numpy array} mapping (layout above); see `from_arrays`."""
        names = list(self.groups)
        bounds = [(s.start, s.stop, s.step) for s in self.groups.values()]
        out: dict[str, np.ndarray] = {
            "rates": np.asarray(self.rates),
            "choice": np.asarray(self.choice),
            "reaction_time_ms": np.asarray(self.reaction_time_ms),
            "dt_ms": np.asarray(self.dt_ms),
            "rate_unit": np.asarray(str(self.rate_unit)),
            "groups.names": np.asarray(names, dtype=str).reshape(len(names)),
            "groups.slices": np.array([[0 if b is None else int(b) for b in row] for row in bounds],
                                      dtype=np.int64).reshape(len(names), 3),
            "groups.is_none": np.array([[b is None for b in row] for row in bounds],
                                       dtype=bool).reshape(len(names), 3),
            "selective_groups": np.asarray(list(self.selective_groups), dtype=str),
            "roles.names": np.asarray(list(self.roles), dtype=str).reshape(len(self.roles)),
            "roles.values": np.asarray(list(self.roles.values()), dtype=str).reshape(len(self.roles)),
            "group_sizes.names": np.asarray(list(self.group_sizes), dtype=str).reshape(len(self.group_sizes)),
            "group_sizes.values": np.asarray([int(v) for v in self.group_sizes.values()], dtype=np.int64),
        }
        for k, v in self.extras.items():
            out[f"extras/{k}"] = np.asarray(v)
        for name in ("location_reports", "location_evidence"):
            if getattr(self, name) is not None:
                out[name] = np.asarray(getattr(self, name))
        if self.spikes is not None:
            out["spikes.groups"] = np.asarray(list(self.spikes), dtype=str).reshape(len(self.spikes))
            for p, trials in enumerate(self.spikes.values()):
                ids = [np.asarray(t[0]) for t in trials]
                ts = [np.asarray(t[1]) for t in trials]
                out[f"spikes/{p}/offsets"] = np.concatenate(
                    [[0], np.cumsum([a.size for a in ids], dtype=np.int64)]).astype(np.int64)
                out[f"spikes/{p}/node_ids"] = np.concatenate(ids) if ids else np.zeros(0, np.int64)
                out[f"spikes/{p}/times_ms"] = np.concatenate(ts) if ts else np.zeros(0, np.float64)
        for k, v in out.items():
            if v.dtype.hasobject:
                raise TypeError(f"Activity.to_arrays: {k!r} has dtype object, which cannot be stored "
                                f"without pickle; give it a numeric or string dtype")
        return out

    @classmethod
    def from_arrays(cls, arrays) -> "Activity":
        """The activity that `to_arrays` flattened (any mapping: dict, an open np.load file).

        Spike arrays of one group are views into that group's concatenated arrays.
        Raises KeyError / ValueError on a mapping that is not such a layout.
        """
        a = {k: arrays[k] for k in arrays.keys()}
        names = [str(n) for n in a["groups.names"]]
        sl, none = a["groups.slices"], a["groups.is_none"]
        if sl.shape != (len(names), 3) or none.shape != (len(names), 3):
            raise ValueError("Activity.from_arrays: groups.slices / groups.is_none do not match groups.names")
        groups = {n: slice(*(None if none[i, j] else int(sl[i, j]) for j in range(3)))
                  for i, n in enumerate(names)}
        size_names, size_values = a["group_sizes.names"], a["group_sizes.values"]
        if size_names.shape != size_values.shape:
            raise ValueError("Activity.from_arrays: group_sizes names and values differ in length")
        spikes = None
        if "spikes.groups" in a:
            spikes = {}
            for p, g in enumerate(a["spikes.groups"]):
                off, ids, ts = (a[f"spikes/{p}/{part}"] for part in ("offsets", "node_ids", "times_ms"))
                if (off.ndim != 1 or off.size < 1 or off[0] != 0 or off[-1] != ids.size
                        or ids.shape != ts.shape or np.any(np.diff(off) < 0)):
                    raise ValueError(f"Activity.from_arrays: spike offsets of group {str(g)!r} are inconsistent")
                spikes[str(g)] = [(ids[off[t]:off[t + 1]], ts[off[t]:off[t + 1]]) for t in range(off.size - 1)]
        return cls(
            rates=a["rates"], dt_ms=a["dt_ms"].item(), groups=groups,
            selective_groups=tuple(str(g) for g in a["selective_groups"]),
            choice=a["choice"], reaction_time_ms=a["reaction_time_ms"], rate_unit=str(a["rate_unit"].item()),
            spikes=spikes,
            group_sizes={str(n): int(v) for n, v in zip(size_names, size_values)},
            extras={k[len("extras/"):]: v for k, v in a.items() if k.startswith("extras/")},
            location_reports=a.get("location_reports"), location_evidence=a.get("location_evidence"),
            roles={str(n): str(v) for n, v in zip(a.get("roles.names", ()), a.get("roles.values", ()))},
        )
