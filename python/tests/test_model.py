"""The model argument (SPEC §7): an ONNX file or its bytes, and Python
models — scikit-learn objects and plain callables — with no export step."""

from __future__ import annotations

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

import attest
from conftest import disagreements

ort = pytest.importorskip("onnxruntime")

CASES = ["model_public", "model_public/trees"]


def model_case(conformance, name):
    d = conformance / name
    features = (d / "features.txt").read_text().split()
    expected = json.loads((d / "expected_model.json").read_text())
    return d, features, expected


class OnnxClassifier:
    """A scikit-learn-style object whose predict_proba is the ONNX model's
    (float32 inputs, as the model takes them): the Python-model path must
    give the ONNX path's numbers."""

    def __init__(self, path, features):
        self.session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        self.feature_names_in_ = np.array(features, dtype=object)
        self.classes_ = np.array([0, 1])
        self.calls = 0

    def _run(self, X):
        self.calls += 1
        assert list(X.columns) == list(self.feature_names_in_)
        x = X.to_numpy(dtype=np.float32)
        label, proba = self.session.run(None, {"X": x})
        return np.asarray(label), np.asarray(proba, dtype=np.float64)

    def predict_proba(self, X):
        return self._run(X)[1]

    def predict(self, X):
        return self._run(X)[0]


@pytest.mark.parametrize("name", CASES)
def test_onnx_file_and_bytes(conformance, name):
    d, features, expected = model_case(conformance, name)
    config = {"model": {"inputs": {"X": features}}}
    ref, cur = str(d / "reference.parquet"), str(d / "current.parquet")
    for model in (str(d / "model.onnx"), (d / "model.onnx").read_bytes()):
        report = attest.check(ref, cur, config=config, model=model, progress=False)
        problems = disagreements(report, expected["expected"], expected["default_tolerance"])
        assert not problems, "\n".join(problems[:20])
        assert report.check("model_parity")["status"] == "pass"


@pytest.mark.parametrize("name", CASES)
def test_python_object_gives_the_onnx_numbers(conformance, name):
    d, features, expected = model_case(conformance, name)
    model = OnnxClassifier(d / "model.onnx", features)
    report = attest.check(pq.read_table(d / "reference.parquet"), pq.read_table(d / "current.parquet"),
                          model=model, progress=False)
    problems = disagreements(report, expected["expected"], expected["default_tolerance"])
    assert not problems, "\n".join(problems[:20])
    assert model.calls > 0
    parity = report.check("model_parity")
    assert parity["status"] == "pass"
    described = parity["evidence"]["model"]
    assert described["name"] == "test_model.OnnxClassifier"
    assert described["producer"] == "python"
    assert [i["columns"] for i in described["inputs"]] == [[f] for f in features]


def test_changed_model_fails_parity_as_an_object(conformance):
    d, features, _ = model_case(conformance, "model_public")
    model = OnnxClassifier(d / "model_changed.onnx", features)
    report = attest.check(str(d / "reference.parquet"), str(d / "current.parquet"), model=model, progress=False)
    assert report.check("model_parity")["status"] == "fail"
    assert not report.passed


def _credit_frames(conformance):
    import pandas as pd

    ref = pq.read_table(conformance / "binary_0" / "reference.parquet").to_pandas()
    cur = pq.read_table(conformance / "binary_0" / "current.parquet").to_pandas()
    return pd, ref, cur


