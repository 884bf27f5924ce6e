"""Finished trial chunks on disk: one .npz of plain arrays per chunk, checked when read back.

A run stores each finished chunk of trials so an interrupted run can resume. A chunk file
is `Activity.to_arrays()` (plain numpy arrays, so `np.load(..., allow_pickle=False)` reads
it and no class layout is needed to decode it) plus one entry `meta`: UTF-8 JSON held in a
uint8 array,

    {"format": FORMAT_VERSION, **caller_meta, "n_trials": T, "sha256": D}

where `caller_meta` is what the writer says the chunk is (model name, chunk index, trial
indices, seed, a `fingerprint` of its inputs and parameters) and

    D = SHA-256( canonical_json(meta without "sha256")
                 || for each array, by sorted key:  key \\0 dtype.str \\0 shape \\0 raw C-order bytes )

covers the meta and every array's name, dtype, shape and data. The zip comment (the last
64 bytes of the file) is a second SHA-256, of every byte before it: zip readers ignore most
header fields, so without it a damaged header byte would pass unnoticed. The archive is
otherwise what `np.savez` writes (stored, uncompressed `<key>.npy` members).

`load_chunk` gives the Activity back only when the file opens, both digests match, the
format is known and the meta matches what the reader expects; otherwise None and a short
reason, and the caller recomputes the chunk. So a missing, truncated, corrupted, foreign
or stale file costs a recomputation, never wrong data or a crash.

Files are written atomically: a temporary file in the same folder, fsync, `os.replace`;
a chunk file therefore exists only when complete (an interrupted write leaves at most a
`*.tmp` file beside it, which is never read).
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import struct
import tempfile
import zipfile
from typing import Any

import numpy as np

from attnsim.jsonable import jsonable
from attnsim.models.activity import Activity

FORMAT_VERSION = 2   # 2: Activity carries roles (chunks of format 1 have none: recomputed)
KNOWN_FORMATS = frozenset({2})
META_KEY = "meta"
RESERVED_META = frozenset({"format", "n_trials", "sha256"})
_ZIP_MAGIC = b"PK\x03\x04"
_TRAILER = 64                       # bytes of the hex SHA-256 in the zip comment
_BLOCK = 1 << 23                    # read size when hashing a file
_HEX = re.compile(rb"[0-9a-f]{64}")


def _canonical(obj: Any) -> str:
    """One text per JSON value: sorted keys, no spaces, no NaN (JSON has none)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _hash_array(h, key: str, a: np.ndarray) -> None:
    """Feed one named array to hash `h`: key, dtype, shape, then its bytes (no copy when C-contiguous)."""
    h.update(f"{key}\0{a.dtype.str}\0{tuple(a.shape)}\0".encode())
    a = np.ascontiguousarray(a)
    if a.size:
        h.update(memoryview(a.reshape(-1).view(np.uint8)))


