"""Redraw the figures kept in figures/ (and shown in the README) from the bundled scenarios.

    python figures/redraw.py              # every entry of figures/manifest.yaml
    python figures/redraw.py default      # some entries
    python figures/redraw.py --list       # what each entry runs and draws
    python figures/redraw.py compare --from-run runs/compare-...   # draw from a run already made

Each entry of `figures/manifest.yaml` names a scenario and the figures of its run directory to
keep. The scenario runs once through the `attnsim run` command (as a user would run it) into
`figures/.runs/<entry>`; an interrupted run resumes from its `.partial` directory, and a finished
run is reused while the scenario file and the code commit it was run with are unchanged. The
listed figures are copied here and `figures/PROVENANCE.md` records, per figure, the scenario, the
commit, the date and the wall time of the run that drew it.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MANIFEST = os.path.join(HERE, "manifest.yaml")
RUNS = os.path.join(HERE, ".runs")
PROVENANCE = os.path.join(HERE, "PROVENANCE.md")


def load_manifest(path: str = MANIFEST) -> dict:
    """The manifest's entries, checked: each has `scenario` (an existing file) and `figures` (a map)."""
    with open(path) as fh:
        data = yaml.safe_load(fh) or {}
    for name, entry in data.items():
        if not isinstance(entry, dict) or "scenario" not in entry or not isinstance(entry.get("figures"), dict):
            raise SystemExit(f"{path}: entry {name!r}: expected keys `scenario` (a file) and `figures` (a map)")
        if not os.path.isfile(os.path.join(ROOT, entry["scenario"])):
            raise SystemExit(f"{path}: entry {name!r}: scenario {entry['scenario']!r} not found")
    return data


def _commit() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "sim", "models", "scenarios"],
                               cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        return rev + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _fingerprint(entry: dict, commit: str) -> str:
    with open(os.path.join(ROOT, entry["scenario"]), "rb") as fh:
        text = fh.read()
    key = text + json.dumps(entry.get("set", [])).encode() + commit.encode()
    return hashlib.sha256(key).hexdigest()[:16]


