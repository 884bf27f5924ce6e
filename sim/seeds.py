"""One scenario seed derives every other seed (numpy SeedSequence), so the same
scenario and seed give the same numbers however the work is split."""
from __future__ import annotations

import zlib

import numpy as np


def _key(k) -> int:
    return k if isinstance(k, int) else zlib.crc32(str(k).encode())


def derive_seed(root: int, *keys) -> int:
    """A 31-bit seed for the stream named by `keys` under `root`."""
    ss = np.random.SeedSequence(entropy=int(root), spawn_key=tuple(_key(k) for k in keys))
    return int(ss.generate_state(1, dtype=np.uint32)[0] & 0x7FFFFFFF)
