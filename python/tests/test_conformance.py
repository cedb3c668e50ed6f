"""Every conformance case through attest.check, from paths and from every
kind of frame: each expected value agrees (SPEC §6, §7)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import attest
from conftest import case_arguments, disagreements, load_cases

CASES = load_cases()
KINDS = ["path", "pyarrow", "pyarrow_stream", "pandas_numpy", "pandas_arrow", "polars", "duckdb"]


def frame(kind: str, path: str):
    if kind == "path":
        return path
    table = pq.read_table(path)
    if kind == "pyarrow":
        return table
    if kind == "pyarrow_stream":
        # A RecordBatchReader of small batches: the frame's chunks are read in order.
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=997))
    if kind == "pandas_numpy":
        return table.to_pandas()
    if kind == "pandas_arrow":
        import pandas as pd

        return table.to_pandas(types_mapper=pd.ArrowDtype)
    if kind == "polars":
        import polars as pl

        return pl.read_parquet(path)
    if kind == "duckdb":
        import duckdb

        con = duckdb.connect()
        return con.sql(f"select * from read_parquet('{path}')")
    raise AssertionError(kind)


def changed_types(kind: str, path: str) -> list[str]:
    """Columns whose Arrow type a frame kind does not keep (pandas' numpy
    dtypes turn integers with nulls into floats, …), named when a case fails."""
    if kind in ("path", "pyarrow", "pyarrow_stream"):
        return []
    original = pq.read_schema(path)
    exported = frame(kind, path)
    if kind.startswith("pandas"):
        exported = pa.Table.from_pandas(exported, preserve_index=False)
    else:
        exported = pa.table(exported)
    norm = lambda t: pa.string() if t in (pa.large_string(), pa.string_view()) else (  # noqa: E731
        t.value_type if pa.types.is_dictionary(t) else t)
    return [f.name for f in original if norm(exported.schema.field(f.name).type) != norm(f.type)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_case_agrees(conformance, case, kind):
    paths = {k: str(conformance / case[k]) for k in ("reference", "current", "train") if case.get(k)}
    changed = sorted({c for p in paths.values() for c in changed_types(kind, p)})
    inputs = {k: frame(kind, p) for k, p in paths.items()}
    report = attest.check(inputs["reference"], inputs["current"], inputs.get("train"), progress=False,
                          **case_arguments(case))
    # Every value, even where a frame changed a column's type (pandas'
    # numpy dtypes make integers with nulls floats; DuckDB gives its own
    # timestamp type): the values are the same, and so must the metrics be.
    problems = disagreements(report, case["expected"], CASES["default_tolerance"])
    assert not problems, f"{case['name']} via {kind} (types changed: {changed}):\n" + "\n".join(problems[:20])
    # The frame is described as such in the report.
    formats = {i["format"] for i in report.to_dict()["inputs"]}
    assert formats == ({"parquet"} if kind == "path" else {"arrow"})
