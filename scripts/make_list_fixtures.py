#!/usr/bin/env python3
"""Write tests/data/lists/: a table with a list-of-floats column (class
probabilities, with nulls at both levels and empty lists) written by
pyarrow (default, data page v2 + zstd + small pages, large_list<float> +
gzip, format 1.0 without dictionary + snappy, byte-stream-split + lz4,
dictionary + brotli,
required lists of required values), Polars and DuckDB, and expected.json
with every list as pyarrow reads it back. crates/attest-check/tests/lists.rs
decodes each file with Attest's reader and compares value by value.

    python3 scripts/make_list_fixtures.py     (from the repository root)

Development only: needs pyarrow, polars and duckdb (pip install ...).
"""
import json
import math
import pathlib

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/data/lists"
N = 400


def probs(i):
    """Three class probabilities, or an edge case every few rows."""
    if i % 17 == 3:
        return None  # a null list
    if i % 23 == 5:
        return []  # an empty list
    a = ((i * 7919) % 1000) / 1000
    b = (1 - a) * (((i * 104729) % 100) / 100)
    row = [a, b, 1 - a - b]
    if i % 19 == 7:
        row[1] = None  # a null element
    if i % 29 == 11:
        row[2] = math.nan
    return row


def table(value_type=pa.float64(), list_type=pa.list_, nullable=True):
    rows = [probs(i) for i in range(N)]
    if not nullable:
        rows = [[0.5, 0.25, 0.25] if r is None or None in r or not r else r for r in rows]
    item = pa.field("item", value_type, nullable=nullable)
    field = pa.field("proba", list_type(item), nullable=nullable)
    schema = pa.schema([pa.field("id", pa.int64(), nullable=False), field])
    return pa.table({"id": pa.array(range(N), pa.int64()), "proba": pa.array(rows, field.type)}, schema=schema)


def text(v):
    if v is None:
        return None
    if math.isnan(v):
        return "NaN"
    return repr(float(v))


def expected(path):
    t = pq.read_table(path)
    lists = t.column("proba").to_pylist()
    return {
        "rows": t.num_rows,
        "type": "list<float>" if pa.types.is_float32(t.schema.field("proba").type.value_type) else "list<double>",
        "lists": [None if r is None else [text(v) for v in r] for r in lists],
    }


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "pyarrow_default.parquet": (table(), {}),
        "pyarrow_v2_zstd_small_pages.parquet": (table(), {"data_page_version": "2.0", "compression": "zstd", "data_page_size": 256, "row_group_size": 150}),
        "pyarrow_large_list_float_gzip.parquet": (table(pa.float32(), pa.large_list), {"compression": "gzip"}),
        "pyarrow_v1_plain_snappy.parquet": (table(), {"version": "1.0", "use_dictionary": False, "compression": "snappy"}),
        "pyarrow_byte_stream_split_lz4.parquet": (table(), {"use_dictionary": False, "column_encoding": {"proba": "BYTE_STREAM_SPLIT", "id": "PLAIN"}, "compression": "lz4"}),
        "pyarrow_required.parquet": (table(nullable=False), {"compression": "none"}),
        "pyarrow_dictionary_brotli.parquet": (table(), {"compression": "brotli"}),
    }
    for name, (t, opts) in files.items():
        pq.write_table(t, OUT / name, **opts)
    import polars as pl
    df = pl.from_arrow(table())
    df.write_parquet(OUT / "polars_default.parquet")
    import duckdb
    con = duckdb.connect()
    t = table()  # noqa: F841 (read by DuckDB by name)
    con.execute(f"COPY (SELECT * FROM t) TO '{OUT / 'duckdb_default.parquet'}' (FORMAT parquet)")
    out = {p.name: expected(p) for p in sorted(OUT.glob("*.parquet"))}
    # A binary pair with an embedding (a list that is not probabilities).
    (OUT / "embedding").mkdir(exist_ok=True)
    for name, shift in [("reference", 0), ("current", 1)]:
        n = 300
        score = [((i * 37 + shift) % 100) / 100 for i in range(n)]
        t = pa.table({
            "id": pa.array(range(n), pa.int64()),
            "x": pa.array([float(i % 17) for i in range(n)]),
            "embedding": pa.array([[((i * k) % 13) / 13 for k in range(16)] for i in range(n)], pa.list_(pa.float64())),
            "score": pa.array(score),
            "label": pa.array([int(s > 0.5) if i % 7 else int(s <= 0.5) for i, s in enumerate(score)], pa.int64()),
        })
        pq.write_table(t, OUT / "embedding" / f"{name}.parquet")
    # The multiclass conformance case with its class probabilities as one
    # list column (sorted class order) instead of proba_<class> columns, and
    # attribution columns.
    case = ROOT.parent / "shared/conformance/labels_multiclass"
    (OUT / "class_scores").mkdir(exist_ok=True)
    for name in ["reference", "current"]:
        t = pq.read_table(case / f"{name}.parquet")
        cols = sorted(c for c in t.column_names if c.startswith("proba_"))
        rows = [list(r) for r in zip(*(t.column(c).to_pylist() for c in cols))]
        t = t.drop_columns(cols).append_column("proba", pa.array(rows, pa.list_(pa.float64())))
        # Attributions, one column per feature, that shift between the two
        # datasets (x2 matters more in current), for the importance view.
        weights = {"x1": 0.6, "x2": 0.2 if name == "reference" else 0.7, "x3": 0.05, "x4": 0.3}
        for f, w in weights.items():
            x = t.column(f).to_pylist()
            t = t.append_column(f"shap_{f}", pa.array([None if v is None else w * float(v) for v in x], pa.float64()))
        for f, w in {"colour": 0.1, "size_band": 0.15}.items():
            x = t.column(f).to_pylist()
            t = t.append_column(f"shap_{f}", pa.array([None if v is None else w * (len(v) % 3 - 1) for v in x], pa.float64()))
        pq.write_table(t, OUT / "class_scores" / f"{name}.parquet")
    (OUT / "expected.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
