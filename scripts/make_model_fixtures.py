#!/usr/bin/env python3
"""Write tests/data/models/: small models trained with scikit-learn and
LightGBM, exported with skl2onnx / onnxmltools, their reference and current
datasets, and expected.json with the values of SPEC §3 "The model itself"
computed here with Python onnxruntime and numpy — written from SPEC, not
from Attest's code.

Cases:
  logreg_zipmap    scaler + logistic regression, one float tensor, ZipMap
                   kept (Attest removes it); scores from onnxruntime.
  lgbm_binary      LightGBM, 60 trees, NaN in a feature, ZipMap kept;
                   `lgbm_changed.onnx` is the same model with one tree's
                   leaves changed (must fail parity).
  onehot_forest    per-column inputs: a string column one-hot encoded and
                   two numbers, random forest over three classes, ZipMap.
  forest_regressor per-column inputs, one of them int64 (noise rounds half
                   to even), random forest regressor.
  xgb_binary       XGBoost, 40 trees, one float tensor (onnxmltools), ZipMap
                   kept.

    python3 scripts/make_model_fixtures.py     (from the repository root)

Development only: needs numpy, pyarrow, scikit-learn, lightgbm, xgboost, skl2onnx,
onnxmltools, onnx and onnxruntime (pip install ...).
"""
import json
import pathlib

import numpy as np
import onnx
import onnxruntime as ort
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/data/models"
EPSILONS = (0.01, 0.05, 0.1)
UNSEEN = "__attest_unseen__"
MASK = (1 << 64) - 1
ort.set_default_logger_severity(3)


