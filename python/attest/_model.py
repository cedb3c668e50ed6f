"""A Python model as Attest's model checks call it (SPEC §7).

The extension hands each batch's feature columns over as lists; the
:class:`Adapter` builds the pandas DataFrame the model expects (its
``feature_names_in_`` order: numbers as float64, integer columns as int64,
texts as Python ``str``, missing values as NaN / None), calls
``predict_proba`` / ``predict`` or the plain callable, and returns the
outputs as plain lists.
"""

from __future__ import annotations

import pickle
from typing import Any, Sequence


def _class_text(c: Any) -> str:
    """A class as the data's text of it: integral numbers without a
    fractional part (``1.0`` → ``"1"``), booleans as ``true``/``false``."""
    if isinstance(c, bool) or type(c).__name__ == "bool_":
        return "true" if c else "false"
    try:
        f = float(c)
        if f.is_integer() and not isinstance(c, str):
            return str(int(f))
    except (TypeError, ValueError):
        pass
    return str(c)


class Adapter:
    """Wraps a model object with ``predict_proba``/``predict`` or a callable."""

    def __init__(self, model: Any):
        has_proba = callable(getattr(model, "predict_proba", None))
        has_predict = callable(getattr(model, "predict", None))
        if not (has_proba or has_predict or callable(model)):
            raise TypeError(
                f"model: a {type(model).__name__} has neither predict_proba nor predict and is not callable"
            )
        self.model = model
        self.has_proba = has_proba
        self.has_predict = has_predict
        if has_proba:
            self.kind = "classifier"
        elif has_predict:
            self.kind = "regressor" if getattr(model, "classes_", None) is None else "classifier"
        else:
            self.kind = "callable"
        cls = type(model)
        self.name = f"{cls.__module__}.{cls.__qualname__}"
        raw = getattr(model, "classes_", None)
        self._classes = None if raw is None else list(raw)
        self.int_classes = self._classes is not None and all(
            isinstance(c, (int,)) or type(c).__name__.startswith(("int", "uint"))
            for c in self._classes
        )

    def features(self, configured: Sequence[str]) -> list[str]:
        names = getattr(self.model, "feature_names_in_", None)
        if names is not None:
            return [str(n) for n in names]
        return list(configured)

    def classes(self) -> list[str] | None:
        if self._classes is None or self.kind != "classifier":
            return None
        return [_class_text(c) for c in self._classes]

    def fingerprint(self) -> bytes:
        """The bytes the report's model SHA-256 is of: the pickled model
        (empty when it cannot be pickled)."""
        try:
            return pickle.dumps(self.model, protocol=4)
        except Exception:
            return b""

    def _frame(self, columns: dict[str, list], rows: int):
        import numpy as np
        import pandas as pd

        data = {}
        for name, values in columns.items():
            if values and isinstance(values[0], float):
                data[name] = np.asarray(values, dtype="float64")
            elif values and isinstance(values[0], int) and not isinstance(values[0], bool):
                data[name] = np.asarray(values, dtype="int64")
            else:
                data[name] = pd.Series(values, dtype="object")
        return pd.DataFrame(data, index=pd.RangeIndex(rows))

    def run(self, columns: dict[str, list], rows: int, classes: list[str], task: str):
        """Returns ``(labels, flat probabilities, values)``, each a list or None."""
        import numpy as np

        x = self._frame(columns, rows)
        if self.kind == "regressor":
            y = np.asarray(self.model.predict(x), dtype="float64").reshape(-1)
            return None, None, y.tolist()
        if self.kind == "classifier":
            p = None
            if self.has_proba:
                p = np.asarray(self.model.predict_proba(x), dtype="float64")
                if p.ndim != 2 or p.shape[0] != rows:
                    raise ValueError(f"predict_proba returned shape {p.shape} for {rows} rows")
            if self.has_predict:
                labels = list(self.model.predict(x))
            else:
                labels = [self._classes[k] for k in np.argmax(p, axis=1)]
            if self.int_classes:
                labels = [int(v) for v in labels]
            else:
                labels = [_class_text(v) for v in labels]
            return labels, None if p is None else p.reshape(-1).tolist(), None
        # A plain callable.
        out = np.asarray(self.model(x), dtype="float64")
        if task == "regression":
            return None, None, out.reshape(-1).tolist()
        if out.ndim == 1 or (out.ndim == 2 and out.shape[1] == 1):
            p1 = out.reshape(-1)
            p = np.column_stack([1.0 - p1, p1])
            threshold = self.threshold
            pick = (p1 >= threshold).astype(int)
        else:
            p = out
            pick = np.argmax(p, axis=1)
        if p.shape[0] != rows:
            raise ValueError(f"the model returned {p.shape[0]} rows for {rows}")
        labels = [classes[k] if k < len(classes) else str(k) for k in pick]
        return labels, p.reshape(-1).tolist(), None

    threshold = 0.5