def run_entry(name: str, entry: dict, commit: str) -> dict:
    """Run (or reuse, or resume) the entry's scenario; return its provenance record."""
    out = os.path.join(RUNS, name)
    stamp = os.path.join(out, ".redraw.json")
    fingerprint = _fingerprint(entry, commit)
    if os.path.isfile(stamp):
        with open(stamp) as fh:
            record = json.load(fh)
        if record.get("fingerprint") == fingerprint and "+changes" not in commit:
            print(f"[{name}] reusing {os.path.relpath(out, ROOT)} (same scenario and commit)")
            return record
        shutil.rmtree(out)
    partial = out + ".partial"
    if os.path.isdir(partial):
        cmd = [sys.executable, "-m", "attnsim", "run", "--resume", partial, "--quiet"]
    else:
        cmd = [sys.executable, "-m", "attnsim", "run", os.path.join(ROOT, entry["scenario"]), "--out", out, "--quiet"]
        for item in entry.get("set", []):
            cmd += ["--set", item]
    os.makedirs(RUNS, exist_ok=True)
    print(f"[{name}] {' '.join(cmd[2:])}", flush=True)
    start = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT)
    wall_s = time.monotonic() - start
    if proc.returncode not in (0, 1) or not os.path.isdir(out):   # 1: an expectation missed; still drawn
        raise SystemExit(f"[{name}] `attnsim run` failed (exit {proc.returncode}); figures left as they were")
    record = {"entry": name, "scenario": entry["scenario"], "set": entry.get("set", []), "commit": commit,
              "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "wall_s": round(wall_s, 1), "fingerprint": fingerprint}
    with open(stamp, "w") as fh:
        json.dump(record, fh, indent=1)
    return record


def adopt_run(name: str, entry: dict, run_dir: str) -> dict:
    """Use a finished run directory of the entry's scenario instead of running it again (a long
    scenario run once by `attnsim run`): it is copied to figures/.runs/<name>, and its provenance
    record (commit, start, wall time) is the run's own `provenance.json`, not this command's."""
    import yaml as _yaml

    with open(os.path.join(ROOT, entry["scenario"])) as fh:
        want = (_yaml.safe_load(fh) or {}).get("name")
    try:
        with open(os.path.join(run_dir, "scenario.yaml")) as fh:
            have = (_yaml.safe_load(fh) or {}).get("name")
        with open(os.path.join(run_dir, "provenance.json")) as fh:
            prov = json.load(fh)
    except OSError as exc:
        raise SystemExit(f"[{name}] --from-run {run_dir}: not a finished run directory ({exc.strerror}: "
                         f"{exc.filename})")
    if have != want:
        raise SystemExit(f"[{name}] --from-run {run_dir}: its scenario is {have!r}, the entry's "
                         f"{entry['scenario']} is {want!r}")
    out = os.path.join(RUNS, name)
    if os.path.abspath(run_dir) != os.path.abspath(out):
        if os.path.isdir(out):
            shutil.rmtree(out)
        shutil.copytree(run_dir, out)
    git = prov.get("git") or {}
    commit = (git.get("revision") or "unknown")[:7] + ("+changes" if git.get("dirty") else "")
    started = str(prov.get("started", ""))
    record = {"entry": name, "scenario": entry["scenario"], "set": entry.get("set", []), "commit": commit,
              "date": started[:16].replace("T", " ") + " UTC" if started else "unknown",
              "wall_s": float(prov.get("wall_s", float("nan"))), "fingerprint": "from-run",
              "from_run": os.path.abspath(run_dir)}
    with open(os.path.join(out, ".redraw.json"), "w") as fh:
        json.dump(record, fh, indent=1)
    return record


def _draw_registered(out: str, src: str, dest: str) -> bool:
    """`figure:<name>` sources: draw the registered figure from the finished run (a sweep's too,
    whose run directory keeps only its summary plot), as `attnsim.plots.registry.figures` does."""
    import attnsim
    from attnsim.plots.registry import figures

    run = attnsim.open_run(out)
    drawn = dict(figures(src.split(":", 1)[1], run, run.summary))
    if not drawn:
        return False
    next(iter(drawn.values())).savefig(os.path.join(HERE, dest), dpi=100)
    return True


def copy_figures(name: str, entry: dict) -> list[str]:
    out = os.path.join(RUNS, name)
    missing = [src for src in entry["figures"] if not src.startswith("figure:")
               and not os.path.isfile(os.path.join(out, src))]
    if missing:
        raise SystemExit(f"[{name}] the run drew no {', '.join(missing)}: check the entry's paths in "
                         f"{os.path.relpath(MANIFEST, ROOT)} against {os.path.relpath(out, ROOT)}")
    copied = []
    for src, dest in entry["figures"].items():
        if src.startswith("figure:"):
            if not _draw_registered(out, src, dest):
                raise SystemExit(f"[{name}] figure {src[7:]!r} draws nothing from {os.path.relpath(out, ROOT)}")
        else:
            shutil.copyfile(os.path.join(out, src), os.path.join(HERE, dest))
        copied.append(dest)
    return copied


def write_provenance(manifest: dict) -> None:
    """figures/PROVENANCE.md from every entry's last record (entries never drawn say so)."""
    lines = ["# Where each figure comes from", "",
             "Written by `python figures/redraw.py` (see figures/manifest.yaml); do not edit by hand.", "",
             "| figure | scenario | overrides | commit | drawn | run wall time |", "|---|---|---|---|---|---|"]
    for name, entry in manifest.items():
        stamp = os.path.join(RUNS, name, ".redraw.json")
        record = json.load(open(stamp)) if os.path.isfile(stamp) else None
        for dest in entry["figures"].values():
            if record is None:
                lines.append(f"| {dest} | {entry['scenario']} | | not drawn by this command yet | | |")
            else:
                over = ", ".join(record["set"]) or "none"
                lines.append(f"| {dest} | {record['scenario']} | {over} | {record['commit']} | {record['date']} "
                             f"| {record['wall_s'] / 60:.1f} min |")
    with open(PROVENANCE, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python figures/redraw.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("entries", nargs="*", help="entries of figures/manifest.yaml (default: all)")
    parser.add_argument("--list", action="store_true", help="list the entries and stop")
    parser.add_argument("--from-run", metavar="RUN_DIR", help="one entry only: take its figures from this "
                        "finished run of the entry's scenario instead of running it")
    args = parser.parse_args(argv)
    manifest = load_manifest()
    if args.list:
        for name, entry in manifest.items():
            print(f"{name}: {entry['scenario']} {' '.join(entry.get('set', []))} -> {', '.join(entry['figures'].values())}")
        return 0
    unknown = [e for e in args.entries if e not in manifest]
    if unknown:
        print(f"unknown entries {unknown}; valid: {sorted(manifest)}", file=sys.stderr)
        return 2
    if args.from_run and len(args.entries) != 1:
        print("--from-run needs exactly one entry", file=sys.stderr)
        return 2
    commit = _commit()
    for name in args.entries or list(manifest):
        if args.from_run:
            adopt_run(name, manifest[name], args.from_run)
        else:
            run_entry(name, manifest[name], commit)
        print(f"[{name}] -> figures/{', figures/'.join(copy_figures(name, manifest[name]))}")
    write_provenance(manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
