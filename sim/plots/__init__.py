"""Figures of a run, by name (attnsim.plots.registry: `figures`, `draw`); object-oriented
matplotlib only, so importing this package never changes the matplotlib backend."""
