"""Evidently side by side with `attest check` on the W1 files (issue 13).

    python3 scripts/bench_evidently.py REFERENCE CURRENT [OUT_DIR]

Runs Evidently's DataDriftPreset + ClassificationPreset (the new 0.7 API) on
the same two files `attest check --prediction prediction --score score
--label label --segment segment` reads, with the same roles, and prints one
line: `evidently <wall seconds> <peak RSS MB>`. Loading the files counts, as
it does for attest. With OUT_DIR, the report is also written there as JSON
and as HTML (`snapshot.save_json`, `snapshot.save_html`), as `attest check
--json … --html …` writes its own. A benchmark oracle only: Evidently is never a dependency
of the product (scripts/bench_all.sh installs it into its own venv).
"""
import resource
import sys
import time

t0 = time.perf_counter()
import pandas as pd  # noqa: E402
from evidently import BinaryClassification, DataDefinition, Dataset, Report  # noqa: E402
from evidently.presets import ClassificationPreset, DataDriftPreset  # noqa: E402

ref_path, cur_path = sys.argv[1], sys.argv[2]
reference = pd.read_parquet(ref_path)
current = pd.read_parquet(cur_path)
roles = {"id", "score", "prediction", "label", "segment"}
numeric = [c for c in reference.columns if c not in roles and pd.api.types.is_numeric_dtype(reference[c])]
categorical = [c for c in reference.columns if c not in roles and c not in numeric] + ["segment"]
definition = DataDefinition(
    numerical_columns=numeric + ["score"],
    categorical_columns=categorical + ["label", "prediction"],
    classification=[
        BinaryClassification(target="label", prediction_labels="prediction", prediction_probas="score")
    ],
)
ref_ds = Dataset.from_pandas(reference, data_definition=definition)
cur_ds = Dataset.from_pandas(current, data_definition=definition)
report = Report([DataDriftPreset(), ClassificationPreset()])
snapshot = report.run(cur_ds, ref_ds)
if len(sys.argv) > 3:
    snapshot.save_json(f"{sys.argv[3]}/evidently.json")
    snapshot.save_html(f"{sys.argv[3]}/evidently.html")
else:
    snapshot.dict()  # every metric computed and rendered to values
wall = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"evidently {wall:.2f} {peak_mb:.0f}")
