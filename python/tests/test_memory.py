"""A notebook kernel lives for days: 1,000 runs in one process leave
resident memory flat (SPEC §7, issue 30)."""

from __future__ import annotations

import gc

import numpy as np
import pyarrow as pa

import attest


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def test_a_thousand_runs_keep_memory_flat():

    def table(seed):
        r = np.random.default_rng(seed)
        x = r.normal(size=300)
        return pa.table({"x": x, "g": r.choice(["a", "b", "c"], 300), "score": 1 / (1 + np.exp(-x)),
                         "label": (r.random(300) < 0.5).astype(np.int64)})

    ref, cur = table(1), table(2)
    for _ in range(100):  # warm up: allocator pools, caches, imports
        attest.check(ref, cur, progress=False)
    gc.collect()
    before = rss_bytes()
    for _ in range(900):
        report = attest.check(ref, cur, progress=False)
    gc.collect()
    grown = rss_bytes() - before
    assert report.status in ("pass", "warn", "fail")
    # 900 runs: a leak of even 20 KB a run would show as 18 MB.
    assert grown < 10 * 2**20, f"resident memory grew by {grown / 2**20:.1f} MiB over 900 runs"
