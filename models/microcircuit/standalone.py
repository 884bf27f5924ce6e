"""Build a Brian2 network once as a cpp_standalone binary and run it many times.

The project directory lives under $ATTNSIM_CACHE_DIR (default ~/.cache/attnsim), keyed by a
hash of the configuration, this package's source and the Brian2 version. A directory that
already holds a compiled binary is reused without calling Brian2 at all. Each run calls the
binary directly (own results directory, inputs as TimedArray run arguments), so runs never
recompile, and the global Brian2 device is restored to runtime after the build. The binary
writes only the recorded arrays and the synapse counts and then exits: Brian2's own final
dump of every array (gigabytes of synapse weights at full scale) is skipped.

Seeds: generated code re-seeds every random generator from environment variables at the
points marked by `seed_point(name)` (e.g. "NET" before the synapses are created, "TRIAL"
before the initial state and the run), so one binary serves every seed.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from attnsim.models.microcircuit import cpp_sources



def cache_root() -> Path:
    return Path(os.path.expanduser(os.environ.get("ATTNSIM_CACHE_DIR", "~/.cache/attnsim")))


def source_fingerprint(extra_sources=()) -> str:
    """Hash of the network's source files, `extra_sources` (the caller's module) and the
    Brian2 version: a code change rebuilds."""
    import brian2
    h = hashlib.sha256(brian2.__version__.encode())
    here = Path(__file__).parent
    own = ["network.py", "pd14_params.py", "standalone.py", "truncnorm.py", "fused_pathways.py", "poisson_table.py", "xoshiro.py",
           "csr_synapses.py"]
    kernels = [Path(str(k)) for k in cpp_sources.paths()]
    for f in [*(here / n for n in own), *kernels, *map(Path, extra_sources)]:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _cpu_signature() -> dict:
    """The machine architecture and its CPU's instruction-set flags (Linux: /proc/cpuinfo's
    "flags" / "Features" line; elsewhere the processor name). Brian2 compiles with
    -march=native, so a binary is only valid on a CPU with the same flags."""
    import platform
    flags = ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                k, _, v = line.partition(":")
                if k.strip() in ("flags", "Features"):
                    flags = " ".join(sorted(v.split()))
                    break
    except OSError:
        flags = platform.processor()
    return {"machine": platform.machine(), "cpu_flags": hashlib.sha256(flags.encode()).hexdigest()[:16]}


def project_dir(kind: str, config: dict) -> Path:
    """Keyed by the configuration and the CPU (architecture and instruction-set flags: the
    binary is built with -march=native, so a cache shared by several machines never hands it
    to another CPU). The CPU is also in the name's prefix, `<kind>-<machine>-<flags digest>-`,
    which is what `_seed_from_sibling` matches, so object files are only ever reused from a
    build for the same CPU. After a source change Brian2 regenerates the project in the same
    directory and make recompiles only the files whose code changed."""
    cpu = _cpu_signature()
    key = json.dumps({"kind": kind, "config": config, "cpu": cpu}, sort_keys=True, default=str)
    prefix = f"{kind}-{cpu['machine'].replace('-', '_')}-{cpu['cpu_flags'][:8]}"
    return cache_root() / f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class PathwayCounts:
    """Synapse counts per (target, source) population pair of ONE Synapses object whose source
    and target group carry an integer population index `variable` (the fused column): the binary
    writes one count per entry of `pairs` ((target index, source index), ...), in that order."""
    synapses: object
    variable: str
    n_pops: int
    pairs: tuple

    @property
    def name(self) -> str:
        return f"{self.synapses.name}[{len(self.pairs)} pathways]"


_TIMER = {"started": False}


def start_run_timer() -> None:
    """Mark where the simulation starts in main() (call right before net.run): the binary then
    reports the wall time of the run alone, without synapse generation, as Binary.run()'s
    "run_s" (cf. NEST's Simulate time)."""
    from brian2 import device
    device.insert_code("main", "struct timespec attnsim_t0; clock_gettime(CLOCK_MONOTONIC, &attnsim_t0);")
    _TIMER["started"] = True


def seed_code(name: str) -> str:
    """C++ for main() that re-seeds Brian2's generators from $ATTNSIM_SEED_<name> (0 if unset)."""
    return cpp_sources.read("seed_point.cpp").replace("{NAME}", name)


def seed_point(name: str) -> None:
    """Re-seed all random generators from $ATTNSIM_SEED_<name> at this point of main()."""
    from brian2 import device
    device.insert_code("main", seed_code(name))


@dataclass
class Binary:
    """A compiled standalone project: where it is and where its outputs are written."""
    directory: Path
    outputs: dict          # name -> dtype string of the recorded array
    counts: list           # names of the Synapses objects whose sizes are reported
    timed_arrays: dict     # name -> (brian2 TimedArray name, shape)

    def run(self, seeds: dict[str, int], timed_arrays: dict[str, np.ndarray] | None = None,
            results_dir: Path | None = None, set_values: dict[str, float] | None = None) -> dict[str, np.ndarray]:
        """Run the binary once; returns the recorded arrays by name. `set_values` sets scalar
        variables on the command line, e.g. {"syn_L23I_to_L23E.gain": 0.0}."""
        d = self.directory
        own = results_dir is None
        results = Path(tempfile.mkdtemp(prefix="results-", dir=d)) if own else Path(results_dir)
        results.mkdir(parents=True, exist_ok=True)
        args = [str(d / "main"), "--results_dir", str(results) + os.sep]
        for name, values in (timed_arrays or {}).items():
            ta_name, shape = self.timed_arrays[name]
            values = np.ascontiguousarray(values, dtype=np.float64)
            if values.shape != tuple(shape):
                raise ValueError(f"timed array {name}: shape {values.shape}, built for {tuple(shape)}")
            f = results / f"{ta_name}.dat"
            values.tofile(f)
            args.append(f"{ta_name}.values={f}")
        args += [f"{k}={float(v)!r}" for k, v in (set_values or {}).items()]
        env = dict(os.environ)
        env.update({f"ATTNSIM_SEED_{k}": str(int(v)) for k, v in seeds.items()})
        p = subprocess.run(args, cwd=d, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            raise RuntimeError(f"standalone run failed ({p.returncode}) in {d}:\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
        out = {name: np.fromfile(results / f"attnsim_{name}.bin", dtype=dtype) for name, dtype in self.outputs.items()}
        out["synapse_counts"] = np.loadtxt(results / "attnsim_counts.txt", dtype=np.int64, ndmin=1)
        # csr_synapses kernels build their rows in the run's first step: that is synapse generation
        setup = sum(float(f.read_text().split()[0]) for f in results.glob("attnsim_csr_*.txt"))
        out["setup_s"] = setup
        if (results / "attnsim_run_s.txt").exists():
            out["run_s"] = float((results / "attnsim_run_s.txt").read_text()) - setup
        if own:
            for f in results.iterdir():
                f.unlink()
            results.rmdir()
        return out


def build_once(kind: str, config: dict, build, threads: int = 1, sources=()) -> Binary:
    """Return the compiled binary for `config`, building it with `build()` only when the cache
    has none. `build()` runs under the cpp_standalone device, must call `seed_point` where
    seeds are wanted, create and run an explicit brian2.Network, and return
    (outputs: name -> dynamic ArrayVariable (monitor), counts: list of Synapses,
    timed_arrays: name -> TimedArray)."""
    d = project_dir(kind, dict(config, threads=threads))
    d.parent.mkdir(parents=True, exist_ok=True)
    # one builder per directory at a time (parallel test runs share the cache)
    with open(d.parent / f"{d.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _build_locked(d, build, threads, sources)


def _build_locked(d: Path, build, threads: int, sources) -> Binary:
    meta = d / "attnsim_binary.json"
    fingerprint = source_fingerprint(sources)
    m = json.loads(meta.read_text()) if meta.exists() else {}
    if m.get("src") == fingerprint and (d / "main").exists():
        return Binary(d, m["outputs"], m["counts"], {k: tuple(v) for k, v in m["timed_arrays"].items()})
    if not d.exists():
        _seed_from_sibling(d)
    import brian2
    from brian2 import device, prefs, set_device
    old_threads = prefs.devices.cpp_standalone.openmp_threads
    old_float = prefs.core.default_float_dtype
    d.mkdir(parents=True, exist_ok=True)
    set_device("cpp_standalone", build_on_run=False, directory=str(d))
    try:
        prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
        # bounded parallel make: the default unbounded -j swamps a shared machine
        prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{min(2, os.cpu_count() or 1)}"]
        _TIMER["started"] = False
        outputs, counts, tas = build()
        device.insert_code("main", _dump_code(device, outputs, counts, timed=_TIMER["started"]))
        try:
            device.build(directory=str(d), compile=True, run=False, with_output=False)
        except RuntimeError:     # e.g. a make.deps left broken by an interrupted build
            device.build(directory=str(d), compile=True, run=False, with_output=False, clean=True)
        out = {k: np.dtype(v.dtype).str for k, v in outputs.items()}
        cnt = [S.name for S in counts]
        ta = {k: (v.name, list(v.values.shape)) for k, v in tas.items()}
    finally:
        prefs.devices.cpp_standalone.openmp_threads = old_threads
        prefs.core.default_float_dtype = old_float
        device.reinit()
        device.activate()
        set_device("runtime")
        brian2.core.network.Network._globally_stopped = False
    meta.write_text(json.dumps({"outputs": out, "counts": cnt, "timed_arrays": ta, "src": fingerprint}))
    return Binary(d, out, cnt, ta)


def _seed_from_sibling(d: Path) -> None:
    """Start a new project directory as a copy of the newest compiled one of the same kind
    (same prefix before the hash). Brian2 rewrites only the generated files whose text
    changed and make keeps the others' object files (mtimes preserved), so a new configuration
    that differs in a few constants (n_steps, a rate) compiles a handful of files, not all
    ~700 (a cold two-column build takes minutes on 2 cores)."""
    import shutil
    kind = d.name.rsplit("-", 1)[0]
    siblings = [p for p in d.parent.glob(f"{kind}-*") if p.is_dir() and (p / "main").exists()
                and p.name.rsplit("-", 1)[0] == kind]
    if not siblings:
        return
    src = max(siblings, key=lambda p: (p / "main").stat().st_mtime)
    tmp = d.parent / f".{d.name}.seeding"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp, symlinks=True, copy_function=shutil.copy2,
                    ignore=shutil.ignore_patterns("results-*", "results", "attnsim_binary.json"))
    tmp.rename(d)


def _dump_code(device, outputs, counts, timed: bool = False) -> str:
    """C++ for the end of main(): write the run time (if start_run_timer was called), the
    monitors' arrays and the synapse counts, then exit."""
    lines = ["{", "    using namespace brian;"]
    if timed:
        lines += ["    struct timespec attnsim_t1; clock_gettime(CLOCK_MONOTONIC, &attnsim_t1);",
                  '    { std::ofstream f(results_dir + "attnsim_run_s.txt");',
                  "      f << (attnsim_t1.tv_sec - attnsim_t0.tv_sec) + 1e-9 * (attnsim_t1.tv_nsec - attnsim_t0.tv_nsec)"
                  " << std::endl; }"]
    for name, var in outputs.items():
        arr = device.get_array_name(var, access_data=False)
        lines.append(f'    {{ std::ofstream f(results_dir + "attnsim_{name}.bin", std::ios::binary);')
        lines.append(f"      if (!{arr}.empty()) f.write(reinterpret_cast<char*>(&{arr}[0]), "
                     f"{arr}.size() * sizeof({arr}[0])); }}")
    lines.append('    { std::ofstream f(results_dir + "attnsim_counts.txt");')
    for S in counts:
        if type(S).__name__ == "KernelCounts":       # csr_synapses: counts written by the kernel
            lines += [f'      {{ std::ifstream g(results_dir + "attnsim_csr_{S.tag}.txt"); std::string line;',
                      "        std::getline(g, line);",
                      f"        for (int k = 0; k < {S.n_pairs}; k++) {{ std::getline(g, line); f << line << std::endl; }} }}"]
            continue
        if isinstance(S, PathwayCounts):
            syn = S.synapses
            pre = device.get_array_name(syn.variables["_synaptic_pre"], access_data=False)
            post = device.get_array_name(syn.variables["_synaptic_post"], access_data=False)
            pop_pre = device.get_array_name(syn.source.variables[S.variable])
            pop_post = device.get_array_name(syn.target.variables[S.variable])
            n = S.n_pops
            lines += [f"      {{ std::vector<long long> h({n * n}, 0);",
                      f"        for (size_t k = 0; k < {pre}.size(); k++)",
                      f"            h[{pop_post}[{post}[k]] * {n} + {pop_pre}[{pre}[k]]]++;"]
            lines += [f"        f << h[{t * n + s}] << std::endl;" for t, s in S.pairs]
            lines.append("      }")
            continue
        arr = device.get_array_name(S.variables["_synaptic_pre"], access_data=False)
        lines.append(f"      f << {arr}.size() << std::endl;")
    lines.append("    }")
    lines += ["    std::exit(0);", "}"]
    return "\n".join(lines)
