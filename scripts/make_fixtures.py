#!/usr/bin/env python3
"""Write the small data files the repository ships (run from the repo root).

    python3 scripts/make_fixtures.py

Needs numpy and pyarrow (development only; the product never runs Python).
Outputs, all deterministic (fixed seeds):
  public/demo/{reference,current}.parquet   demo pair: credit-risk style binary model
  tests/data/codecs/*.parquet               one small table in every Parquet codec
  tests/data/malformed/*                     inputs that must give clear errors
"""
import pathlib
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parent.parent


def demo(rng, n, shift):
    age = rng.normal(41 + 3 * shift, 11, n).round().clip(18, 90).astype(np.int64)
    income = rng.lognormal(10.8 + 0.15 * shift, 0.45, n)
    utilization = rng.beta(2 + shift, 5, n)
    if shift:
        utilization[rng.random(n) < 0.03] = np.nan
    region = rng.choice(["north", "south", "east", "west"], n, p=[0.3, 0.2, 0.25, 0.25] if not shift else [0.2, 0.2, 0.3, 0.3])
    channel = rng.choice(["web", "branch", "phone"], n, p=[0.5, 0.3, 0.2])
    gender = rng.choice(["f", "m"], n)
    z = -1.0 + 0.03 * (age - 40) - 0.4 * np.log(income / 50000) + 2.0 * utilization + rng.normal(0, 1, n)
    label = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.int64)
    score = 1 / (1 + np.exp(-(z + rng.normal(0.2 * shift, 0.8, n))))
    return pa.table({
        "id": pa.array(np.arange(n) + (100000 if shift else 0), pa.int64()),
        "age": age, "income": income, "utilization": utilization,
        "region": region, "channel": channel, "gender": gender,
        "score": score, "prediction": (score >= 0.5).astype(np.int64), "label": label,
    })


def main():
    rng = np.random.default_rng(7)
    out = ROOT / "public" / "demo"
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(demo(rng, 4000, 0), out / "reference.parquet", compression="zstd")
    pq.write_table(demo(rng, 5000, 1), out / "current.parquet", compression="zstd")

    codecs = ROOT / "tests" / "data" / "codecs"
    codecs.mkdir(parents=True, exist_ok=True)
    small = demo(np.random.default_rng(3), 500, 0)
    for codec in ["none", "snappy", "gzip", "zstd", "lz4", "brotli"]:
        pq.write_table(small, codecs / f"{codec}.parquet", compression=codec, row_group_size=128)
    # CSV of the same table (pyarrow writes floats with full precision)
    import pyarrow.csv as pacsv
    pacsv.write_csv(small, codecs / "table.csv")

    bad = ROOT / "tests" / "data" / "malformed"
    bad.mkdir(parents=True, exist_ok=True)
    good = (codecs / "snappy.parquet").read_bytes()
    (bad / "not_parquet.parquet").write_bytes(b"\x00\x01this is not a parquet file\xff" * 4)
    (bad / "truncated.parquet").write_bytes(good[: len(good) // 2])
    (bad / "empty_file.parquet").write_bytes(b"")
    pq.write_table(small.slice(0, 0), bad / "zero_rows.parquet")
    nulls = small.set_column(small.schema.get_field_index("income"), "income", pa.nulls(small.num_rows, pa.float64()))
    pq.write_table(nulls, bad / "all_null_income.parquet")
    retyped = small.set_column(small.schema.get_field_index("age"), "age", pa.array([f"a{v}" for v in small["age"].to_pylist()]))
    pq.write_table(retyped, bad / "age_as_text.parquet")
    dropped = small.drop_columns(["label"])
    pq.write_table(dropped, bad / "no_label.parquet")
    # Flip bytes inside the first data page: the footer is intact, a page is not.
    corrupt = bytearray(good)
    for i in range(40, 140):
        corrupt[i] ^= 0x5A
    (bad / "corrupt_page.parquet").write_bytes(bytes(corrupt))
    nested = small.append_column("tags", pa.array([[i % 3, i % 5] for i in range(small.num_rows)], pa.list_(pa.int64())))
    pq.write_table(nested, codecs.parent / "nested.parquet")
    print("wrote", out, codecs, bad)


if __name__ == "__main__":
    main()
