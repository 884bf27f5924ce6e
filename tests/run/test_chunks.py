"""Chunk files: Activity <-> plain arrays round trip, and load_chunk refusing any file it cannot trust."""
import json
import os
import zipfile

import numpy as np
import pytest

from attnsim import chunks
from attnsim.chunks import fingerprint, load_chunk, save_chunk
from attnsim.models.activity import Activity

META = {"model": "net", "chunk": 3, "trials": [6, 7, 8], "seed": 11, "inputs": "ab12"}


def _brain(n=3):
    """Spiking-like activity: float32 rates, int32 ids, one trial without spikes, one empty group."""
    rng = np.random.default_rng(1)
    spikes = {"exc": [], "inh": [], "none": []}
    for t in range(n):
        k = 0 if t == 1 else 5 + t          # trial 1: no spikes at all
        spikes["exc"].append((rng.integers(0, 40, k).astype(np.int32), np.sort(rng.random(k)) * 500.0))
        spikes["inh"].append((rng.integers(0, 10, 2).astype(np.int32), rng.random(2) * 500.0))
        spikes["none"].append((np.zeros(0, np.int32), np.zeros(0)))   # a group of zero neurons
    return Activity(rates=rng.random((n, 7, 3)).astype(np.float32), dt_ms=0.5,
                    groups={"exc_A": slice(0, 1), "exc_B": slice(1, 2), "inh": slice(2, 3), "all": slice(None, 3)},
                    selective_groups=("exc_A", "exc_B"), choice=np.array([0, -1, 1][:n]),
                    reaction_time_ms=np.array([120.5, np.nan, 80.0][:n]), rate_unit="Hz", spikes=spikes,
                    group_sizes={"exc": 40, "inh": 10, "none": 0})


def _artificial(n=4):
    rng = np.random.default_rng(2)
    return Activity(rates=rng.normal(size=(n, 5, 6)), dt_ms=1, groups={"a": slice(0, 3), "b": slice(3, 6, 1)},
                    selective_groups=("a", "b"), choice=rng.integers(-1, 2, n).astype(np.int8),
                    reaction_time_ms=np.full(n, np.nan), rate_unit="a.u.",
                    extras={"logits": rng.normal(size=(n, 5, 2)).astype(np.float32), "step": np.arange(n),
                            "tag": np.array(["x"] * n)},
                    location_reports=rng.integers(-1, 2, (n, 2)), location_evidence=rng.normal(size=(n, 2)))


def _assert_equal(a: Activity, b: Activity):
    for name in ("rates", "choice", "reaction_time_ms", "location_reports", "location_evidence"):
        x, y = getattr(a, name), getattr(b, name)
        if x is None:
            assert y is None, name
            continue
        assert y.dtype == x.dtype and y.shape == x.shape, name
        np.testing.assert_array_equal(y, x)
    assert b.dt_ms == a.dt_ms and type(b.dt_ms) is type(a.dt_ms)
    assert b.groups == a.groups and list(b.groups) == list(a.groups)
    assert b.selective_groups == a.selective_groups and b.rate_unit == a.rate_unit
    assert b.group_sizes == a.group_sizes
    assert list(b.extras) == list(a.extras)
    for k, v in a.extras.items():
        assert b.extras[k].dtype == v.dtype
        np.testing.assert_array_equal(b.extras[k], v)
    if a.spikes is None:
        assert b.spikes is None
        return
    assert list(b.spikes) == list(a.spikes)
    for g, trials in a.spikes.items():
        assert len(b.spikes[g]) == len(trials)
        for (i0, t0), (i1, t1) in zip(trials, b.spikes[g]):
            assert i1.dtype == i0.dtype and t1.dtype == t0.dtype
            np.testing.assert_array_equal(i1, i0)
            np.testing.assert_array_equal(t1, t0)


