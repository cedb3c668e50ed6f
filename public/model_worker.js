// The model's worker: a module worker the page starts only for a run with a
// model. It imports ONNX Runtime Web (its CPU/wasm build, vendored into
// ./ort/ by scripts/vendor_ort.sh) and Attest's probe (./probe.js, the
// library's model checks), so neither is part of the base download.
//
// Job (from the page): {kind: "model", reference, current[, train] (Blobs
// or URLs, as the other workers' jobs), config | config_toml, model (Blob),
// model_name}. Answers: {type: "progress", rows, total} after each batch,
// then {type: "checks", json, timings} (the model checks, and the ms spent
// scoring by kind of batch: "parity <dataset>", "sensitivity"), or {type: "error",
// message}.
import * as ort from './ort/ort.wasm.min.mjs';
import initProbe, { probe_open, probe_step } from './probe.js';

// Files from this origin only; one thread (threads need cross-origin
// isolation, which a static host may not give), no proxy worker.
ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;

async function run(job) {
  await initProbe({ module_or_path: new URL('./probe_bg.wasm', import.meta.url) });
  let batch = probe_open(job);
  const session = await ort.InferenceSession.create(batch.model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'basic',
  });
  let scored = 0;
  // Time spent in the model by batch kind ("parity reference", "parity
  // current", "sensitivity"), ms.
  const timings = {};
  for (;;) {
    const t0 = performance.now();
    const feeds = {};
    for (const t of batch.inputs) feeds[t.name] = new ort.Tensor(t.type, t.data, t.dims);
    const results = await session.run(feeds);
    const outputs = [];
    for (const name of session.outputNames) {
      const t = results[name];
      if (t && t.location === 'cpu') {
        outputs.push({ name, type: t.type, dims: Array.from(t.dims), data: t.data });
      }
    }
    timings[batch.batch_kind] = (timings[batch.batch_kind] || 0) + performance.now() - t0;
    scored += batch.rows;
    self.postMessage({ type: 'progress', rows: scored, total: batch.total_rows });
    const next = probe_step({ index: batch.index, outputs });
    if (next.kind === 'model_checks') {
      self.postMessage({ type: 'checks', json: next.json, timings });
      return;
    }
    batch = next;
  }
}

self.onmessage = (event) => {
  run(event.data).catch((e) => {
    self.postMessage({ type: 'error', message: String((e && e.message) || e) });
  });
};
