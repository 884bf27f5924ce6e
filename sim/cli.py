"""attnsim command line: validate, run, list, figures.

Exit codes: 0 success; 1 `--check` found a failed or inconclusive expectation; 2 bad input
(scenario file, options, run directory); 130 interrupted (resumable).
"""
from __future__ import annotations

import argparse
import os
import sys
import time


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code is 2 as well; keep its message short
        self.print_usage(sys.stderr)
        print(f"attnsim: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="attnsim", description="Brain-inspired and artificial models on the same attention trials.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    v = sub.add_parser("validate", help="check scenario files without running them")
    v.add_argument("files", nargs="+")
    r = sub.add_parser("run", help="run a scenario and write a run directory")
    r.add_argument("file", nargs="?", help="scenario YAML (omit with --resume)")
    r.add_argument("--out", help="run directory (default runs/<name>-<timestamp>)")
    r.add_argument("--seed", type=int, help="override the scenario seed")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario value, e.g. --set task.n_trials=20 (repeatable)")
    r.add_argument("--workers", type=int, help="parallel worker processes (default: scenario run.workers, else every core)")
    r.add_argument("--check", action="store_true",
                   help="exit 1 if an expectation fails or is inconclusive (known deviations and calibrations do not)")
    r.add_argument("--resume", metavar="DIR.partial", help="finish an interrupted run")
    r.add_argument("--weights-from", metavar="RUN_DIR",
                   help="reuse trained weights of a finished run instead of training again")
    r.add_argument("--quiet", action="store_true", help="no progress bars")
    r.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a running Dask cluster, e.g. tcp://127.0.0.1:8786 (default: scenario "
                        "run.scheduler, else a local cluster of --workers processes)")
    sub.add_parser("list", help="tasks, model families, metrics and figures, one line each")
    f = sub.add_parser("figures", help="redraw the figures of a run directory from its stored results")
    f.add_argument("run_dir")
    x = sub.add_parser("export", help="export a finished run directory to another format")
    x.add_argument("run_dir")
    x.add_argument("--nwb", action="store_true", help="one NWB file per model (pynwb), checked with nwbinspector")
    x.add_argument("--out", help="folder for the exported files (default RUN_DIR/nwb)")
    return p


def _fail(messages) -> int:
    for m in messages if isinstance(messages, list) else [messages]:
        print(f"error: {m}", file=sys.stderr)
    return 2


def cmd_validate(args) -> int:
    from attnsim.api import load_scenario
    from attnsim.errors import ScenarioError
    bad = 0
    for path in args.files:
        try:
            scn = load_scenario(path)
            print(f"ok: {path} ({scn.task.kind} task, {len(scn.models)} models, {len(scn.expect)} expectations)")
        except ScenarioError as e:
            bad += 1
            _fail(e.messages)
    return 2 if bad else 0


def cmd_list(args) -> int:
    from attnsim.models.base import capabilities_of, kind_of
    from attnsim.models.registry import FAMILIES
    from attnsim.registries import FIGURES, METRICS, TASKS
    for title, registry in (("tasks", TASKS), ("model families", FAMILIES), ("metrics", METRICS),
                            ("figures", FIGURES)):
        print(f"{title}:")
        for k, entry in registry.bundled().items():
            tag = ""
            if registry is FAMILIES:
                caps = ", ".join(sorted(capabilities_of(entry.obj)))
                tag = f"[{kind_of(entry.obj)}{'; ' + caps if caps else ''}] "
            print(f"  {k:24s} {tag}{entry.summary}")
    print("outside parts: name them as package.module:Name in a scenario (or install an entry point in the "
          "groups attnsim.families / attnsim.tasks / attnsim.metrics / attnsim.figures)")
    return 0


