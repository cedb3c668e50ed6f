"""pyarrow is not a dependency: Polars and DuckDB frames cross by the Arrow
PyCapsule interface alone, and metrics() falls back to pandas or a list."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run(code: str) -> str:
    import tempfile

    prelude = "import sys\nsys.modules['pyarrow'] = None  # as if it were not installed\n"
    # From a folder of its own: `python -c` puts the working folder first
    # on sys.path, and the source folder python/ holds no compiled extension.
    with tempfile.TemporaryDirectory() as cwd:
        r = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True,
                           timeout=300, cwd=cwd)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_polars_and_duckdb_without_pyarrow():
    out = run("""
        import attest, duckdb, polars as pl
        df = pl.DataFrame({"x": [float(i % 17) for i in range(400)], "label": [i % 2 for i in range(400)]})
        a = attest.check(df, df.with_columns(pl.col("x") * 1.5), progress=False)
        b = attest.check(duckdb.sql("select (i % 17)::double as x, i % 2 as label from range(400) t(i)"),
                         duckdb.sql("select (i % 17)::double * 1.5 as x, i % 2 as label from range(400) t(i)"),
                         progress=False)
        drift = lambda r: [(m.get("column"), m["name"], m["value"]) for m in r.check("feature_drift")["metrics"]]
        assert drift(a) == drift(b), (drift(a), drift(b))
        print(a.status, len(drift(a)))
    """)
    status, n = out.split()
    assert status in ("pass", "warn", "fail") and int(n) > 0


def test_pandas_without_pyarrow_is_a_clear_error():
    out = run("""
        import attest, pandas as pd
        try:
            attest.check(pd.DataFrame({"x": [1.0, 2.0]}), pd.DataFrame({"x": [1.0, 2.0]}), progress=False)
        except attest.InputError as e:
            print(e)
    """)
    assert "needs pyarrow" in out


def test_metrics_without_pyarrow_or_pandas():
    out = run("""
        sys.modules['pandas'] = None
        import attest, polars as pl
        df = pl.DataFrame({"x": [float(i) for i in range(100)]})
        rows = attest.check(df, df, progress=False).metrics()
        print(type(rows).__name__, sorted(rows[0]))
    """)
    assert out.startswith("list ")
