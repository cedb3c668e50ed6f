"""A run over 2 s shows progress (model batches scored), none with
progress=False; the GIL is free while the checks run."""

from __future__ import annotations

import threading
import time

import pytest

import attest
from test_model import OnnxClassifier, model_case


class Slow(OnnxClassifier):
    def predict_proba(self, X):
        time.sleep(0.02)
        return super().predict_proba(X)


def test_progress_bar_on_a_long_run(conformance, capfd, monkeypatch):
    import sys

    # The text bar (tqdm's widget when tqdm is installed).
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    d, features, _ = model_case(conformance, "model_public")
    ref, cur = str(d / "reference.parquet"), str(d / "current.parquet")
    started = time.monotonic()
    attest.check(ref, cur, model=Slow(d / "model.onnx", features))
    assert time.monotonic() - started > 2.5, "the run must take over 2 s for this test"
    err = capfd.readouterr().err
    assert "rows scored by the model" in err
    attest.check(ref, cur, model=Slow(d / "model.onnx", features), progress=False)
    assert "attest: [" not in capfd.readouterr().err


def test_other_threads_run_while_checks_run(conformance):
    import numpy as np
    import pyarrow as pa

    n = 1_500_000
    rng = np.random.default_rng(1)
    big = pa.table({f"c{i}": rng.normal(size=n) for i in range(6)})
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=tick)
    t.start()
    started = time.monotonic()
    try:
        attest.check(big, big, progress=False)
    finally:
        stop.set()
        t.join()
    took = time.monotonic() - started
    during = [x for x in ticks if started < x < started + took]
    if took < 0.5:
        pytest.skip("the run was too quick to tell")
    # A thread holding the GIL for the run would allow no ticks at all.
    assert len(during) > took / 0.01 * 0.3
