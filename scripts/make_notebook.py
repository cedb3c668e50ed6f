"""Write docs/notebook.ipynb — Attest in a notebook: three lines to a
report, a scikit-learn model as the model argument, `report.passed` for
CI — and execute it (nbclient), so the committed file carries its outputs.

    python scripts/make_notebook.py            # in a venv with attest-ml installed

python/tests/test_notebook.py executes the same notebook headlessly and
checks its outputs."""

import pathlib
import sys

import nbformat
from nbclient import NotebookClient

OUT = pathlib.Path(__file__).resolve().parents[1] / "docs" / "notebook.ipynb"

CELLS = [
    ("markdown", "# Attest in a notebook\n\nA model's predictions on last quarter's data (`reference`) and on this "
     "month's (`current`), checked: drift, data quality, performance, fairness, the model itself. "
     "`pip install attest-ml` (or `pip install ./python` from a checkout)."),
    ("code", """import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

rng = np.random.default_rng(7)

def applicants(n, shift=0.0):
    age = rng.normal(42 + shift * 6, 11, n).round()
    income = rng.lognormal(10.6 + shift * 0.2, 0.4, n).round(-2)
    region = rng.choice(["north", "south", "east", "west"], n, p=[0.3, 0.3, 0.2, 0.2])
    logit = 0.06 * (age - 42) + 2.5 * (np.log(income) - 10.6) + (region == "south") * 0.8 - 0.5
    return pd.DataFrame({"age": age, "income": income, "region": region,
                         "label": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)})

features = ["age", "income", "region"]
train = applicants(4000)
model = make_pipeline(
    ColumnTransformer([("num", StandardScaler(), ["age", "income"]),
                       ("cat", OneHotEncoder(handle_unknown="ignore"), ["region"])]),
    LogisticRegression(max_iter=500),
).fit(train[features], train["label"])

reference, current = applicants(5000), applicants(5000, shift=0.5)
for df in (reference, current):
    df["score"] = model.predict_proba(df[features])[:, 1]
    df["prediction"] = model.predict(df[features])"""),
    ("markdown", "Three lines to a report: the frames in, the model object in (no export step), the report shown "
     "below — a verdict table and charts that display in untrusted notebooks, on GitHub and in nbviewer."),
    ("code", """import attest

report = attest.check(reference, current, model=model, sensitive="region")
report"""),
    ("markdown", "Every number as a table, and the verdict for a test or a pipeline step:"),
    ("code", """report.metrics().query("check == 'feature_drift'").head(8)"""),
    ("code", """print(report.status, report.passed)
# in pytest or CI:  assert report.passed, report.summary()"""),
    ("markdown", "The interactive report — the same viewer as the web app, in one HTML file that opens with no "
     "network — to share and sign: `report.save_html(\"report.html\")`, or `report.show()` to open it."),
]


def build() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, text in CELLS:
        nb.cells.append(nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text))
    return nb


def execute(nb: nbformat.NotebookNode, cwd: str) -> nbformat.NotebookNode:
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": cwd}}).execute()
    return nb


if __name__ == "__main__":
    nb = execute(build(), str(OUT.parent))
    # No execution times or ids that change from run to run.
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)", file=sys.stderr)
