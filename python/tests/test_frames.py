"""A frame gives the metrics of the same table written to Parquet (SPEC §7),
for the Arrow types frames carry: dictionaries, large and view strings,
timestamp units and time zones, nullable integers, list<double> scores."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import attest


def metrics(report):
    return sorted(
        (c["id"], m["name"], str(m.get("column")), str(m.get("dataset")), str(m.get("segment")), str(m.get("chunk")), m["value"])
        for c in report.checks for m in c.get("metrics", [])
    )


def tables(n: int, seed: int, shift: float = 0.0):
    rng = np.random.default_rng(seed)
    x = rng.normal(shift, 1, n)
    p = 1 / (1 + np.exp(-x))
    label = (rng.random(n) < p).astype(np.int64)
    cats = np.array(["red", "green", "blue", "violet"])[rng.integers(0, 4, n)]
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    times = [start + dt.timedelta(hours=int(h)) for h in rng.integers(0, 24 * 120, n)]
    ints = [None if v % 7 == 0 else int(v) for v in rng.integers(0, 100, n)]
    return pa.table({
        "id": pa.array(np.arange(n) + seed * 100000, pa.int64()),
        "x": pa.array(x),
        "x32": pa.array(x.astype(np.float32)),
        "count": pa.array(ints, pa.int64()),
        "small": pa.array(rng.integers(0, 5, n).astype(np.uint8)),
        "colour": pa.array(cats).dictionary_encode(),
        "colour_large": pa.array(cats, pa.large_string()),
        "colour_view": pa.array(cats, pa.string_view()),
        "flag": pa.array(rng.random(n) < 0.3),
        "timestamp": pa.array(times, pa.timestamp("us", tz="UTC")),
        "seen_ms": pa.array(times, pa.timestamp("ms")),
        "seen_s": pa.array([t.replace(tzinfo=None) for t in times], pa.timestamp("s")),
        "day": pa.array([t.date() for t in times], pa.date32()),
        "amount": pa.array([round(v, 2) for v in x * 100], pa.float64()).cast(pa.decimal128(12, 2)),
        "score": pa.array(p),
        "prediction": pa.array((p >= 0.5).astype(np.int64)),
        "label": pa.array(label),
    })


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("frames")
    ref, cur = tables(3000, 1), tables(2500, 2, shift=0.3)
    pq.write_table(ref, d / "ref.parquet")
    pq.write_table(cur, d / "cur.parquet")
    return d, ref, cur


CONFIG = {"backtest": {"chunk": "month"}}


def test_arrow_types_give_the_file_metrics(files):
    d, ref, cur = files
    from_files = attest.check(str(d / "ref.parquet"), str(d / "cur.parquet"), config=CONFIG, progress=False)
    from_frames = attest.check(ref, cur, config=CONFIG, progress=False)
    assert metrics(from_frames) == metrics(from_files)
    # Every column was read and compared (none unsupported).
    drifted = {m.get("column") for m in from_frames.check("feature_drift")["metrics"]}
    for column in ("x", "x32", "count", "small", "colour", "colour_large", "colour_view", "flag", "amount"):
        assert column in drifted, column
    # The same document as the CLI's but for the inputs' names, digests
    # and format, and the time.
    a, b = from_files.to_dict(), from_frames.to_dict()
    for doc in (a, b):
        doc.pop("created_at")
        for i in doc["inputs"]:
            i.pop("name"), i.pop("sha256"), i.pop("format")
    assert a == b


def test_the_cli_writes_the_same_values(files, tmp_path):
    from attest import _attest

    d, ref, cur = files
    out = tmp_path / "cli.json"
    status = _attest.run_cli(["attest", "check", "--reference", str(d / "ref.parquet"),
                              "--current", str(d / "cur.parquet"), "--json", str(out)])
    assert status in (0, 1)
    cli = attest.load_report(out)
    assert metrics(cli) == metrics(attest.check(ref, cur, progress=False))


def test_list_of_double_class_scores(tmp_path):
    classes = ["bird", "cat", "dog"]

    def table(n, seed):
        r = np.random.default_rng(seed)
        raw = r.random((n, 3))
        proba = raw / raw.sum(axis=1, keepdims=True)
        label = [classes[k] for k in r.integers(0, 3, n)]
        return pa.table({
            "f": pa.array(r.normal(size=n)),
            "scores": pa.array(list(proba), pa.list_(pa.float64())),
            "prediction": pa.array([classes[k] for k in proba.argmax(axis=1)]),
            "label": pa.array(label),
        })

    ref, cur = table(800, 1), table(900, 2)
    pq.write_table(ref, tmp_path / "r.parquet")
    pq.write_table(cur, tmp_path / "c.parquet")
    kwargs = dict(class_scores="scores", progress=False)
    from_files = attest.check(str(tmp_path / "r.parquet"), str(tmp_path / "c.parquet"), **kwargs)
    from_frames = attest.check(ref, cur, **kwargs)
    assert metrics(from_frames) == metrics(from_files)
    # The class scores were read: confident learning ran on them.
    names = {m["name"] for m in from_frames.check("label_quality")["metrics"]}
    assert "label_issue_count" in names, names


def test_pandas_nullable_and_categorical(files):
    import pandas as pd

    _, ref, cur = files
    a = attest.check(ref, cur, config=CONFIG, progress=False)
    # Nullable Int64, categorical and Arrow dtypes in one frame.
    rp, cp = ref.to_pandas(), cur.to_pandas()
    for df in (rp, cp):
        df["count"] = df["count"].astype("Int64")
        df["colour"] = df["colour"].astype("category")
    b = attest.check(rp, cp, config=CONFIG, progress=False)
    assert metrics(a) == metrics(b)
    assert isinstance(rp["count"].dtype, pd.Int64Dtype)


def test_a_frame_index_is_not_a_column():
    import pandas as pd

    df = pd.DataFrame({"x": np.arange(50.0), "label": np.arange(50) % 2},
                      index=pd.Index(np.arange(50) * 3, name="row"))
    report = attest.check(df, df, progress=False)
    assert report.to_dict()["inputs"][0]["columns"] == ["x", "label"]