@pytest.mark.parametrize("make", [_brain, _artificial])
def test_arrays_round_trip(make):
    act = make()
    arrays = act.to_arrays()
    assert all(isinstance(v, np.ndarray) and not v.dtype.hasobject for v in arrays.values())
    _assert_equal(act, Activity.from_arrays(arrays))


def test_spike_layout_keeps_empty_trials():
    arrays = _brain().to_arrays()
    p = list(arrays["spikes.groups"]).index("exc")
    off = arrays[f"spikes/{p}/offsets"]
    assert off[1] == off[2]                                    # trial 1 has no spikes
    q = list(arrays["spikes.groups"]).index("none")
    assert list(arrays[f"spikes/{q}/offsets"]) == [0, 0, 0, 0]


def test_spikes_none_stays_none():
    act = _artificial()
    assert "spikes.groups" not in act.to_arrays()
    assert Activity.from_arrays(act.to_arrays()).spikes is None


def test_to_arrays_refuses_object_extras():
    act = _artificial()
    act.extras["bad"] = np.array([{"a": 1}] * act.n_trials, dtype=object)
    with pytest.raises(TypeError):
        act.to_arrays()


@pytest.mark.parametrize("make", [_brain, _artificial])
def test_save_load_round_trip(tmp_path, make):
    act, path = make(), str(tmp_path / "00003.npz")
    save_chunk(path, act, META)
    reasons = []
    back = load_chunk(path, META, reasons)
    assert back is not None, reasons
    assert reasons == []
    _assert_equal(act, back)
    assert os.listdir(tmp_path) == ["00003.npz"]               # no temporary file left


def test_file_reads_without_pickle(tmp_path):
    path = str(tmp_path / "c.npz")
    save_chunk(path, _brain(), {**META, "trials": np.array([6, 7, 8]), "seed": np.int64(11)})
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(z["meta"].tobytes().decode())
        assert z["rates"].shape == (3, 7, 3)
    assert meta["format"] == chunks.FORMAT_VERSION and meta["n_trials"] == 3
    assert meta["trials"] == [6, 7, 8] and meta["seed"] == 11
    assert len(meta["sha256"]) == 64
    assert load_chunk(path, META) is not None                 # numpy values in meta compare as JSON


def _rejected(path, expect=META):
    reasons = []
    assert load_chunk(path, expect, reasons) is None
    assert len(reasons) == 1 and reasons[0]
    return reasons[0]


def test_missing_empty_and_foreign_files(tmp_path):
    assert _rejected(str(tmp_path / "nope.npz")) == "missing"
    (tmp_path / "empty.npz").write_bytes(b"")
    assert _rejected(str(tmp_path / "empty.npz")) == "empty file"
    (tmp_path / "text.npz").write_text("not an archive\n")
    assert "not an npz" in _rejected(str(tmp_path / "text.npz"))
    np.savez(tmp_path / "other.npz", rates=np.zeros((1, 1, 1)))   # an npz, but not a chunk
    assert "not a chunk" in _rejected(str(tmp_path / "other.npz"))


