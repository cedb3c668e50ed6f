"""Bad input is attest.InputError (a ValueError) with the CLI's message;
Ctrl-C stops a run; nothing aborts the interpreter (SPEC §7)."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pyarrow as pa
import pytest

import attest


def small(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pa.table({"x": x, "score": 1 / (1 + np.exp(-x)), "label": (rng.random(n) < 0.5).astype(np.int64)})


def test_input_error_is_a_value_error():
    assert issubclass(attest.InputError, ValueError)


@pytest.mark.parametrize("bad", [42, 3.5, b"bytes", ["a", "list"], {"a": 1}, None])
def test_a_wrong_argument_type(bad):
    with pytest.raises(attest.InputError, match="dataset|not a dataset|bytes"):
        attest.check(bad, small(), progress=False)


def test_a_missing_file_names_it(tmp_path):
    with pytest.raises(attest.InputError, match="cannot open the reference dataset") as info:
        attest.check(str(tmp_path / "nope.parquet"), small(), progress=False)
    assert "nope.parquet" in str(info.value)


def test_a_missing_column_names_the_alternatives():
    with pytest.raises(attest.InputError, match=r"`nope`.*x, score, label|nope"):
        attest.check(small(), small(seed=1), label="nope", progress=False)


def test_an_empty_frame():
    empty = small().slice(0, 0)
    with pytest.raises(attest.InputError, match="no rows|empty"):
        attest.check(empty, small(), progress=False)


def test_a_bad_config_key():
    with pytest.raises(attest.InputError, match="unknown field `nope`"):
        attest.check(small(), small(seed=1), config={"drift": {"nope": 1}}, progress=False)
    with pytest.raises(attest.InputError, match="configuration"):
        attest.check(small(), small(seed=1), config=12, progress=False)


def test_a_bad_role_keyword():
    with pytest.raises(attest.InputError, match="label"):
        attest.check(small(), small(seed=1), label=3, progress=False)
    with pytest.raises(attest.InputError, match="sensitive"):
        attest.check(small(), small(seed=1), sensitive=[1, 2], progress=False)


def test_a_model_file_that_is_not_onnx(tmp_path):
    (tmp_path / "m.onnx").write_bytes(b"not a model")
    with pytest.raises(attest.InputError, match="ONNX"):
        attest.check(small(), small(seed=1), model=str(tmp_path / "m.onnx"), progress=False)


def test_an_unreadable_column_type_names_the_column():
    t = small().append_column("nested", pa.array([{"a": 1}] * 200))
    report = attest.check(t, t, progress=False)
    # A nested column is listed as unsupported by the schema check, never guessed at.
    assert "nested" in report.to_json()


def test_ctrl_c_stops_a_long_run_within_a_second():
    n = 3_000_000
    rng = np.random.default_rng(0)
    big = pa.table({f"c{i}": rng.normal(size=n) for i in range(12)})
    fired = []

    def interrupt():
        fired.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.5, interrupt)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            attest.check(big, big, progress=False)
    finally:
        timer.cancel()
    assert fired, "the run ended before the interrupt: make it longer"
    assert time.monotonic() - fired[0] < 1.0
