"""Attest: model-validation checks and reports (SPEC §7).

The checks are the Rust library the ``attest`` command runs; this package
also installs that command. The same inputs give the same numbers.
"""

import os
from typing import Any, Callable, Literal, Mapping, Sequence

__version__: str
"""The package's version, which is the library's and the command's."""

Status = Literal["pass", "warn", "fail", "error"]

class InputError(ValueError):
    """Bad input, with the command line's message: what ``attest check``
    exits 2 on (a missing column, an empty dataset, a bad configuration
    key, a file that is not Parquet or CSV, an argument of the wrong type,
    a model with neither ``predict`` nor ``predict_proba``)."""

class ModelError(RuntimeError):
    """The Python model raised (or returned what Attest cannot use) while
    Attest scored a batch; the message names the batch (``parity``,
    ``noise 0.01 on age``, …) and the model's exception is ``__cause__``."""

class VerifyResult:
    """What :meth:`Report.verify` found."""

    valid: bool
    """Every signature valid (and trusted, when trusted keys were given), and
    at least one: ``attest verify``'s exit status 0."""
    text: str
    """What ``attest verify`` prints."""
    signatures: list[dict[str, Any]]
    """Each signature: signer, role, decision, signed_at, fingerprint, state."""
    problem: str | None
    """Why the document as a whole cannot be trusted, if it cannot."""
    def __bool__(self) -> bool: ...

class Report:
    """An Attest report (the SPEC §4 document) with its views."""

    @property
    def status(self) -> Status:
        """The report's verdict: ``"pass"``, ``"warn"``, ``"fail"`` or ``"error"``."""
    @property
    def passed(self) -> bool:
        """No check failed or errored (warnings allowed) — the CLI's exit
        status 0. ``assert report.passed`` in a test or a pipeline."""
    @property
    def checks(self) -> list[dict[str, Any]]:
        """The checks, as in the document (id, title, status, message, metrics, evidence)."""
    def check(self, id: str) -> dict[str, Any]:
        """One check by id (``"feature_drift"``, ``"performance"``, …); KeyError if absent."""
    def to_json(self) -> str:
        """The report document as the CLI writes it (for the same inputs the
        same document except ``created_at`` and, for in-memory frames,
        ``inputs[].name``, ``sha256`` and ``format``)."""
    def to_dict(self) -> dict[str, Any]:
        """The document as a dict."""
    def metrics(self) -> Any:
        """One row per metric entry (check, name, column, dataset, against,
        segment, chunk, value, threshold, status): a pandas DataFrame when
        pandas is installed, else a pyarrow Table, else a list of dicts."""
    def save_json(self, path: str | os.PathLike[str]) -> None:
        """Write the document (``attest check --json``)."""
    def save_html(self, path: str | os.PathLike[str]) -> None:
        """Write the one-file interactive report (the viewer and the report
        in one HTML file that opens from ``file://`` with no network)."""
    def markdown(self) -> str:
        """The GitHub-flavoured Markdown summary ``attest check --markdown``
        writes (SPEC §8): verdict, a table of every check, failures first with
        their metrics in ``<details>``; at most 60,000 characters."""
    def save_markdown(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`markdown` to a file (for a pull-request comment)."""
    def save_junit(self, path: str | os.PathLike[str]) -> None:
        """Write JUnit XML, one test case per check (``attest check --junit``)."""
    def summary(self) -> str:
        """The text ``attest check`` prints after a run."""
    def verify(self, trusted_keys: str | os.PathLike[str] | Mapping[str, Any] | None = None) -> VerifyResult:
        """Check the report's signatures as ``attest verify`` does;
        ``trusted_keys``: a trusted-keys file (path) or its dict."""
    def show(self) -> str:
        """Open the interactive report in a browser (a temporary one-file
        HTML); returns its path."""
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """``text/plain``, ``text/markdown`` (a verdict table) and static
        ``text/html`` (tables and SVG charts as data-URI images, inline
        styles only, no script, at most 200 KB)."""

def check(
    reference: Any,
    current: Any,
    train: Any = None,
    *,
    config: str | os.PathLike[str] | Mapping[str, Any] | None = None,
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
    baseline: Report | str | os.PathLike[str] | None = None,
    trusted_keys: str | os.PathLike[str] | Mapping[str, Any] | None = None,
) -> Report:
    """Compare ``current`` with ``reference`` (and ``train``, the data the
    model was fit on) and return the report.

    Datasets: a path to a Parquet or CSV file, or a data frame — pandas
    (≥ 2.2), Polars, a pyarrow Table or RecordBatchReader, a DuckDB
    relation: anything with ``__arrow_c_stream__``. A frame gives the
    metrics of the same table written to Parquet.

    Roles (``id``, ``label``, …) override ``config`` as the CLI's flags
    override ``attest.toml``; roles not given are detected by column name.
    ``config``: a path to an ``attest.toml`` or a dict of the same shape.
    ``skew=True`` pairs reference and current rows by id.

    ``model``: a path to an ``.onnx`` file or its bytes, or a Python model —
    an object with ``predict_proba`` and/or ``predict`` (scikit-learn
    pipelines, XGBoost, LightGBM, CatBoost through their scikit-learn API)
    or a callable, called with pandas DataFrames of its feature columns
    (``feature_names_in_``, else ``[model] features`` in the configuration).

    ``baseline``: a report (an :class:`attest.Report`, a saved JSON or
    one-file HTML) to hold this run to: check ``baseline_comparison``
    (SPEC §8); with ``trusted_keys`` it must carry a valid approving
    signature by one of them, else :class:`InputError`.

    ``progress``: a progress bar for runs over 2 s. The GIL is released
    while the checks run; Ctrl-C stops the run (``KeyboardInterrupt``).

    Raises :class:`InputError` for bad input and :class:`ModelError` when
    the model raises.
    """

def load_report(path: str | os.PathLike[str]) -> Report:
    """Open a saved report: its JSON or a one-file HTML report, signed or not."""
