"""Attest: model-validation checks and reports (SPEC §7).

    import attest
    report = attest.check(reference_df, current_df, label="label")
    report            # a verdict table and charts in a notebook
    assert report.passed

The checks are the Rust library the ``attest`` command runs (this package
also installs that command); the numbers are the same whoever asks.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Mapping, Sequence

from . import _attest
from ._attest import InputError, ModelError
from ._report import Report, VerifyResult, load_report

__all__ = [
    "check",
    "load_report",
    "Report",
    "VerifyResult",
    "InputError",
    "ModelError",
    "__version__",
]

__version__: str = _attest.version()


def _type_name(obj: Any) -> str:
    t = type(obj)
    return f"{t.__module__.split('.')[0]}.{t.__name__}"


def _dataset(obj: Any, label: str):
    """``(display name, path or Arrow stream object)`` for one input."""
    if isinstance(obj, (str, os.PathLike)):
        path = os.fspath(obj)
        return os.path.basename(path) or path, path
    if isinstance(obj, bytes):
        raise InputError(f"{label}: bytes are not a dataset; give a path or a data frame")
    name = _type_name(obj)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(obj, pd.DataFrame):
        # The frame's own columns, never its index (pandas' own export
        # would add a non-default index as a column).
        try:
            import pyarrow as pa
        except ImportError as e:  # pragma: no cover - pandas 2.2 needs pyarrow for Arrow
            raise InputError(
                f"{label}: reading a pandas DataFrame needs pyarrow (pip install pyarrow)"
            ) from e
        try:
            return name, pa.Table.from_pandas(obj, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
            raise InputError(f"{label}: the pandas DataFrame cannot be read as Arrow data: {e}") from e
    if hasattr(obj, "__arrow_c_stream__"):
        return name, obj
    # DuckDB relations of versions without the PyCapsule interface.
    for method in ("to_arrow_table", "arrow"):
        if name.startswith("duckdb") and callable(getattr(obj, method, None)):
            return name, getattr(obj, method)()
    raise InputError(
        f"{label}: a {name} is not a dataset: give a path to a Parquet or CSV file, or a data frame "
        "(pandas, Polars, pyarrow, DuckDB: anything with __arrow_c_stream__)"
    )


def _model_arg(model: Any):
    if model is None:
        return None
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as e:
            raise InputError(f"cannot read the model file {path}: {e}") from e
        return ("onnx", os.path.basename(path), data)
    if isinstance(model, (bytes, bytearray, memoryview)):
        return ("onnx", "model.onnx", bytes(model))
    from ._model import Adapter

    try:
        return ("python", Adapter(model))
    except TypeError as e:
        raise InputError(str(e)) from None


def _config_arg(config: Any):
    """``(path, json)``: a TOML file's path, or a dict as JSON."""
    if config is None:
        return None, None
    if isinstance(config, (str, os.PathLike)):
        return os.fspath(config), None
    if isinstance(config, Mapping):
        try:
            return None, json.dumps(config)
        except (TypeError, ValueError) as e:
            raise InputError(f"config: the dict cannot be read: {e}") from e
    raise InputError(
        f"config: a {_type_name(config)} is not a configuration; give a path to an attest.toml or a dict"
    )


def _baseline_arg(baseline: Any):
    """``(name, JSON text)`` of a baseline: a Report, or a saved report's path."""
    if isinstance(baseline, Report):
        return "baseline report", baseline.to_json()
    if isinstance(baseline, (str, os.PathLike)):
        path = os.fspath(baseline)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read the baseline {path}: {e}") from e
        return os.path.basename(path), _attest.parse_report(text)
    raise InputError(f"baseline: a {_type_name(baseline)} is not a report; give an attest.Report or a path")


def _names(value: Any, keyword: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InputError(f"{keyword}: give a column name or a list of column names")


def check(
    reference: Any,
    current: Any,
    train: Any = None,
    *,
    config: Any = None,
    model: Any = None,
    skew: bool = False,
    progress: bool = True,
    id: str | None = None,
    timestamp: str | None = None,
    prediction: str | None = None,
    score: str | None = None,
    label: str | None = None,
    sensitive: str | Sequence[str] | None = None,
    segments: str | Sequence[str] | None = None,
    class_scores: str | Sequence[str] | None = None,
    attribution: str | Sequence[str] | None = None,
    challenger_score: str | None = None,
    challenger_prediction: str | None = None,
    baseline: Any = None,
    trusted_keys: Any = None,
) -> Report:
    """Compare ``current`` with ``reference`` (and ``train``) and return the report.

    See the stub file (``attest/__init__.pyi``) and SPEC §7 for every argument.
    """
    roles: dict[str, Any] = {}
    for key, value in (
        ("id", id),
        ("timestamp", timestamp),
        ("prediction", prediction),
        ("score", score),
        ("label", label),
        ("challenger_score", challenger_score),
        ("challenger_prediction", challenger_prediction),
    ):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{key}: give a column name (a str), not a {_type_name(value)}")
        roles[key] = value
    for key, value in (
        ("sensitive", sensitive),
        ("segments", segments),
        ("class_scores", class_scores),
        ("attribution", attribution),
    ):
        roles[key] = _names(value, key)
    config_path, config_json = _config_arg(config)
    baseline_arg = None if baseline is None else _baseline_arg(baseline)
    keys_arg = None
    if trusted_keys is not None:
        if baseline is None:
            raise InputError("trusted_keys: give a baseline to check its signatures against them")
        if isinstance(trusted_keys, (str, os.PathLike)):
            try:
                with open(trusted_keys, encoding="utf-8") as f:
                    keys_arg = f.read()
            except OSError as e:
                raise InputError(f"cannot read the trusted keys {os.fspath(trusted_keys)}: {e}") from e
        elif isinstance(trusted_keys, Mapping):
            keys_arg = json.dumps(trusted_keys)
        else:
            raise InputError("trusted_keys: give a trusted-keys file's path or its dict")
    inputs = [_dataset(reference, "reference"), _dataset(current, "current")]
    train_input = None if train is None else _dataset(train, "train")
    bar = None
    if progress:
        from ._progress import Bar

        bar = Bar()
    try:
        text, seconds = _attest.check(
            inputs[0],
            inputs[1],
            train_input,
            config_path,
            config_json,
            roles,
            bool(skew),
            _model_arg(model),
            bar,
            baseline_arg,
            keys_arg,
        )
    finally:
        if bar is not None:
            bar.close()
    return Report(text, seconds=seconds)
