#!/usr/bin/env python3
"""Write tests/data/writers/: one table written by the Parquet writers people
use (pyarrow with its page, encoding and codec options, Polars, DuckDB), and
expected.json with every value as pyarrow reads it back, in Attest's text
form. crates/attest-check/tests/writers.rs decodes each file with Attest's
reader and compares value by value.

    python3 scripts/make_writer_fixtures.py     (from the repository root)

Development only: needs pyarrow, polars and duckdb (pip install ...).
"""
import datetime as dt
import decimal
import json
import math
import pathlib

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/data/writers"
N = 300


def table():
    def opt(i, v):
        return None if i % 9 == 4 else v

    words = ["alpha", "beta", "gamma", "δέλτα", "", "x" * 40]
    base = dt.datetime(2024, 2, 28, 23, 59, 58)
    return pa.table({
        "i64": pa.array([opt(i, i * 7919 - 2_000_000) for i in range(N)], pa.int64()),
        "i32": pa.array([i % 300 - 150 for i in range(N)], pa.int32()),
        "u8": pa.array([i % 256 for i in range(N)], pa.uint8()),
        "f64": pa.array([opt(i, math.nan if i % 13 == 0 else (math.inf if i % 97 == 1 else i / 7 - 50)) for i in range(N)], pa.float64()),
        "f32": pa.array([opt(i, i * 0.25) for i in range(N)], pa.float32()),
        "flag": pa.array([opt(i, i % 3 == 0) for i in range(N)], pa.bool_()),
        "text": pa.array([opt(i, f"{words[i % len(words)]}{i % 17}") for i in range(N)], pa.string()),
        "cat": pa.array([words[i % 4] for i in range(N)], pa.string()).dictionary_encode(),
        "day": pa.array([opt(i, dt.date(2020, 1, 1) + dt.timedelta(days=i * 3)) for i in range(N)], pa.date32()),
        "ts": pa.array([base + dt.timedelta(milliseconds=i * 1501) for i in range(N)], pa.timestamp("us")),
        "ts_utc": pa.array([base + dt.timedelta(seconds=i * 61) for i in range(N)], pa.timestamp("ms", tz="UTC")),
        "amount": pa.array([opt(i, decimal.Decimal(i * 137 - 40000) / 100) for i in range(N)], pa.decimal128(10, 2)),
    })


def text_of(value, typ):
    """A value as Attest's categorical text (see columns.rs `to_codes`)."""
    if value is None:
        return None
    if pa.types.is_boolean(typ):
        return "true" if value else "false"
    if pa.types.is_date(typ):
        return value.isoformat()
    if pa.types.is_timestamp(typ):
        unit = {"s": 0, "ms": 3, "us": 6, "ns": 9}[typ.unit]
        ticks = pa.scalar(value, typ).cast(pa.int64()).as_py() if not isinstance(value, int) else value
        per = 10 ** unit
        secs, frac = divmod(ticks, per)
        stamp = (dt.datetime(1970, 1, 1) + dt.timedelta(seconds=secs)).strftime("%Y-%m-%dT%H:%M:%S")
        if frac:
            stamp += "." + str(frac).rjust(unit, "0")
        return stamp + ("Z" if typ.tz else "")
    if pa.types.is_dictionary(typ):
        return text_of(value, typ.value_type)
    return str(value)


def type_name(typ):
    """Attest's name of a type (ColumnType's Display), as the footer has it."""
    if pa.types.is_dictionary(typ):
        return type_name(typ.value_type)
    if pa.types.is_integer(typ):
        return ("" if pa.types.is_signed_integer(typ) else "u") + f"int{typ.bit_width}"
    if pa.types.is_decimal(typ):
        return f"decimal({typ.precision}, {typ.scale})"
    if pa.types.is_timestamp(typ):
        return f"timestamp[{typ.unit}{', UTC' if typ.tz else ''}]"
    names = {pa.float64(): "double", pa.float32(): "float", pa.bool_(): "bool",
             pa.string(): "string", pa.large_string(): "string", pa.string_view(): "string",
             pa.date32(): "date"}
    return names.get(typ)


def expected(path):
    t = pq.read_table(path)
    columns = {}
    for name in t.column_names:
        col = t.column(name)
        typ = col.type
        numeric = pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ)
        if numeric:
            values = [None if v is None or (isinstance(v, float) and math.isnan(v)) else repr(float(v))
                      for v in col.to_pylist()]
            columns[name] = {"type": type_name(typ), "numbers": values}
        else:
            if pa.types.is_timestamp(typ):
                values = [None if v is None else text_of(v, typ) for v in col.cast(pa.int64()).to_pylist()]
            else:
                values = [text_of(v, typ) for v in col.to_pylist()]
            columns[name] = {"type": type_name(typ), "texts": values}
    return {"rows": t.num_rows, "columns": columns}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    t = table()
    files = {
        "pyarrow_default.parquet": dict(),
        "pyarrow_v2_pages_zstd.parquet": dict(data_page_version="2.0", compression="zstd"),
        "pyarrow_plain_gzip_small_pages.parquet": dict(use_dictionary=False, compression="gzip",
                                                       data_page_size=512, row_group_size=110),
        "pyarrow_delta_encodings.parquet": dict(
            use_dictionary=False, compression="lz4", data_page_version="2.0",
            column_encoding={"i64": "DELTA_BINARY_PACKED", "i32": "DELTA_BINARY_PACKED",
                             "text": "DELTA_BYTE_ARRAY", "f64": "BYTE_STREAM_SPLIT",
                             "f32": "BYTE_STREAM_SPLIT", "day": "DELTA_BINARY_PACKED",
                             "ts": "DELTA_BINARY_PACKED"}),
        "pyarrow_int96_brotli.parquet": dict(use_deprecated_int96_timestamps=True, compression="brotli"),
        "pyarrow_uncompressed_v1_format.parquet": dict(compression="none", version="1.0"),
    }
    for name, options in files.items():
        pq.write_table(t, OUT / name, **options)

    import polars as pl
    df = pl.from_arrow(t)
    df.write_parquet(OUT / "polars_default.parquet")
    df.write_parquet(OUT / "polars_plain_snappy.parquet", compression="snappy", use_pyarrow=False,
                     statistics=False, row_group_size=120)

    import duckdb
    con = duckdb.connect()
    con.register("t", t)
    con.execute(f"COPY (SELECT * FROM t) TO '{OUT / 'duckdb_default.parquet'}' (FORMAT parquet)")
    con.execute(f"COPY (SELECT * FROM t) TO '{OUT / 'duckdb_zstd_v2.parquet'}' "
                "(FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION v2, ROW_GROUP_SIZE 256)")

    out = {p.name: expected(p) for p in sorted(OUT.glob("*.parquet"))}
    (OUT / "expected.json").write_text(json.dumps(out, separators=(",", ":"), ensure_ascii=False) + "\n")
    print("wrote", len(out), "files to", OUT)


if __name__ == "__main__":
    main()