# ---------------------------------------------------------------- SPEC's draws
def draws(seed, n, col, ncols, k):
    """u of draw k for rows 0..n, column col (SPEC: SplitMix64)."""
    out = np.empty(n)
    for i in range(n):
        kp = (((i * ncols + col) * 4) + k) & MASK
        z = (seed + (kp + 1) * 0x9E3779B97F4A7C15) & MASK
        z ^= z >> 30
        z = (z * 0xBF58476D1CE4E5B9) & MASK
        z ^= z >> 27
        z = (z * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out[i] = ((z >> 11) + 0.5) * 2.0**-53
    return out


def permutation(seed, n, col, ncols, r):
    u = draws(seed, n, ncols + col, ncols, r)
    order = np.arange(n)
    for i in range(n - 1, 0, -1):
        j = int(np.floor(u[i] * (i + 1)))
        order[i], order[j] = order[j], order[i]
    return order


# ------------------------------------------------------------------ the model
class Model:
    """A model and how its inputs come from columns."""

    def __init__(self, path, inputs):
        self.sess = ort.InferenceSession(str(path))
        # [(input name, onnx type, [columns])]
        self.inputs = inputs
        self.columns = [c for _, _, cols in inputs for c in cols]
        outs = self.sess.get_outputs()
        self.label = next((o.name for o in outs if o.type in ("tensor(int64)", "tensor(string)")), None)
        self.probs = next((o.name for o in outs if o.name != self.label), None)
        self.regression = self.label is None

    def run(self, frame):
        """frame: column → numpy array (float64 with NaN, or object str)."""
        feeds = {}
        for name, ty, cols in self.inputs:
            if ty == "float":
                feeds[name] = np.stack([frame[c].astype(np.float32) for c in cols], axis=1)
            elif ty == "int64":
                feeds[name] = np.stack([np.round(frame[c]).astype(np.int64) for c in cols], axis=1)
            else:
                feeds[name] = np.stack([np.array([("" if v is None else v) for v in frame[c]], dtype=object) for c in cols], axis=1)
        out = dict(zip([o.name for o in self.sess.get_outputs()], self.sess.run(None, feeds)))
        if self.regression:
            return None, np.asarray(out[self.probs], dtype=np.float64).reshape(-1)
        labels = np.asarray(out[self.label]).reshape(-1)
        p = out[self.probs]
        if isinstance(p, list):  # ZipMap: a list of {class: probability}
            keys = list(p[0].keys())
            p = np.array([[row[k] for k in keys] for row in p], dtype=np.float64)
        return labels, np.asarray(p, dtype=np.float64)


def key(name, column=None, dataset=None, segment=None):
    e = {"name": name}
    if column is not None:
        e["column"] = column
    if dataset is not None:
        e["dataset"] = dataset
    if segment is not None:
        e["segment"] = {"column": "perturbation", "value": segment}
    return e


def expected_values(model, ref, cur, label="label", seed=0, max_rows=10000):
    """The entries of SPEC §3 "The model itself" for one case."""
    out = []
    prob_tol = {"rel": 1e-6, "abs": 1e-9}
    # Parity.
    for name, df in (("reference", ref), ("current", cur)):
        labels, p = model.run(df)
        if model.regression:
            e = key("model_score_max_abs_diff", dataset=name)
            e["value"] = float(np.max(np.abs(p - df["prediction"])))
            e["tolerance"] = {"rel": 0, "abs": 1e-6}
            out.append(e)
            continue
        if "score" in df:
            e = key("model_score_max_abs_diff", dataset=name)
            e["value"] = float(np.max(np.abs(p[:, 1] - df["score"])))
            e["tolerance"] = {"rel": 0, "abs": 1e-6}
            out.append(e)
        e = key("model_prediction_agreement", dataset=name)
        e["value"] = float(np.mean([str(a) == str(b) for a, b in zip(labels, df["prediction"])]))
        out.append(e)
    n = min(max_rows, len(cur[label]))
    frame = {c: cur[c][:n] for c in model.columns}
    y = cur[label][:n]
    base_l, base_p = model.run(frame)
    ncols = len(model.columns)
    kinds = {c: ty for _, ty, cols in model.inputs for c in cols}

    def score_change(p_new, rows):
        if model.regression:
            sd = np.std(base_p)
            return np.abs(p_new[rows] - base_p[rows]) / sd
        if base_p.shape[1] == 2:
            return np.abs(p_new[rows, 1] - base_p[rows, 1])
        return 0.5 * np.abs(p_new[rows] - base_p[rows]).sum(axis=1)

    def flips(l_new, p_new, rows):
        if model.regression:
            return np.abs(p_new[rows] - base_p[rows]) >= 0.05 * np.maximum(np.abs(base_p[rows]), 1e-9)
        return l_new[rows] != base_l[rows]

    def metric(l, p):
        if model.regression:
            ok = np.isfinite(y)
            return -np.sqrt(np.mean((y[ok] - p[ok]) ** 2))  # σ = −1 folded in
        if p.shape[1] == 2:
            classes = sorted(set(np.asarray(base_l).tolist()) | set(np.asarray(y).tolist()))
            return roc_auc_score(np.asarray(y) == classes[-1], p[:, 1])
        return f1_score(np.asarray(y).astype(str), np.asarray(l).astype(str), average="macro")

    m0 = metric(base_l, base_p)
    for j, c in enumerate(model.columns):
        x = frame[c]
        r = ref[c]
        if kinds[c] == "string":
            cats = {}
            for v in r:
                if v is not None:
                    cats[v] = cats.get(v, 0) + 1
            order = sorted(cats, key=lambda v: (-cats[v], v))
            for seg, new in (
                ("other category", [None if v is None else next((o for o in order if o != v), UNSEEN) for v in x]),
                ("unseen category", [None if v is None else UNSEEN for v in x]),
            ):
                rows = np.array([v is not None for v in x])
                f = dict(frame)
                f[c] = np.array(new, dtype=object)
                l, p = model.run(f)
                e = key("extreme_flip_share", c, "current", seg)
                e["value"] = float(np.mean(flips(l, p, rows)))
                out.append(e)
        else:
            rf = r[np.isfinite(r)]
            std = float(np.std(rf))
            integer = kinds[c] == "int64"
            g = np.sqrt(-2 * np.log(draws(seed, n, j, ncols, 0))) * np.cos(2 * np.pi * draws(seed, n, j, ncols, 1))
            for eps in EPSILONS:
                new = x + eps * std * g
                if integer:
                    new = np.round(new)  # numpy rounds half to even
                new = np.where(np.isnan(x), np.nan, new)
                rows = ~np.isnan(x) & (new != x)
                f = dict(frame)
                f[c] = new
                l, p = model.run(f)
                e = key("noise_flip_share", c, "current", f"noise {eps:g}")
                e["value"] = float(np.mean(flips(l, p, rows)))
                out.append(e)
                e = key("noise_mean_abs_score_change", c, "current", f"noise {eps:g}")
                e["value"] = float(np.mean(score_change(p, rows)))
                e["tolerance"] = prob_tol
                out.append(e)
            q01, q99, q25, q75 = np.quantile(rf, [0.01, 0.99, 0.25, 0.75])
            iqr = q75 - q25
            for seg, v in (("q01", q01), ("q99", q99), ("max+iqr", rf.max() + iqr), ("min-iqr", rf.min() - iqr)):
                if integer:
                    v = np.round(v)
                new = np.where(np.isnan(x), np.nan, v)
                rows = ~np.isnan(x) & (new != x)
                f = dict(frame)
                f[c] = new
                l, p = model.run(f)
                e = key("extreme_flip_share", c, "current", seg)
                e["value"] = float(np.mean(flips(l, p, rows)))
                out.append(e)
        ms = []
        for rep in range(5):
            order = permutation(seed, n, j, ncols, rep)
            f = dict(frame)
            f[c] = np.asarray(x)[order]
            l, p = model.run(f)
            ms.append(metric(l, p))
        e = key("permutation_importance", c, "current")
        e["value"] = float(m0 - np.mean(ms))
        e["tolerance"] = prob_tol
        out.append(e)
    # A share over no changed rows has no value: Attest leaves it out.
    return [e for e in out if np.isfinite(e["value"])]


# ------------------------------------------------------------------- the data
def write_model(path, model):
    """Save a model with a fixed graph name (the converters draw a random
    one) and its opset imports in domain order (they come in set order),
    so that the same run writes the same bytes."""
    model.graph.name = path.stem
    opsets = sorted(((o.domain, o.version) for o in model.opset_import))
    del model.opset_import[:]
    for domain, version in opsets:
        model.opset_import.add(domain=domain, version=version)
    path.write_bytes(model.SerializeToString())


def write_parquet(path, cols):
    arrays = {}
    for k, v in cols.items():
        v = np.asarray(v) if not isinstance(v, list) else v
        if isinstance(v, list) or v.dtype == object:
            arrays[k] = pa.array(list(v), type=pa.string())
        elif v.dtype.kind == "i":
            arrays[k] = pa.array(v, type=pa.int64())
        else:
            arrays[k] = pa.array(v, type=pa.float64())
    pq.write_table(pa.table(arrays), path)


def toml_inputs(inputs):
    parts = []
    for name, _, cols in inputs:
        if len(cols) == 1 and cols[0] == name:
            continue
        parts.append(f"{name} = [" + ", ".join(f'"{c}"' for c in cols) + "]")
    return "[model]\ninputs = { " + ", ".join(parts) + " }\n" if parts else ""


def case(name, model_file, inputs, ref, cur, extra=None):
    model = Model(OUT / model_file, inputs)
    for df in (ref, cur):
        labels, p = model.run(df)
        if model.regression:
            df["prediction"] = p.astype(np.float64)
        else:
            df["prediction"] = labels
            if p.shape[1] == 2:
                df["score"] = p[:, 1].astype(np.float32).astype(np.float64)
    write_parquet(OUT / f"{name}_reference.parquet", ref)
    write_parquet(OUT / f"{name}_current.parquet", cur)
    entry = {
        "case": name,
        "model": model_file,
        "reference": f"{name}_reference.parquet",
        "current": f"{name}_current.parquet",
        "config": toml_inputs(inputs),
        "default_tolerance": {"rel": 1e-9, "abs": 1e-12},
        "expected": expected_values(model, ref, cur),
    }
    if extra:
        entry.update(extra)
    return entry


def main():
    from skl2onnx import to_onnx, convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType

    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261201)
    cases = []

    # 1. Scaler + logistic regression, ZipMap kept.
    def linear_data(n, shift):
        X = rng.normal(size=(n, 5)) * [1, 2, 0.5, 10, 1] + [0, 1, 0, 50, shift]
        logit = X[:, 0] - 0.5 * X[:, 1] + 2 * X[:, 2] + 0.05 * (X[:, 3] - 50)
        y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
        return X, y

    X, y = linear_data(600, 0)
    pipe = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(max_iter=500))]).fit(X, y)
    onx = convert_sklearn(pipe, initial_types=[("features", FloatTensorType([None, 5]))], target_opset={"": 17, "ai.onnx.ml": 3})
    write_model(OUT / "logreg_zipmap.onnx", onx)
    cols = [f"f{i}" for i in range(5)]
    Xr, yr = linear_data(300, 0)
    Xc, yc = linear_data(250, 0.5)
    ref = {c: Xr[:, i] for i, c in enumerate(cols)} | {"label": yr}
    cur = {c: Xc[:, i] for i, c in enumerate(cols)} | {"label": yc}
    cases.append(case("logreg_zipmap", "logreg_zipmap.onnx", [("features", "float", cols)], ref, cur))

    # 2. LightGBM, NaN in a feature; a changed copy.
    import lightgbm
    from onnxmltools import convert_lightgbm
    from onnxmltools.convert.common.data_types import FloatTensorType as MFloat

    def tree_data(n, shift):
        X = rng.normal(size=(n, 6)) + [0, 0, shift, 0, 0, 0]
        X[rng.random(n) < 0.1, 4] = np.nan
        s = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + np.nan_to_num(X[:, 4]) - 0.3
        y = (s + rng.normal(scale=0.5, size=n) > 0).astype(np.int64)
        return X, y

    X, y = tree_data(1500, 0)
    gbm = lightgbm.LGBMClassifier(n_estimators=60, num_leaves=12, learning_rate=0.1, verbose=-1).fit(X, y)
    onx = convert_lightgbm(gbm, initial_types=[("input", MFloat([None, 6]))], target_opset=15)
    write_model(OUT / "lgbm_binary.onnx", onx)
    changed = onnx.load_from_string(onx.SerializeToString())
    for node in changed.graph.node:
        if node.op_type == "TreeEnsembleClassifier":
            attrs = {a.name: a for a in node.attribute}
            tree_ids = list(attrs["class_treeids"].ints)
            weights = attrs["class_weights"].floats
            for i, t in enumerate(tree_ids):
                if t == 0:
                    weights[i] = weights[i] * 3 + 0.2
    write_model(OUT / "lgbm_changed.onnx", changed)
    cols = [f"g{i}" for i in range(6)]
    Xr, yr = tree_data(400, 0)
    Xc, yc = tree_data(300, 0.3)
    ref = {c: Xr[:, i] for i, c in enumerate(cols)} | {"label": yr}
    cur = {c: Xc[:, i] for i, c in enumerate(cols)} | {"label": yc}
    cases.append(case("lgbm_binary", "lgbm_binary.onnx", [("input", "float", cols)], ref, cur, {"changed_model": "lgbm_changed.onnx"}))

    # 3. One-hot + random forest over three classes, per-column inputs.
    cities = np.array(["north", "south", "east", "west", "centre"])

    def mixed_data(n, p):
        city = rng.choice(cities, size=n, p=p)
        a = rng.normal(size=n)
        b = rng.gamma(2.0, size=n)
        s = a + (city == "north") * 1.5 - (city == "west") * 1.0 + 0.3 * b
        y = np.digitize(s + rng.normal(scale=0.6, size=n), [0.3, 1.3])
        return city, a.reshape(-1, 1), b.reshape(-1, 1), np.array(["low", "mid", "high"])[y]

    city, a, b, y = mixed_data(900, [0.3, 0.2, 0.2, 0.2, 0.1])
    import pandas as pd

    frame = pd.DataFrame({"city": city, "a": a[:, 0], "b": b[:, 0]})
    pipe = Pipeline([
        ("prep", ColumnTransformer([("oh", OneHotEncoder(handle_unknown="ignore"), ["city"]), ("num", "passthrough", ["a", "b"])])),
        ("rf", RandomForestClassifier(n_estimators=15, max_depth=6, random_state=0)),
    ]).fit(frame, y)
    onx = convert_sklearn(
        pipe,
        initial_types=[("city", StringTensorType([None, 1])), ("a", FloatTensorType([None, 1])), ("b", FloatTensorType([None, 1]))],
        target_opset={"": 17, "ai.onnx.ml": 3},
    )
    write_model(OUT / "onehot_forest.onnx", onx)
    cr, ar, br, yr = mixed_data(300, [0.3, 0.2, 0.2, 0.2, 0.1])
    cc, ac, bc, yc = mixed_data(240, [0.15, 0.25, 0.2, 0.3, 0.1])
    ref = {"city": np.array(cr, dtype=object), "a": ar[:, 0], "b": br[:, 0], "label": np.array(yr, dtype=object)}
    cur = {"city": np.array(cc, dtype=object), "a": ac[:, 0], "b": bc[:, 0], "label": np.array(yc, dtype=object)}
    inputs = [("city", "string", ["city"]), ("a", "float", ["a"]), ("b", "float", ["b"])]
    cases.append(case("onehot_forest", "onehot_forest.onnx", inputs, ref, cur))

    # 4. Random forest regressor, an int64 input.
    def reg_data(n, shift):
        x = rng.normal(size=n) + shift
        k = rng.poisson(4, size=n).astype(np.int64)
        t = 2 * x + 0.5 * k + rng.normal(scale=0.5, size=n)
        return x, k, t

    x, k, t = reg_data(800, 0)
    frame = pd.DataFrame({"x": x, "k": k})
    rf = RandomForestRegressor(n_estimators=20, max_depth=6, random_state=0).fit(frame.to_numpy(dtype=np.float64), t)
    # The forest on per-column inputs: x (float) and k (int64), cast and
    # concatenated by skl2onnx's ColumnTransformer.
    pipe = Pipeline([("prep", ColumnTransformer([("num", "passthrough", ["x", "k"])])), ("rf", rf)])
    pipe.steps[0][1].fit(frame)
    onx = convert_sklearn(pipe, initial_types=[("x", FloatTensorType([None, 1])), ("k", Int64TensorType([None, 1]))], target_opset={"": 17, "ai.onnx.ml": 3})
    write_model(OUT / "forest_regressor.onnx", onx)
    xr, kr, tr = reg_data(300, 0)
    xc, kc, tc = reg_data(260, 0.4)
    ref = {"x": xr, "k": kr, "label": tr}
    cur = {"x": xc, "k": kc, "label": tc}
    inputs = [("x", "float", ["x"]), ("k", "int64", ["k"])]
    cases.append(case("forest_regressor", "forest_regressor.onnx", inputs, ref, cur))

    # 5. XGBoost (onnxmltools), one float tensor.
    import xgboost
    from onnxmltools.convert import convert_xgboost

    def xgb_data(n, shift):
        X = rng.normal(size=(n, 4)) + [0, shift, 0, 0]
        s = X[:, 0] * X[:, 1] + np.abs(X[:, 2]) - 0.8 + 0.5 * X[:, 3]
        y = (s + rng.normal(scale=0.5, size=n) > 0).astype(np.int64)
        return X, y

    X, y = xgb_data(1200, 0)
    xgb = xgboost.XGBClassifier(n_estimators=40, max_depth=4, learning_rate=0.2, random_state=0).fit(X.astype(np.float32), y)
    onx = convert_xgboost(xgb, initial_types=[("features", MFloat([None, 4]))], target_opset=15)
    write_model(OUT / "xgb_binary.onnx", onx)
    cols = [f"h{i}" for i in range(4)]
    Xr, yr = xgb_data(300, 0)
    Xc, yc = xgb_data(280, 0.3)
    ref = {c: Xr[:, i] for i, c in enumerate(cols)} | {"label": yr}
    cur = {c: Xc[:, i] for i, c in enumerate(cols)} | {"label": yc}
    cases.append(case("xgb_binary", "xgb_binary.onnx", [("features", "float", cols)], ref, cur))

    for c in cases:
        size = (OUT / c["model"]).stat().st_size
        assert size < 1_000_000, (c["model"], size)
    doc = {"format": "attest-model-conformance", "onnxruntime": ort.__version__, "cases": cases}
    (OUT / "expected.json").write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {len(cases)} cases, {sum(len(c['expected']) for c in cases)} values to {OUT}")


if __name__ == "__main__":
    main()