def test_sklearn_pipeline_with_string_categories(conformance):
    """A ColumnTransformer pipeline with one-hot string categories, fit
    here: its own probabilities in `score` make parity pass, and the
    sensitivity and permutation checks are computed from its outputs."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    pd, ref, cur = _credit_frames(conformance)
    numeric = ["age", "income", "utilization", "num_accounts"]
    text = ["region", "channel"]
    pipe = make_pipeline(
        ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
            ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="none"),
                                  OneHotEncoder(handle_unknown="ignore")), text),
        ]),
        LogisticRegression(max_iter=500),
    )
    pipe.fit(ref[numeric + text], ref["label"])
    for df in (ref, cur):
        df["score"] = pipe.predict_proba(df[numeric + text])[:, 1]
        df["prediction"] = pipe.predict(df[numeric + text])
    report = attest.check(ref, cur, id="id", model=pipe, progress=False)
    parity = report.check("model_parity")
    assert parity["status"] == "pass", parity["message"]
    assert parity["message"].startswith("the model sklearn.pipeline.Pipeline reproduces the predictions")
    names = {(m["name"], m.get("dataset")) for m in parity["metrics"]}
    assert ("model_prediction_agreement", "current") in names
    sens = report.check("model_sensitivity")
    assert sens["status"] in ("pass", "warn"), sens["message"]
    flipped = {m["column"] for m in sens["metrics"] if m["name"] == "noise_flip_share"}
    assert set(numeric) <= flipped
    perm = report.check("model_permutation_importance")
    assert {m["column"] for m in perm["metrics"]} == set(numeric + text)
    # Changing the model's coefficients after the fact: parity fails.
    pipe[-1].coef_ = pipe[-1].coef_ * 0.5
    assert attest.check(ref, cur, id="id", model=pipe, progress=False).check("model_parity")["status"] == "fail"


def test_plain_callable_binary(conformance):
    d, features, expected = model_case(conformance, "model_public")
    inner = OnnxClassifier(d / "model.onnx", features)

    def p(X):
        return inner.predict_proba(X[features])[:, 1]

    report = attest.check(str(d / "reference.parquet"), str(d / "current.parquet"), model=p,
                          config={"model": {"features": features}}, progress=False)
    assert report.check("model_parity")["status"] == "pass"
    problems = disagreements(report, [e for e in expected["expected"] if e["name"].startswith("model_")],
                             expected["default_tolerance"])
    assert not problems, problems


def test_model_error_names_the_batch_and_chains_the_exception(conformance):
    d, features, _ = model_case(conformance, "model_public")

    class Broken(OnnxClassifier):
        def predict_proba(self, X):
            if self.calls >= 2:
                raise ZeroDivisionError("the model's own failure")
            return super().predict_proba(X)

    with pytest.raises(attest.ModelError) as info:
        attest.check(str(d / "reference.parquet"), str(d / "current.parquet"),
                     model=Broken(d / "model.onnx", features), progress=False)
    assert "batch" in str(info.value)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_callable_without_features_is_an_input_error(conformance):
    d, _, _ = model_case(conformance, "model_public")
    with pytest.raises(attest.InputError, match=r"\[model\] features"):
        attest.check(str(d / "reference.parquet"), str(d / "current.parquet"), model=lambda X: X, progress=False)


def test_object_without_predict_is_an_input_error(conformance):
    d, _, _ = model_case(conformance, "model_public")
    with pytest.raises(attest.InputError, match="neither predict_proba nor predict"):
        attest.check(str(d / "reference.parquet"), str(d / "current.parquet"), model=object(), progress=False)


@pytest.mark.parametrize("library", ["lightgbm", "xgboost"])
def test_gradient_boosting_through_the_sklearn_api(conformance, library):
    """LightGBM and XGBoost objects as they come (their scikit-learn API,
    fit on a DataFrame): parity passes against their own scores, and a
    changed model fails it."""
    lib = pytest.importorskip(library)
    pd, ref, cur = _credit_frames(conformance)
    numeric = ["age", "income", "utilization", "num_accounts"]
    if library == "lightgbm":
        model = lib.LGBMClassifier(n_estimators=30, num_leaves=15, verbose=-1, random_state=0)
    else:
        model = lib.XGBClassifier(n_estimators=30, max_depth=4, random_state=0)
    model.fit(ref[numeric], ref["label"])
    for df in (ref, cur):
        df["score"] = model.predict_proba(df[numeric])[:, 1]
        df["prediction"] = model.predict(df[numeric])
    report = attest.check(ref, cur, id="id", model=model, progress=False)
    parity = report.check("model_parity")
    assert parity["status"] == "pass", parity["message"]
    assert {m["column"] for m in report.check("model_permutation_importance")["metrics"]} == set(numeric)
    # Another model of the same kind on other rows: parity fails.
    model.fit(cur[numeric], 1 - cur["label"])
    assert attest.check(ref, cur, id="id", model=model, progress=False).check("model_parity")["status"] == "fail"


def logistic_pipeline_of(path, features):
    """The scikit-learn pipeline skl2onnx exported as model_public/model.onnx
    (StandardScaler + LogisticRegression), rebuilt from the file's Scaler and
    LinearClassifier parameters: the model that made the case."""
    onnx = pytest.importorskip("onnx")
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    nodes = {n.op_type: {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
             for n in onnx.load(str(path)).graph.node}
    k = len(features)
    scaler = StandardScaler()
    scaler.mean_ = np.asarray(nodes["Scaler"]["offset"], dtype=np.float64)
    scaler.scale_ = 1.0 / np.asarray(nodes["Scaler"]["scale"], dtype=np.float64)
    scaler.var_ = scaler.scale_ ** 2
    scaler.n_features_in_ = k
    scaler.feature_names_in_ = np.array(features, dtype=object)
    scaler.n_samples_seen_ = 1
    lr = LogisticRegression()
    coef = np.asarray(nodes["LinearClassifier"]["coefficients"], dtype=np.float64).reshape(-1, k)
    lr.coef_ = coef[1:2]
    lr.intercept_ = np.asarray(nodes["LinearClassifier"]["intercepts"], dtype=np.float64)[1:2]
    lr.classes_ = np.array(nodes["LinearClassifier"]["classlabels_ints"])
    lr.n_features_in_ = k
    return make_pipeline(scaler, lr)


def test_the_scikit_learn_pipeline_that_made_the_case(conformance):
    """model_public through the scikit-learn pipeline itself (float64, where
    ONNX Runtime computes in float32): parity passes and every expected
    value agrees within float32's resolution."""
    d, features, expected = model_case(conformance, "model_public")
    pipe = logistic_pipeline_of(d / "model.onnx", features)
    report = attest.check(str(d / "reference.parquet"), str(d / "current.parquet"), model=pipe, progress=False)
    assert report.check("model_parity")["status"] == "pass"
    # The listed tolerances are for ONNX Runtime's float32 numbers (mean
    # score changes agree to ~1e-5 of their value in float64); every flip
    # share, extreme-value share and permutation importance is held to
    # float32's resolution too, and every entry must be there once.
    float32 = {"rel": 1e-4, "abs": 1e-5}
    loose = [dict(e, tolerance=float32) for e in expected["expected"]]
    problems = disagreements(report, loose, float32)
    assert not problems, problems[:10]
