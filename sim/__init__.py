"""attnsim upper layer: scenarios, tasks, runner, run store, analysis, plots, CLI."""
__version__ = "0.1.0"