def _digest(meta_body: dict, arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256(_canonical(meta_body).encode())
    for key in sorted(arrays):
        _hash_array(h, key, arrays[key])
    return h.hexdigest()


def _file_sha256(fh, n_bytes: int) -> str:
    """SHA-256 hex of the first `n_bytes` of open file `fh`, read in blocks into one reused buffer."""
    h = hashlib.sha256()
    buf = memoryview(bytearray(_BLOCK))
    fh.seek(0)
    left = n_bytes
    while left > 0:
        got = fh.readinto(buf[:min(_BLOCK, left)])
        if not got:
            raise EOFError("file shorter than expected")
        h.update(buf[:got])
        left -= got
    return h.hexdigest()


def _write_archive(fh, entries: dict[str, np.ndarray]) -> None:
    """An npz (what np.savez writes: one stored, uncompressed `<key>.npy` per entry) whose
    zip comment is the SHA-256 hex of every byte before it, so that a change to any byte of
    the file (zip headers included, which zip readers otherwise ignore) is detected."""
    with zipfile.ZipFile(fh, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.comment = b"0" * _TRAILER
        for key, arr in entries.items():
            with zf.open(key + ".npy", mode="w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(arr), allow_pickle=False)
    fh.flush()
    size = fh.seek(0, os.SEEK_END)
    digest = _file_sha256(fh, size - _TRAILER)
    fh.seek(size - _TRAILER)
    fh.write(digest.encode("ascii"))


class _HashingReader:
    """Reads a file front to back, feeding every byte read to one SHA-256 (so the file is
    read once: into small header buffers or straight into the arrays' own memory)."""

    def __init__(self, fh):
        self.fh, self.h, self.pos = fh, hashlib.sha256(), 0

    def read(self, n: int) -> bytes:
        b = self.fh.read(n)
        if len(b) != n:
            raise ValueError("file ends early")
        self.h.update(b)
        self.pos += n
        return b

    def readinto(self, view: memoryview) -> None:
        got = 0
        while got < len(view):
            n = self.fh.readinto(view[got:])
            if not n:
                raise ValueError("file ends early")
            got += n
        self.h.update(view)
        self.pos += got


def _read_verified(path: str) -> tuple[dict[str, np.ndarray] | None, str | None]:
    """All arrays of chunk file `path` after checking its file digest; (None, why) when it fails.

    Members are read in file order, each array's data straight into a new array (the only
    copy), while the bytes read go to the file's SHA-256. Zip CRCs are not recomputed: the
    SHA-256 over the whole file already covers every byte. Raises ValueError on a file whose
    layout is not the one `_write_archive` writes.
    """
    with open(path, "rb") as fh:
        try:
            with zipfile.ZipFile(fh) as zf:
                comment, infos = zf.comment, sorted(zf.infolist(), key=lambda zi: zi.header_offset)
        except Exception as e:
            return None, f"truncated or damaged archive ({type(e).__name__})"
        if len(comment) != _TRAILER or not _HEX.fullmatch(comment):
            return None, "not a chunk file (no digest trailer)"
        size = fh.seek(0, os.SEEK_END)
        fh.seek(0)
        r = _HashingReader(fh)
        arrays: dict[str, np.ndarray] = {}
        for zi in infos:
            name = zi.filename[:-4] if zi.filename.endswith(".npy") else None
            if (name is None or name in arrays or zi.compress_type != zipfile.ZIP_STORED
                    or zi.header_offset != r.pos):
                raise ValueError(f"unexpected archive member {zi.filename[:40]!r}")
            arrays[name] = _read_member(r, zi)
        r.read(size - _TRAILER - r.pos)                   # central directory and end records
        if fh.read() != comment:
            return None, "damaged archive (data after its end)"
    if r.h.hexdigest().encode("ascii") != comment:
        return None, "file digest mismatch (truncated or corrupted)"
    return arrays, None


def _read_member(r: _HashingReader, zi: zipfile.ZipInfo) -> np.ndarray:
    """The array of stored member `zi`, `r` standing at its local header (ValueError if malformed)."""
    local = r.read(30)
    if local[:4] != _ZIP_MAGIC:
        raise ValueError("bad local header")
    n_name, n_extra = struct.unpack("<HH", local[26:30])
    r.read(n_name + n_extra)
    begin = r.pos
    head = r.read(8)                                      # \x93NUMPY, major, minor
    if head[:6] != b"\x93NUMPY" or head[6:8] not in (b"\x01\x00", b"\x02\x00"):
        raise ValueError("not an .npy member written here")
    width = 2 if head[6] == 1 else 4
    n_len = r.read(width)
    head += n_len + r.read(int.from_bytes(n_len, "little"))
    fp = io.BytesIO(head)
    version = np.lib.format.read_magic(fp)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read_header(fp)
    if dtype.hasobject:
        raise ValueError("object array")
    if zi.file_size - (r.pos - begin) != math.prod(shape) * dtype.itemsize:
        raise ValueError("member size does not match its header")
    arr = np.empty(shape, dtype=dtype, order="F" if fortran else "C")
    if arr.size:
        r.readinto(memoryview(arr.reshape(-1, order="A").view(np.uint8)))
    return arr


def fingerprint(*parts: Any) -> str:
    """SHA-256 hex of arrays (dtype, shape, bytes) and JSON-able values, in order.

    For the caller's meta: e.g. `fingerprint(inputs[idx], params, channels, dt_ms)`, so a
    chunk computed from other inputs or parameters is not taken for this one.
    """
    h = hashlib.sha256()
    for i, p in enumerate(parts):
        if isinstance(p, np.ndarray) and not p.dtype.hasobject:
            _hash_array(h, f"array{i}", p)
        else:
            h.update(f"json{i}\0{_canonical(jsonable(p))}\0".encode())
    return h.hexdigest()


def save_chunk(path: str, activity: Activity, meta: dict) -> None:
    """Write `activity` and `meta` (JSON-able; numpy values are converted) to `path` atomically.

    `meta` may not use the keys in RESERVED_META. Raises on a write error (after removing
    its temporary file); `path` then holds whatever it held before.
    """
    clash = RESERVED_META.intersection(meta)
    if clash:
        raise ValueError(f"save_chunk: meta keys {sorted(clash)} are reserved")
    arrays = activity.to_arrays()
    if META_KEY in arrays:
        raise ValueError(f"save_chunk: array key {META_KEY!r} is reserved")
    body = {"format": FORMAT_VERSION, **jsonable(meta), "n_trials": int(activity.n_trials)}
    text = _canonical({**body, "sha256": _digest(body, arrays)})
    entries = {**arrays, META_KEY: np.frombuffer(text.encode("utf-8"), dtype=np.uint8)}
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w+b") as fh:
            _write_archive(fh, entries)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:   # make the rename itself durable; not every filesystem allows fsync on a folder
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def _reject(reasons: list | None, why: str) -> None:
    if reasons is not None:
        reasons.append(why)
    return None


def _short(value: Any, n: int = 60) -> str:
    text = _canonical(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= n else text[:n - 3] + "..."


def load_chunk(path: str, expect: dict, reasons: list | None = None) -> Activity | None:
    """The Activity stored at `path`, or None (reason appended to `reasons`) if it cannot be trusted.

    None when the file is missing, empty, not an npz, truncated or corrupted (unreadable
    entry, digest mismatch), of an unknown format, or when any key of `expect` differs from
    the stored meta (compared as JSON: tuples as lists, numpy values as Python ones).
    Never raises for a bad file.
    """
    try:
        if not os.path.exists(path):
            return _reject(reasons, "missing")
        if os.path.getsize(path) == 0:
            return _reject(reasons, "empty file")
        with open(path, "rb") as fh:
            if fh.read(4) != _ZIP_MAGIC:
                return _reject(reasons, "not an npz file")
        try:
            arrays, why = _read_verified(path)
        except Exception as e:
            return _reject(reasons, f"damaged archive ({type(e).__name__}: {_short(str(e), 50)})")
        if why is not None:
            return _reject(reasons, why)
        if META_KEY not in arrays:
            return _reject(reasons, "no meta entry (not a chunk file)")
        try:
            meta = json.loads(arrays.pop(META_KEY).tobytes().decode("utf-8"))
            if not isinstance(meta, dict) or "sha256" not in meta:
                raise ValueError("not a chunk meta")
        except Exception as e:
            return _reject(reasons, f"meta unreadable ({type(e).__name__})")
        if meta.get("format") not in KNOWN_FORMATS:
            return _reject(reasons, f"unknown format version {_short(meta.get('format'))}")
        for k, v in jsonable(expect).items():
            if k not in meta:
                return _reject(reasons, f"meta mismatch: no {k!r} stored")
            if meta[k] != v:
                return _reject(reasons, f"meta mismatch: {k} is {_short(meta[k])}, expected {_short(v)}")
        stored = meta.pop("sha256")
        if _digest(meta, arrays) != stored:
            return _reject(reasons, "digest mismatch")
        try:
            act = Activity.from_arrays(arrays)
        except Exception as e:
            return _reject(reasons, f"bad layout ({type(e).__name__})")
        if act.n_trials != meta.get("n_trials"):
            return _reject(reasons, f"holds {act.n_trials} trials, meta says {meta.get('n_trials')}")
        return act
    except Exception as e:   # anything else about a bad file (permissions, I/O errors)
        return _reject(reasons, f"unreadable ({type(e).__name__})")
