// Browser benchmark: the 1M-row pair in headless Chromium, from files given
// to report drawn, and the worker's WebAssembly memory (its peak: wasm memory
// never shrinks). Run from the repository root after `trunk build --release`:
//   node tests/e2e/bench.mjs [RUNS] [--full | --full-pair] [--roles] [--data DIR] [--timings]
// Uses bench-data/ from scripts/bench.sh; with --full, bench-full/ (train,
// reference and current of `make_big.py --full`) and bench-full/attest.toml
// (the challenger's columns; monthly chunks; the skew join), as `scripts/bench.sh --full`
// writes them: every check of the validation suite; with --full-pair, only
// bench-full/'s reference and current, default configuration. --roles gives
// the roles the CLI benchmark passes as flags (`--prediction prediction
// --score score --label label --segment segment`) as an attest.toml;
// --data DIR reads DIR's reference and current (W3: bench-w3/). The last
// line is "median SECONDS MEMORY_MB": the median of the runs' files given →
// report drawn, and the largest of their workers' wasm memory + JS heap.
import { createServer } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = path.join(root, "dist");
const args = process.argv.slice(2);
const full = args.includes("--full");
const fullPair = args.includes("--full-pair");
const runs = Number(args.find((a) => /^\d+$/.test(a)) || 3);
// --model: also drop bench-data/forest100.onnx with bench-data/model.toml
// (scripts/make_bench_model.py): the marks then carry the time the model
// spent on parity (both datasets' rows) and on the sensitivity suite.
const model = args.includes("--model");
const roles = args.includes("--roles");
const timings = args.includes("--timings");
const dataArg = args.indexOf("--data");
const data = dataArg >= 0 ? path.resolve(args[dataArg + 1])
  : path.join(root, full || fullPair ? "bench-full" : "bench-data");
const rolesToml = path.join(os.tmpdir(), "attest-bench-roles.toml");
if (roles) {
  await writeFile(rolesToml, '[roles]\nprediction = "prediction"\nscore = "score"\nlabel = "label"\nsegments = ["segment"]\n');
}
const results = [];
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };
const server = createServer(async (req, res) => {
  const p = new URL(req.url, "http://x").pathname;
  const file = path.join(dist, p.endsWith("/") ? p + "index.html" : p);
  let body;
  try { body = await readFile(file); } catch { res.writeHead(404).end(); return; }
  res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
  res.end(body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--enable-precise-memory-info"],
});
console.log("run  seconds  report_in_page_s  worker_wasm_MB(first+second)  page_js_heap_MB  arrivals_ms");
for (let i = 1; i <= runs; i++) {
  const page = await browser.newPage();
  // --timings: the workers log where each job's time went (`?timings`)
  if (timings) {
    page.on("console", (m) => { if (m.text().startsWith("attest worker:")) console.error(m.text()); });
  }
  await page.goto(origin + (timings ? "/?timings" : "/"));
  if (model) {
    await page.setInputFiles("#config-file", path.join(data, "model.toml"));
  }
  if (roles) {
    await page.setInputFiles("#config-file", rolesToml);
  }
  if (full) {
    await page.setInputFiles("#config-file", path.join(data, "attest.toml"));
    await page.setInputFiles("#train-file", path.join(data, "train.parquet"));
  }
  await page.setInputFiles("#reference-file", path.join(data, "reference.parquet"));
  await page.setInputFiles("#current-file", path.join(data, "current.parquet"));
  if (model) {
    await page.waitForSelector("#setup", { timeout: 120_000 });
    await page.setInputFiles("#model-file", path.join(data, "forest100.onnx"));
  }
  const t0 = Date.now();
  await page.click("#run");
  await page.waitForSelector(model ? "#report #model-sensitivity" : "#report #drift-table", { timeout: 1_200_000 });
  const seconds = (Date.now() - t0) / 1000;
  const wasm = Number(await page.getAttribute("#run-stats", "data-wasm-memory")) / 1048576;
  const aux = Number(await page.getAttribute("#run-stats", "data-aux-wasm-memory")) / 1048576;
  // from "Run checks" to the report document in the page (before drawing it)
  const inPage = Number(await page.getAttribute("#run-stats", "data-run-ms")) / 1000;
  const heap = (await page.evaluate(() => performance.memory?.usedJSHeapSize || 0)) / 1048576;
  // when each part reached the page: the first worker's columns (main), the
  // second's (aux), the digests, the finished report
  const marks = await page.getAttribute("#run-stats", "data-marks");
  results.push([seconds, wasm + aux + heap]);
  console.log(`${i}    ${seconds.toFixed(2)}     ${inPage.toFixed(2)}              ${wasm.toFixed(0)}+${aux.toFixed(0)}                     ${heap.toFixed(0)}               ${marks}`);
  await page.close();
}
await browser.close();
server.close();
const times = results.map((r) => r[0]).sort((a, b) => a - b);
const memory = Math.max(...results.map((r) => r[1]));
console.log(`median ${times[Math.floor((times.length - 1) / 2)].toFixed(2)} ${memory.toFixed(0)}`);
