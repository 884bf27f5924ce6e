"""attnsim command line: validate, run, list, figures.

Exit codes: 0 success; 1 `--check` found a failed or inconclusive expectation; 2 bad input
(scenario file, options, run directory); 130 interrupted (resumable).
"""
from __future__ import annotations

import argparse
import os
import shutil
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
    r.add_argument("--workers", type=int, help="parallel worker processes (default: scenario run.workers)")
    r.add_argument("--check", action="store_true",
                   help="exit 1 if an expectation fails or is inconclusive (known deviations and calibrations do not)")
    r.add_argument("--resume", metavar="DIR.partial", help="finish an interrupted run")
    r.add_argument("--weights-from", metavar="RUN_DIR",
                   help="reuse trained weights of a finished run instead of training again")
    r.add_argument("--quiet", action="store_true", help="no progress bars")
    sub.add_parser("list", help="tasks, model families, metrics and figures, one line each")
    f = sub.add_parser("figures", help="redraw the figures of a run directory from its stored results")
    f.add_argument("run_dir")
    return p


def _fail(messages) -> int:
    for m in messages if isinstance(messages, list) else [messages]:
        print(f"error: {m}", file=sys.stderr)
    return 2


def cmd_validate(args) -> int:
    from attnsim.scenario.load import load_scenario
    from attnsim.scenario.yaml_lines import ScenarioError
    bad = 0
    for path in args.files:
        try:
            scn, _ = load_scenario(path)
            print(f"ok: {path} ({scn.task.kind} task, {len(scn.models)} models, {len(scn.expect)} expectations)")
        except ScenarioError as e:
            bad += 1
            _fail(e.messages)
    return 2 if bad else 0


def cmd_list(args) -> int:
    from attnsim.models.registry import FAMILIES
    from attnsim.analysis.registry import METRICS
    from attnsim.plots.registry import FIGURES
    from attnsim.tasks import TASKS
    print("tasks:")
    for k, doc in TASKS.items():
        print(f"  {k:24s} {doc}")
    print("model families:")
    from attnsim.models.base import capabilities_of, kind_of
    for k, entry in FAMILIES.bundled().items():
        caps = ", ".join(sorted(capabilities_of(entry.obj)))
        print(f"  {k:24s} [{kind_of(entry.obj)}{'; ' + caps if caps else ''}] {entry.summary}")
    print("metrics:")
    for k, (_, doc) in METRICS.items():
        print(f"  {k:24s} {doc}")
    print("figures:")
    for k, doc in FIGURES.items():
        print(f"  {k:24s} {doc}")
    return 0


def _draw_figures(scn_figures, run, summary, run_dir) -> list[str]:
    from attnsim.plots.registry import draw
    out = os.path.join(run_dir, "figures")
    os.makedirs(out, exist_ok=True)
    files = []
    for name in scn_figures:
        files += draw(name, run, summary, out, run_dir)
    return files


def cmd_run(args) -> int:
    from attnsim import runner
    from attnsim.expectations import table
    from attnsim.provenance import provenance
    from attnsim.scenario.load import load_scenario
    from attnsim.scenario.yaml_lines import ScenarioError

    started = time.time()
    if args.resume:
        if args.file or args.set or args.seed is not None:
            return _fail("--resume takes the scenario stored in the run directory; do not pass a file, --set or --seed")
        path = os.path.join(args.resume.rstrip("/"), "scenario.yaml")
        if not os.path.exists(path):
            return _fail(f"--resume {args.resume}: no scenario.yaml inside; is this an attnsim run directory?")
    elif not args.file:
        return _fail("attnsim run: give a scenario file (or --resume DIR.partial)")
    else:
        path = args.file
    try:
        scn, resolved = load_scenario(path, overrides=args.set, seed=args.seed)
    except ScenarioError as e:
        return _fail(e.messages)
    workers = args.workers or scn.run.workers
    if workers < 1:
        return _fail(f"--workers: must be at least 1 (got {workers})")
    if args.weights_from and scn.sweep is not None:
        return _fail("--weights-from: not supported for sweeps (each point trains its own models)")
    if args.weights_from and not os.path.isdir(os.path.join(args.weights_from, "weights")):
        return _fail(f"--weights-from {args.weights_from}: no weights/ folder in that directory")
    try:
        partial, final = runner.prepare_dir(args.out, scn.name, args.resume)
    except runner.RunError as e:
        return _fail(str(e))
    if args.weights_from:
        os.makedirs(os.path.join(partial, "weights"), exist_ok=True)
        for fname in os.listdir(os.path.join(args.weights_from, "weights")):
            shutil.copy2(os.path.join(args.weights_from, "weights", fname), os.path.join(partial, "weights", fname))
    what = (f"{len(runner_points(resolved))} sweep points" if scn.sweep else f"{scn.task.n_trials} {scn.task.kind} trials")
    print(f"running {scn.name!r}: {what} x {len(scn.models)} models -> {final}", file=sys.stderr)
    try:
        if scn.sweep is not None:
            from attnsim.plots.sweep_figure import draw_sweep
            from attnsim.sweep import run_sweep
            summary = run_sweep(scn, resolved, partial, workers=workers, started=started, quiet=args.quiet)
            runner.write_json(os.path.join(partial, "summary.json"), summary)
            os.makedirs(os.path.join(partial, "figures"), exist_ok=True)
            draw_sweep(summary, os.path.join(partial, "figures"), resolved["sweep"]["plot"])
            runner.write_json(os.path.join(partial, "provenance.json"), provenance(scn.seed, {}, started))
        else:
            summary = runner.complete(scn, resolved, partial, workers=workers, started=started, quiet=args.quiet)
        if scn.report:
            from attnsim.report import write_report
            write_report(partial, resolved, summary)
    except KeyboardInterrupt:
        print(f"\ninterrupted; finished trials are kept. Resume with: attnsim run --resume {partial}",
              file=sys.stderr)
        return 130
    runner.finish(partial, final)
    _print_summary(summary)
    print(table(summary["expectations"]))
    print(f"run directory: {final}")
    if args.check and not summary["all_expectations_pass"]:
        bad = [e for e in summary["expectations"] if e.get("verdict", "fail" if not e.get("pass") else "pass")
               in ("fail", "inconclusive")]
        kinds = sorted({e.get("verdict", "fail") for e in bad})
        print(f"check failed: {len(bad)} expectation(s) {' or '.join(kinds)} "
              "(known deviations and calibrations do not fail a check)", file=sys.stderr)
        return 1
    return 0


def runner_points(resolved: dict) -> list:
    from attnsim.scenario.load import sweep_points
    return sweep_points(resolved)


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
    import json

    import yaml

    from attnsim.store import read_results
    run_dir = args.run_dir.rstrip("/")
    needed = [os.path.join(run_dir, f) for f in ("results.h5", "summary.json", "scenario.yaml")]
    missing = [p for p in needed if not os.path.exists(p)]
    if missing:
        return _fail(f"{run_dir}: not a finished attnsim run directory (missing {', '.join(map(os.path.basename, missing))})")
    with open(os.path.join(run_dir, "summary.json")) as fh:
        summary = json.load(fh)
    with open(os.path.join(run_dir, "scenario.yaml")) as fh:
        scenario = yaml.safe_load(fh)
    run = read_results(os.path.join(run_dir, "results.h5"))
    files = _draw_figures(scenario.get("figures", []), run, summary, run_dir)
    for f in files:
        print(f)
    return 0


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    return {"validate": cmd_validate, "run": cmd_run, "list": cmd_list, "figures": cmd_figures}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
