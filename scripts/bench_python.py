#!/usr/bin/env python3
"""The Python package on W1 (issue 30, BENCHMARKS.md "Python"), side by side
in one run on the same machine:

- `frames`: W1 read into pandas DataFrames first (not timed), then
  `attest.check` on them with the CLI's roles — wall time, the process's
  peak RSS, and the frames' own footprint (RSS after reading them);
- `cli`: `attest check` on the files (the release binary; /usr/bin/time);
- `evidently`: Evidently 0.7's DataDriftPreset + ClassificationPreset on
  the same DataFrames in the same process as `frames` (the frames are
  read once for both);
- `model-sklearn` / `model-onnx`: the model checks of W1's 100-tree forest
  (scripts/make_bench_model.py's, same seed) as the scikit-learn object
  and as its ONNX export.

    python scripts/bench_python.py [RUNS] [--evidently] [--model]

Each measurement runs in a process of its own, interleaved run by run
(frames, cli, frames, cli, …), and the medians are printed with their
ratio. Needs bench-data/ (bash scripts/bench.sh writes it), the attest-ml
wheel and, for the options, evidently 0.7, scikit-learn and skl2onnx in the
running interpreter's environment.
"""
import json
import pathlib
import resource
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
ROLES = dict(prediction="prediction", score="score", label="label", segments=["segment"])


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(mode: str) -> dict:
    import pandas as pd

    base = rss_mb()
    reference = pd.read_parquet(DATA / "reference.parquet")
    current = pd.read_parquet(DATA / "current.parquet")
    frames = rss_mb() - base
    import attest

    out = {"mode": mode, "frames_mb": round(frames)}
    if mode == "frames":
        t = time.perf_counter()
        report = attest.check(reference, current, progress=False, **ROLES)
        out["wall"] = time.perf_counter() - t
        out["status"] = report.status
    elif mode == "evidently":
        from evidently import BinaryClassification, DataDefinition, Dataset, Report
        from evidently.presets import ClassificationPreset, DataDriftPreset

        t = time.perf_counter()
        roles = {"id", "score", "prediction", "label", "segment"}
        numeric = [c for c in reference.columns
                   if c not in roles and pd.api.types.is_numeric_dtype(reference[c])]
        categorical = [c for c in reference.columns if c not in roles and c not in numeric] + ["segment"]
        definition = DataDefinition(
            numerical_columns=numeric + ["score"],
            categorical_columns=categorical + ["label", "prediction"],
            classification=[BinaryClassification(target="label", prediction_labels="prediction",
                                                  prediction_probas="score")],
        )
        Report([DataDriftPreset(), ClassificationPreset()]).run(
            Dataset.from_pandas(current, data_definition=definition),
            Dataset.from_pandas(reference, data_definition=definition))
        out["wall"] = time.perf_counter() - t
    elif mode.startswith("model-"):
        features = [c for c in reference.columns if c.startswith("num_")]
        if mode == "model-sklearn":
            import numpy as np
            import pyarrow.parquet as pq
            from sklearn.ensemble import RandomForestClassifier

            table = pq.read_table(DATA / "reference.parquet", columns=features + ["label"]).slice(0, 50_000)
            X = np.column_stack([table[c].to_numpy(zero_copy_only=False) for c in features]).astype(np.float32)
            model = RandomForestClassifier(n_estimators=100, max_depth=8, random_state=0, n_jobs=-1).fit(
                X, table["label"].to_numpy())
            config = {"model": {"features": features}}
        else:
            model = str(DATA / "forest100.onnx")
            config = {"model": {"inputs": {"X": features}}}
        t = time.perf_counter()
        report = attest.check(reference, current, model=model, config=config, progress=False, **ROLES)
        out["wall"] = time.perf_counter() - t
        out["model_checks"] = [report.check(c)["status"] for c in
                               ("model_parity", "model_sensitivity", "model_permutation_importance")]
    out["peak_mb"] = round(peak_mb())
    return out


def cli() -> dict:
    args = ["/usr/bin/time", "-v", str(ROOT / "target/release/attest"), "check",
            "--reference", str(DATA / "reference.parquet"), "--current", str(DATA / "current.parquet"),
            "--prediction", "prediction", "--score", "score", "--label", "label", "--segment", "segment",
            "--json", "/tmp/attest-bench-py.json"]
    t = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - t
    rss = [l for l in r.stderr.splitlines() if "Maximum resident set size" in l][0].split()[-1]
    return {"mode": "cli", "wall": wall, "peak_mb": round(int(rss) / 1024)}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2])))
        return
    runs = next((int(a) for a in sys.argv[1:] if a.isdigit()), 3)
    modes = ["frames", "cli"]
    if "--evidently" in sys.argv:
        modes.append("evidently")
    if "--model" in sys.argv:
        modes += ["model-sklearn", "model-onnx"]
    results = {m: [] for m in modes}
    for i in range(runs):
        for m in modes:
            if m == "cli":
                r = cli()
            else:
                p = subprocess.run([sys.executable, __file__, "--one", m], capture_output=True, text=True)
                if p.returncode != 0:
                    sys.exit(f"{m} failed:\n{p.stderr}")
                r = json.loads(p.stdout.strip().splitlines()[-1])
            results[m].append(r)
            print(f"run {i + 1} {m:14s} {r['wall']:8.2f} s  peak {r['peak_mb']:6d} MB"
                  + (f"  frames {r['frames_mb']} MB" if "frames_mb" in r else "")
                  + (f"  {r['model_checks']}" if "model_checks" in r else ""), flush=True)
    med = {m: statistics.median(r["wall"] for r in rs) for m, rs in results.items()}
    print("\nmedians:")
    for m in modes:
        peaks = [r["peak_mb"] for r in results[m]]
        print(f"  {m:14s} {med[m]:8.2f} s  peak {statistics.median(peaks):.0f} MB")
    print(f"  frames / cli: {med['frames'] / med['cli']:.2f}x")
    if "evidently" in med:
        print(f"  evidently / frames: {med['evidently'] / med['frames']:.0f}x")
    if "model-sklearn" in med:
        print(f"  model-sklearn / model-onnx: {med['model-sklearn'] / med['model-onnx']:.2f}x")


if __name__ == "__main__":
    main()