def test_truncated_file(tmp_path):
    path = tmp_path / "c.npz"
    save_chunk(str(path), _brain(), META)
    data = path.read_bytes()
    for keep in (len(data) // 2, len(data) - 10, 10):
        path.write_bytes(data[:keep])
        _rejected(str(path))


def test_flipped_byte(tmp_path):
    """Any byte: array data, a zip header (ignored by zip readers) or the digest trailer itself."""
    path = tmp_path / "c.npz"
    save_chunk(str(path), _artificial(), META)
    data = bytearray(path.read_bytes())
    # bytes spread over the file (array data, local headers, npy headers), the central directory
    # and end records (the last ~200 bytes) and the digest trailer, one flipped at a time
    for pos in sorted(set(range(0, len(data), 23)) | set(range(len(data) - 200, len(data)))):
        damaged = bytearray(data)
        damaged[pos] ^= 0x01
        path.write_bytes(bytes(damaged))
        _rejected(str(path))
    assert _rejected(str(path)).startswith("file digest mismatch")


def _rewrite(path, entries):
    """Rebuild the archive with valid zip CRCs and a valid file trailer: only the array digest can tell."""
    with open(path, "w+b") as fh:
        chunks._write_archive(fh, entries)


def test_array_digest_catches_consistent_rewrite(tmp_path):
    path = tmp_path / "c.npz"
    save_chunk(str(path), _artificial(), META)
    with np.load(path, allow_pickle=False) as z:
        entries = {k: z[k] for k in z.files}
    _rewrite(path, entries)
    assert load_chunk(str(path), META) is not None             # the rewrite itself is faithful
    changed = {**entries, "choice": entries["choice"].copy()}
    changed["choice"][0] = 5
    _rewrite(path, changed)
    assert _rejected(str(path)) == "digest mismatch"
    _rewrite(path, {k: v for k, v in entries.items() if k != "choice"})   # an entry removed
    assert _rejected(str(path)) == "digest mismatch"
    meta = json.loads(entries["meta"].tobytes().decode())
    meta["n_trials"] = 3                                       # meta edited, its digest left alone
    _rewrite(path, {**entries, "meta": np.frombuffer(json.dumps(meta).encode(), np.uint8)})
    assert _rejected(str(path)) == "digest mismatch"


def test_meta_of_another_chunk(tmp_path):
    path = str(tmp_path / "c.npz")
    save_chunk(path, _brain(), META)
    assert "seed" in _rejected(path, {**META, "seed": 12})
    assert "trials" in _rejected(path, {**META, "trials": [6, 7, 9]})
    assert "inputs" in _rejected(path, {**META, "inputs": "other"})
    assert "absent" in _rejected(path, {**META, "absent": 1})
    assert load_chunk(path, {"seed": 11}) is not None         # only the keys asked for are checked


def test_unknown_format(tmp_path, monkeypatch):
    path = str(tmp_path / "c.npz")
    monkeypatch.setattr(chunks, "FORMAT_VERSION", 99)
    save_chunk(path, _artificial(), META)
    monkeypatch.undo()
    assert "format" in _rejected(path)


def test_reserved_meta_keys(tmp_path):
    with pytest.raises(ValueError):
        save_chunk(str(tmp_path / "c.npz"), _artificial(), {"n_trials": 4})


def test_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    path = str(tmp_path / "c.npz")

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        save_chunk(path, _brain(), META)
    monkeypatch.undo()
    assert not os.path.exists(path)
    assert os.listdir(tmp_path) == []                         # its temporary file was removed too
    # a process killed mid-write leaves its temporary file behind: never read as the chunk
    (tmp_path / "c.npz.abc123.tmp").write_bytes(b"PK\x03\x04partial")
    assert _rejected(path) == "missing"
    save_chunk(path, _brain(), META)
    assert load_chunk(path, META) is not None


def test_overwrite_replaces_old_chunk(tmp_path):
    path = str(tmp_path / "c.npz")
    save_chunk(path, _brain(), {**META, "seed": 1})
    save_chunk(path, _artificial(), {**META, "seed": 2})
    assert load_chunk(path, {"seed": 1}) is None
    _assert_equal(_artificial(), load_chunk(path, {"seed": 2}))
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None


def test_fingerprint_sees_inputs_and_params():
    x = np.arange(6.0).reshape(2, 3)
    base = fingerprint(x, {"g": 1.0}, ("stim_A",))
    assert base == fingerprint(x.copy(), {"g": 1.0}, ["stim_A"])
    assert base != fingerprint(x.astype(np.float32), {"g": 1.0}, ("stim_A",))
    assert base != fingerprint(x.reshape(3, 2), {"g": 1.0}, ("stim_A",))
    y = x.copy()
    y[1, 2] += 1e-12
    assert base != fingerprint(y, {"g": 1.0}, ("stim_A",))
    assert base != fingerprint(x, {"g": 1.5}, ("stim_A",))