def cmd_run(args) -> int:
    from attnsim import api
    from attnsim.errors import ModelFailure, PluginError, RunError, ScenarioError

    if args.resume:
        if args.file or args.set or args.seed is not None:
            return _fail("--resume takes the scenario stored in the run directory; do not pass a file, --set or --seed")
    elif not args.file:
        return _fail("attnsim run: give a scenario file (or --resume DIR.partial)")
    if args.workers is not None and args.workers < 1:
        return _fail(f"--workers: must be at least 1 (got {args.workers})")
    partial = None
    try:
        if args.resume:
            scn, out, partial = None, None, args.resume.rstrip("/")
            name = os.path.basename(partial)
            what = "the rest of an interrupted run"
        else:
            scn = api.load_scenario(args.file, overrides=args.set, seed=args.seed)
            out = (args.out or os.path.join("runs", f"{scn.name}-{time.strftime('%Y%m%d-%H%M%S')}")).rstrip("/")
            partial, name = out + ".partial", scn.name
            n_points = len(api.sweep_plan(scn)) if scn.sweep is not None else 0
            what = (f"{n_points} sweep points" if scn.sweep else f"{scn.task.n_trials} {scn.task.kind} trials") \
                + f" x {len(scn.models)} models"
        final = partial[: -len(".partial")] if partial.endswith(".partial") else partial
        print(f"running {name!r}: {what} -> {final}", file=sys.stderr)
        result = api.run(scn, out=out, workers=args.workers, quiet=args.quiet, resume=args.resume,
                         weights_from=args.weights_from, scheduler=args.scheduler)
    except ScenarioError as e:
        return _fail(e.messages)
    except (RunError, PluginError) as e:
        return _fail(str(e))
    except ModelFailure as e:
        return _fail(f"{e}; finished chunks are kept: resume with `attnsim run --resume {partial}` "
                     "once it is fixed")
    except KeyboardInterrupt:
        print(f"\ninterrupted; finished trials are kept. Resume with: attnsim run --resume {partial}",
              file=sys.stderr)
        return 130
    summary = result.summary
    _print_summary(summary)
    print(result.expectation_table())
    print(f"run directory: {result.run_dir}")
    if args.check and not summary["all_expectations_pass"]:
        bad = [e for e in summary["expectations"] if e.get("verdict", "fail" if not e.get("pass") else "pass")
               in ("fail", "inconclusive")]
        kinds = sorted({e.get("verdict", "fail") for e in bad})
        print(f"check failed: {len(bad)} expectation(s) {' or '.join(kinds)} "
              "(known deviations and calibrations do not fail a check)", file=sys.stderr)
        return 1
    return 0


def _print_summary(summary: dict) -> None:
    if "sweep" in summary:
        print(f"sweep: {len(summary['sweep']['points'])} points; per-point metrics in summary.json and points/")
        return
    for name, m in summary["models"].items():
        acc = m["metrics"].get("accuracy", {})
        mi = m["metrics"].get("modulation_index", {})
        keys = [k for k in acc if "@" not in k and k != "all"] or list(acc)
        accs = ", ".join(f"{k} {acc[k]:.2f}" for k in keys if acc[k] is not None)
        line = f"{name:16s} ({m['family']})" + (f": accuracy {accs}" if accs else "")
        if mi.get("attended") is not None:
            line += f"; modulation index (attended) {mi['attended']:+.3f}"
        print(line)


def cmd_figures(args) -> int:
    from attnsim import api
    from attnsim.errors import PluginError, RunError
    from attnsim.plots.registry import draw
    try:
        result = api.open_run(args.run_dir)
        if result.is_sweep:
            return _fail(f"{args.run_dir}: a sweep; redraw a point's figures with `attnsim figures "
                         f"{os.path.join(args.run_dir.rstrip('/'), 'points', '000')}`")
        out = os.path.join(result.run_dir, "figures")
        os.makedirs(out, exist_ok=True)
        run = result.run_data()
        for name in result.scenario.get("figures", []):
            for f in draw(name, run, result.summary, out, result.run_dir):
                print(f)
    except (RunError, PluginError) as e:
        return _fail(str(e))
    return 0


def cmd_export(args) -> int:
    from attnsim import api
    from attnsim.errors import RunError
    if not args.nwb:
        return _fail("attnsim export: choose a format (--nwb)")
    try:
        from attnsim.nwb_export import export_nwb
        for path in export_nwb(api.open_run(args.run_dir), out_dir=args.out):
            print(path)
    except RunError as e:
        return _fail(str(e))
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    return {"validate": cmd_validate, "run": cmd_run, "list": cmd_list, "figures": cmd_figures,
            "export": cmd_export}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
