#!/usr/bin/env python3
"""Write the benchmark's model: a 100-tree random forest over W1's fifteen
numeric features (trained on 50,000 rows of bench-data/reference.parquet),
exported by skl2onnx with ZipMap, as bench-data/forest100.onnx, and
bench-data/model.toml mapping its tensor input to the columns.

    python3 scripts/make_bench_model.py [DIR]     (default bench-data)

Development only: needs pyarrow, scikit-learn and skl2onnx.
"""
import pathlib
import sys

import numpy as np
import pyarrow.parquet as pq
from sklearn.ensemble import RandomForestClassifier
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType

ROOT = pathlib.Path(__file__).resolve().parent.parent
DIR = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench-data"

schema = pq.read_schema(DIR / "reference.parquet")
features = [n for n in schema.names if n.startswith("num_")]
table = pq.read_table(DIR / "reference.parquet", columns=features + ["label"]).slice(0, 50_000)
X = np.column_stack([table[c].to_numpy(zero_copy_only=False) for c in features]).astype(np.float32)
y = table["label"].to_numpy()
forest = RandomForestClassifier(n_estimators=100, max_depth=8, random_state=0, n_jobs=-1).fit(X, y)
onx = convert_sklearn(forest, initial_types=[("X", FloatTensorType([None, len(features)]))],
                      target_opset={"": 17, "ai.onnx.ml": 3})
(DIR / "forest100.onnx").write_bytes(onx.SerializeToString())
(DIR / "model.toml").write_text(
    "[model]\ninputs = { X = [" + ", ".join(f'"{c}"' for c in features) + "] }\n")
print(f"{DIR / 'forest100.onnx'}: {(DIR / 'forest100.onnx').stat().st_size} bytes, {len(features)} features")
