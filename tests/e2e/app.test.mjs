// End-to-end tests of the Attest web app in Debian's Chromium.
//
// Serves dist/ (built by `trunk build --release`) on 127.0.0.1, drives the
// real page with playwright-core, and compares the numbers it shows with
// `attest check --json` on the same files. Run from the repository root:
//   (cd tests/e2e && npm test)
// Needs: dist/, target/release/attest, ../shared/conformance, /usr/bin/chromium.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, mkdir, writeFile, stat } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const dist = path.join(root, "dist");
const conformance = process.env.ATTEST_CONFORMANCE_DIR || path.resolve(root, "../shared/conformance");
const artifacts = path.join(root, "target", "e2e-artifacts");
const attest = path.join(root, "target", "release", "attest");
// Signed reports and a trusted-keys.json, served under /reports/ (static hosting).
const reportsDir = path.join(artifacts, "reports");
// A folder written by `attest publish`, served under /site/.
const siteDir = path.join(artifacts, "site");

const types = {
  ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
  ".css": "text/css", ".json": "application/json", ".parquet": "application/octet-stream",
};

let server, origin, browser;
// ms the server holds back /ort/ (a test cancels the model's phase in it)
let ortDelay = 0;
const requests = [];
// What the server sent: every request's path and Range header.
const served = [];

before(async () => {
  await mkdir(artifacts, { recursive: true });
  server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    // /data/… serves the conformance cases; /slow/… the same, 300 ms per request
    let base = dist, rel = decodeURIComponent(url.pathname), slow = false;
    for (const [prefix, dir, isSlow] of [["/data/", conformance, false], ["/slow/", conformance, true], ["/reports/", reportsDir, false], ["/sub/folder/", dist, false], ["/site/", siteDir, false]])
      if (rel.startsWith(prefix)) { base = dir; rel = rel.slice(prefix.length - 1); slow = isSlow; }
    let file = path.join(base, rel);
    if (rel.endsWith("/")) file = path.join(file, "index.html");
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    const arrived = Date.now();
    if (slow) await new Promise((ok) => setTimeout(ok, 300));
    // ONNX Runtime Web's files, held back while a test says so
    if (rel.startsWith("/ort/") && ortDelay > 0) await new Promise((ok) => setTimeout(ok, ortDelay));
    try {
      const body = await readFile(file);
      const headers = { "content-type": types[path.extname(file)] || "application/octet-stream", "accept-ranges": "bytes" };
      const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range || "");
      served.push({ path: url.pathname, range: req.headers.range || null, arrived });
      if (range) {
        const first = Number(range[1]);
        const last = Math.min(range[2] === "" ? body.length - 1 : Number(range[2]), body.length - 1);
        if (first >= body.length) {
          res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
          return;
        }
        res.writeHead(206, { ...headers, "content-range": `bytes ${first}-${last}/${body.length}` });
        res.end(req.method === "HEAD" ? undefined : body.subarray(first, last + 1));
        return;
      }
      res.writeHead(200, { ...headers, "content-length": body.length });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
  // Nothing the page asked for may leave its own origin.
  const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith("blob:") && !u.startsWith("data:"));
  assert.deepEqual(foreign, [], "requests outside the page's origin");
  assert.ok(requests.length > 0, "no request was recorded");
});

async function newPage() {
  const page = await browser.newPage();
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(origin + "/");
  await page.waitForSelector("#run");
  return page;
}

function cliReport(ref, cur, extra = []) {
  const run = spawnSync(attest, ["check", "--reference", ref, "--current", cur, "--json", "-", ...extra], {
    env: { ...process.env, SOURCE_DATE_EPOCH: "0" },
    maxBuffer: 64 << 20,
  });
  // 0: no check failed, 1: a check failed; both write the report
  assert.ok(run.status === 0 || run.status === 1, `attest exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout.toString());
}

// The attest.toml that gives a conformance case its roles and its own
// configuration (the feature times have no CLI flag), written where the
// test server serves it (/reports/…).
async function caseConfig(c) {
  const r = c.roles;
  const q = (v) => JSON.stringify(v);
  let t = "[roles]\n";
  for (const k of ["id", "timestamp", "prediction", "score", "label", "challenger_score", "challenger_prediction"])
    if (r[k]) t += `${k} = ${q(r[k])}\n`;
  for (const k of ["sensitive", "segments", "class_scores", "attribution"])
    if (r[k]?.length) t += `${k} = ${q(r[k])}\n`;
  t += "\n" + (c.config || "") + "\n";
  if (r.feature_time && !(c.config || "").includes("[roles.feature_time]")) {
    t += "[roles.feature_time]\n";
    for (const [f, col] of Object.entries(r.feature_time)) t += `${q(f)} = ${q(col)}\n`;
  }
  await mkdir(reportsDir, { recursive: true });
  const file = path.join(reportsDir, `${c.name}.toml`);
  await writeFile(file, t);
  return { file, url: `reports/${c.name}.toml` };
}

function expectedMetric(report, name, column) {
  for (const c of report.checks)
    for (const m of c.metrics)
      if (m.name === name && m.column === column && m.dataset === undefined && m.segment === undefined) return m.value;
  return undefined;
}

function close(got, want, what) {
  assert.ok(Number.isFinite(got), `${what}: no number shown`);
  const tol = 1e-12 + 1e-9 * Math.abs(want);
  assert.ok(Math.abs(got - want) <= tol, `${what}: page ${got}, CLI ${want}`);
}

async function shownMetric(page, column, metric) {
  const cell = page.locator(`#drift-table tr[data-column="${column}"] td[data-metric="${metric}"]`);
  return Number(await cell.getAttribute("data-value"));
}

const COLUMNS = [
  ["age", ["ks_statistic", "ks_p_value", "wasserstein_norm", "psi", "jensen_shannon"]],
  ["income", ["ks_statistic", "psi", "jensen_shannon"]],
  ["region", ["psi", "jensen_shannon", "chi2_p_value", "linf_distance"]],
  ["score", ["ks_statistic", "wasserstein_norm"]],
];

async function assertNumbersMatch(page, expected) {
  for (const [column, metrics] of COLUMNS)
    for (const metric of metrics)
      close(await shownMetric(page, column, metric), expectedMetric(expected, metric, column), `${column} ${metric}`);
  const status = (await page.locator("#summary-status").textContent()).trim().toLowerCase();
  assert.equal(status, expected.summary.status);
}

test("dropping the conformance pair shows the CLI's numbers", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const expected = cliReport(ref, cur);
  const page = await newPage();
  await page.setInputFiles("#reference-file", ref);
  await page.setInputFiles("#current-file", cur);
  await page.click("#run");
  await page.waitForSelector("#report", { timeout: 120_000 });
  await assertNumbersMatch(page, expected);
  // the charts of the first (worst) column are drawn, and the ROC, PR and
  // calibration curves of both datasets
  await page.waitForSelector("#column-charts svg rect");
  for (const key of ["roc", "pr", "calibration"])
    assert.equal(await page.locator(`svg.chart.${key} polyline`).count(), 2, `${key} curves`);
  await page.screenshot({ path: path.join(artifacts, "report.png"), fullPage: true });
  await page.close();
});

test("a saved report opens to the same view", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const expected = cliReport(ref, cur);
  const saved = path.join(artifacts, "saved-report.json");
  await writeFile(saved, JSON.stringify(expected));
  const page = await newPage();
  await page.setInputFiles("#report-file", saved);
  await page.waitForSelector("#report");
  await assertNumbersMatch(page, expected);
  await page.close();
});

test("a corrupt file gives a clear message and the page stays usable", async () => {
  const bad = path.join(root, "tests/data/malformed/not_parquet.parquet");
  const good = path.join(root, "tests/data/codecs/snappy.parquet");
  const page = await newPage();
  await page.setInputFiles("#reference-file", bad);
  await page.setInputFiles("#current-file", good);
  await page.click("#run");
  const error = page.locator("#error");
  await error.waitFor({ timeout: 60_000 });
  assert.match(await error.textContent(), /not_parquet\.parquet: unsupported file format/);
  // an image renamed .parquet is named for what it is
  const png = path.join(artifacts, "photo.parquet");
  await writeFile(png, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]));
  await page.setInputFiles("#reference-file", png);
  await page.click("#run");
  await page.waitForFunction(() => /photo\.parquet/.test(document.querySelector("#error")?.textContent || ""), null, { timeout: 60_000 });
  assert.match(await error.textContent(), /photo\.parquet: .*a PNG image, not Parquet or CSV/);
  // still usable: a good pair runs afterwards
  await page.setInputFiles("#reference-file", good);
  await page.click("#run");
  await page.waitForSelector("#report", { timeout: 60_000 });
  await page.close();
});

test("the demo button runs the shipped pair", async () => {
  await stat(path.join(dist, "demo/reference.parquet"));
  const page = await newPage();
  await page.click("#demo");
  await page.waitForSelector("#report", { timeout: 120_000 });
  assert.ok((await page.locator("#drift-table tbody tr").count()) >= 8);
  await page.close();
});

test("before the run: schemas, roles and marks chosen in the page reach the report", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const config = path.join(artifacts, "skip-label-drift.toml");
  await writeFile(config, '[checks]\nskip = ["label_drift"]\n');
  const expected = cliReport(ref, cur, ["--sensitive", "gender", "--segment", "region", "--config", config]);
  const page = await newPage();
  await page.setInputFiles("#reference-file", ref);
  await page.setInputFiles("#current-file", cur);
  await page.waitForSelector("#setup", { timeout: 60_000 });
  // both schemas with their row counts, and the auto-detected roles
  for (const input of expected.inputs) {
    const rows = await page.locator(`#setup [data-dataset="${input.dataset}"] .rows`).getAttribute("data-rows");
    assert.equal(Number(rows), input.rows, `${input.dataset} rows`);
  }
  for (const role of ["id", "prediction", "score", "label"])
    assert.equal(await page.locator(`#setup-columns tr[data-column="${role}"] select.role`).inputValue(), role);
  assert.equal(await page.locator(`#setup-columns tr[data-column="age"] select.role`).inputValue(), "feature");
  assert.equal(await page.locator(`#setup-columns tr[data-column="age"] select.kind`).inputValue(), "numeric");
  await page.screenshot({ path: path.join(artifacts, "setup.png"), fullPage: true });
  // mark gender sensitive and region a segment, skip label drift
  await page.check(`#setup-columns tr[data-column="gender"] input.sensitive`);
  await page.check(`#setup-columns tr[data-column="region"] input.segment`);
  await page.uncheck(`#setup input[data-check="label_drift"]`);
  // the Run button under the (long) table runs with the same choices
  await page.click("#run-below");
  await page.waitForSelector("#report", { timeout: 120_000 });
  await assertNumbersMatch(page, expected);
  assert.equal((await page.locator(`li[data-check="label_drift"] .badge`).textContent()).trim(), "skipped");
  // fairness metrics of gender equal the CLI's with --sensitive gender
  const fairness = expected.checks.find((c) => c.id === "fairness");
  assert.ok(fairness.metrics.length >= 4, "the CLI computed fairness metrics");
  for (const m of fairness.metrics.filter((m) => m.column === "gender")) {
    const cell = page.locator(`ul.fairness-metrics[data-sensitive="gender"] li[data-metric="${m.name}"]`);
    close(Number(await cell.getAttribute("data-value")), m.value, `fairness ${m.name}`);
  }
  assert.ok((await page.locator(`table.segments[data-segment-column="region"] tr[data-segment]`).count()) >= 2);
  await page.close();
});

test("a label turned into a feature stays a feature", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const page = await newPage();
  await page.setInputFiles("#reference-file", ref);
  await page.setInputFiles("#current-file", cur);
  await page.waitForSelector("#setup", { timeout: 60_000 });
  await page.selectOption(`#setup-columns tr[data-column="label"] select.role`, "feature");
  await page.click("#run");
  await page.waitForSelector("#report", { timeout: 120_000 });
  assert.equal((await page.locator(`li[data-check="performance"] .badge`).textContent()).trim(), "skipped");
  // and `label` is profiled as a feature, in the drift table
  assert.equal(await page.locator(`#drift-table tr[data-column="label"]`).count(), 1);
  await page.close();
});

test("files given by URL are read with HTTP range requests", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const expected = cliReport(ref, cur);
  const before = served.length;
  const page = await browser.newPage();
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${origin}/?reference=data/binary_0/reference.parquet&current=data/binary_0/current.parquet`);
  await page.waitForSelector("#report", { timeout: 120_000 });
  await assertNumbersMatch(page, expected);
  const data = served.slice(before).filter((r) => r.path.startsWith("/data/"));
  assert.ok(data.length > 2, "the files were requested");
  assert.deepEqual(data.filter((r) => r.range === null), [], "every request for the data asked for a range");
  await page.close();
});

test("cancel stops a run: no more reads, and the page says so", async () => {
  const page = await browser.newPage();
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${origin}/?reference=slow/binary_0/reference.parquet&current=slow/binary_0/current.parquet`);
  await page.waitForSelector("#cancel", { timeout: 60_000 });
  // let it read a few ranges, then cancel
  await page.waitForFunction(() => document.querySelector("#progress-columns")?.textContent.includes("reading"), null, { timeout: 60_000 });
  const cancelAt = Date.now();
  await page.click("#cancel");
  assert.match(await page.locator("#error").textContent(), /cancelled/);
  // Requests already under way when the worker is terminated fail at once;
  // none may start later. (The server logs a request 300 ms after it arrives.)
  await new Promise((ok) => setTimeout(ok, 2500));
  const slow = served.filter((r) => r.path.startsWith("/slow/"));
  assert.ok(slow.some((r) => r.arrived < cancelAt), "the run had started reading");
  const late = slow.filter((r) => r.arrived > cancelAt + 1000);
  assert.deepEqual(late, [], "reads went on after cancel");
  assert.equal(await page.locator("#report").count(), 0);
  // the page still works
  await page.click("#demo");
  await page.waitForSelector("#report", { timeout: 120_000 });
  await page.close();
});

test("a report's model card is shown, and text in it stays text", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const config = path.join(artifacts, "model-card.toml");
  const example = await readFile(path.join(root, "attest.example.toml"), "utf8");
  await writeFile(config, example.replace('owner = "Retention analytics"', 'owner = "<img src=x onerror=alert(1)> team"'));
  const report = cliReport(ref, cur, ["--config", config]);
  const saved = path.join(artifacts, "model-card-report.json");
  await writeFile(saved, JSON.stringify(report));
  const page = await newPage();
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  await page.setInputFiles("#report-file", saved);
  await page.waitForSelector("#model-card");
  const card = await page.locator("#model-card").textContent();
  assert.match(card, /churn-classifier/);
  assert.match(card, /<img src=x onerror=alert\(1\)> team/);
  assert.equal(await page.locator("#model-card img").count(), 0);
  assert.equal(dialogs, 0);
  await page.close();
});

test("the page's report is byte-identical to the CLI's for every conformance case (but the time)", async () => {
  const { cases } = JSON.parse(await readFile(path.join(conformance, "expected.json"), "utf8"));
  assert.ok(cases.length >= 2);
  for (const [i, c] of cases.entries()) {
    // The page runs a worker per core it is told of (2 to 4): the cases
    // take turns with 2, 3 and 4, each split differently.
    const cores = 2 + (i % 3);
    const config = await caseConfig(c);
    // run where the files are, so that both name them by their file names
    const dir = path.join(conformance, path.dirname(c.reference));
    const rel = (f) => path.relative(dir, path.join(conformance, f));
    const args = ["check", "--reference", rel(c.reference), "--current", rel(c.current), "--config", config.file, "--json", "-"];
    if (c.train) args.push("--train", rel(c.train));
    const run = spawnSync(attest, args, { cwd: dir, env: { ...process.env, SOURCE_DATE_EPOCH: "0" }, maxBuffer: 64 << 20 });
    assert.ok(run.status === 0 || run.status === 1, `attest exited ${run.status}: ${run.stderr}`);
    const page = await browser.newPage();
    page.on("request", (r) => requests.push(r.url()));
    await page.addInitScript((n) => Object.defineProperty(navigator, "hardwareConcurrency", { get: () => n }), cores);
    const train = c.train ? `&train=data/${c.train}` : "";
    await page.goto(`${origin}/?reference=data/${c.reference}&current=data/${c.current}${train}&config=${config.url}`);
    await page.waitForSelector("#report", { timeout: 120_000 });
    // every worker's part reached the page: main, aux, then w2, w3
    const marks = (await page.getAttribute("#run-stats", "data-marks")) || "";
    const parts = ["main", "aux", "w2", "w3"].filter((w) => new RegExp(`(^|;)${w}=`).test(marks));
    assert.equal(parts.length, cores, `${c.name}: parts of ${cores} workers in ${marks}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
    const fromPage = await readFile(await download.path(), "utf8");
    const untimed = (t) => t.replace(/"created_at": "[^"]*"/, '"created_at": ""');
    const fromCli = run.stdout.toString();
    assert.ok(fromPage.length > 1000);
    await writeFile(path.join(artifacts, `${c.name}.page.json`), fromPage);
    await writeFile(path.join(artifacts, `${c.name}.cli.json`), fromCli);
    assert.equal(untimed(fromPage), untimed(fromCli), `${c.name}: wasm and native reports differ`);
    if (c.name === "skew_join") {
      // the skew section: a feature's share as the CLI computed it, and the finding
      const skew = JSON.parse(fromCli).checks.find((k) => k.id === "skew");
      const want = skew.metrics.find((m) => m.name === "skew_mismatch_share" && m.column === "balance");
      const cell = page.locator('#skew-table tr[data-column="balance"] td[data-metric="mismatch_share"]');
      close(Number(await cell.getAttribute("data-value")), want.value, "skew_mismatch_share balance");
      assert.match(await page.locator("#skew-findings").textContent(), /`balance` differs in/);
    }
    await page.close();
  }
});

test("three files and an attest.toml dropped: the validation checks, their charts and the CLI's numbers", async () => {
  const { cases } = JSON.parse(await readFile(path.join(conformance, "expected.json"), "utf8"));
  const c = cases.find((x) => x.name === "validation_binary");
  const file = (k) => path.join(conformance, c[k]);
  const config = await caseConfig(c);
  const expected = cliReport(file("reference"), file("current"), ["--train", file("train"), "--config", config.file]);
  const page = await newPage();
  await dropFile(page, "#config-drop", config.file);
  await dropFile(page, "#train-drop", file("train"));
  await dropFile(page, "#reference-drop", file("reference"));
  await dropFile(page, "#current-drop", file("current"));
  await page.waitForSelector("#setup", { timeout: 60_000 });
  assert.equal((await page.locator("#train-name").textContent()).trim(), "train.parquet");
  // three schemas, and the configuration's roles in the setup step
  for (const input of expected.inputs) {
    const rows = await page.locator(`#setup [data-dataset="${input.dataset}"] .rows`).getAttribute("data-rows");
    assert.equal(Number(rows), input.rows, `${input.dataset} rows`);
  }
  assert.equal(await page.locator(`#setup-columns tr[data-column="challenger_score"] select.role`).inputValue(), "challenger_score");
  assert.equal(await page.locator(`#setup-columns tr[data-column="income_known_at"] select.role`).inputValue(), "feature_time");
  assert.equal(await page.locator(`#setup-columns tr[data-column="income_known_at"] select.time-of`).inputValue(), "income");
  assert.equal(await page.locator(`#setup-columns tr[data-column="shap_age"] select.role`).inputValue(), "attribution");
  assert.equal(await page.locator("#chunking").inputValue(), "month");
  await page.click("#run");
  await page.waitForSelector("#report", { timeout: 180_000 });
  const metric = (name, keys) => expected.checks.flatMap((k) => k.metrics)
    .find((m) => m.name === name && Object.entries(keys).every(([k, v]) => JSON.stringify(m[k]) === JSON.stringify(v)) &&
      ["column", "dataset", "against", "segment", "chunk"].every((k) => k in keys || m[k] === undefined));
  // a point of the time chart: current's ROC AUC in one month, as the CLI computed it
  const want = metric("roc_auc", { dataset: "current", chunk: "2024-11" });
  assert.ok(want, "the CLI has the chunk's roc_auc");
  const point = page.locator('svg.time-chart[data-metric="roc_auc"] g[data-series="current"] circle[data-chunk="2024-11"]');
  close(Number(await point.getAttribute("data-value")), want.value, "roc_auc 2024-11");
  assert.ok(await page.locator('svg.time-chart[data-metric="roc_auc"] rect.band').count() === 1, "the threshold band is drawn");
  assert.ok(await page.locator('svg.time-chart[data-metric="roc_auc"] g[data-series="challenger"] circle').count() >= 2, "the challenger's line");
  assert.ok(await page.locator('svg.time-chart[data-metric="accuracy"] g[data-series="estimated"] circle').count() >= 2, "the estimated line");
  // the fit card and the leakage findings
  const gap = metric("generalization_gap_roc_auc", { dataset: "reference", against: "train" });
  close(Number(await page.locator('#fit-table tr[data-metric="roc_auc"] td').nth(3).getAttribute("data-value")), gap.value, "gap");
  assert.match(await page.locator("#leakage-findings").textContent(), /of reference rows have an id that is in train/);
  assert.match(await page.locator("#leakage-findings").textContent(), /`income` is known after the prediction time/);
  // conflicting labels in train, as the CLI computed them
  const conflicting = metric("conflicting_label_share", { dataset: "train" });
  close(Number(await page.locator('#labels-table tr[data-dataset="train"] td[data-metric="conflicting_label_share"]').getAttribute("data-value")), conflicting.value, "conflicting_label_share train");
  // label issues (confident learning) in current, and the rows to look up
  const issues = metric("label_issue_share", { dataset: "current" });
  close(Number(await page.locator('#labels-table tr[data-dataset="current"] td[data-metric="label_issue_share"]').getAttribute("data-value")), issues.value, "label_issue_share current");
  assert.ok(await page.locator('table.label-issues[data-dataset="current"] tbody tr').count() >= 1, "suspicious rows listed");
  // a stress slice's relative change, as the CLI computed it, and its bar
  const slice = metric("slice_relative_delta", { dataset: "current", segment: { column: "balance_change", value: "<= q05" } });
  const sliceRow = page.locator('#slices-table tr[data-column="balance_change"][data-slice="<= q05"]');
  close(Number(await sliceRow.locator('td[data-metric="relative_delta"]').getAttribute("data-value")), slice.value, "slice_relative_delta balance_change <= q05");
  assert.equal(await sliceRow.locator("svg rect").count(), 1, "the slice's bar");
  // importance shares from the SHAP columns, as the CLI computed them
  const share = metric("importance_share", { column: "balance_change", dataset: "current" });
  close(Number(await page.locator('#importance-table tr[data-column="balance_change"] td[data-metric="current_share"]').getAttribute("data-value")), share.value, "importance_share balance_change current");
  assert.equal(await page.locator('#importance-table tr[data-column="balance_change"] svg rect').count(), 2, "reference and current bars");
  for (const id of ["fit", "leakage", "backtest", "challenger", "estimated_performance", "label_quality", "importance", "stress_slices"])
    assert.notEqual((await page.locator(`li[data-check="${id}"] .badge`).textContent()).trim(), "skipped", id);
  await page.screenshot({ path: path.join(artifacts, "validation.png"), fullPage: true });
  // the page's report is the CLI's (but the time and the file names' paths)
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  const fromPage = JSON.parse(await readFile(await download.path(), "utf8"));
  assert.deepEqual(fromPage.checks, expected.checks);
  assert.deepEqual(fromPage.inputs.map((i) => [i.dataset, i.sha256]), expected.inputs.map((i) => [i.dataset, i.sha256]));
  await page.close();
});

test("a multiclass pair with its class probabilities in a list column: label issues and the importance chart, the CLI's numbers", async () => {
  const dir = path.join(root, "tests/data/lists/class_scores");
  const ref = path.join(dir, "reference.parquet");
  const cur = path.join(dir, "current.parquet");
  const expected = cliReport(ref, cur);
  const metric = (name, keys) => expected.checks.flatMap((k) => k.metrics)
    .find((m) => m.name === name && Object.entries(keys).every(([k, v]) => JSON.stringify(m[k]) === JSON.stringify(v)) &&
      ["column", "dataset", "against", "segment", "chunk"].every((k) => k in keys || m[k] === undefined));
  const page = await newPage();
  await dropFile(page, "#reference-drop", ref);
  await dropFile(page, "#current-drop", cur);
  await page.waitForSelector("#setup", { timeout: 60_000 });
  // the list column is found as the class probabilities
  assert.equal(await page.locator('#setup-columns tr[data-column="proba"] select.role').inputValue(), "class_scores");
  await page.click("#run");
  await page.waitForSelector("#report", { timeout: 120_000 });
  for (const dataset of ["reference", "current"]) {
    const want = metric("label_issue_count", { dataset });
    const cell = page.locator(`#labels-table tr[data-dataset="${dataset}"] td[data-metric="label_issue_count"]`);
    assert.equal(Number(await cell.getAttribute("data-value")), want.value, `label_issue_count ${dataset}`);
  }
  assert.ok(await page.locator('table.label-issues[data-dataset="current"] tbody tr').count() >= 1, "suspicious rows");
  // the importance chart: a pair of bars per feature, the CLI's shares
  const features = await page.locator("#importance-table tbody tr").count();
  assert.equal(features, 6, "six attributed features");
  assert.equal(await page.locator("#importance-table tbody tr svg rect").count(), 2 * features);
  const share = metric("importance_share", { column: "x2", dataset: "current" });
  close(Number(await page.locator('#importance-table tr[data-column="x2"] td[data-metric="current_share"]').getAttribute("data-value")), share.value, "importance_share x2 current");
  assert.notEqual((await page.locator('li[data-check="importance"] .badge').textContent()).trim(), "skipped");
  await page.screenshot({ path: path.join(artifacts, "multiclass-lists.png"), fullPage: true });
  await page.close();
});

test("signatures are verified in the page: trusted, unknown key, and tampered", async () => {
  const { rm } = await import("node:fs/promises");
  await rm(reportsDir, { recursive: true, force: true });
  await mkdir(reportsDir, { recursive: true });
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const unsigned = path.join(reportsDir, "unsigned.json");
  const plain = spawnSync(attest, ["check", "--reference", ref, "--current", cur, "--json", unsigned], { env: { ...process.env, SOURCE_DATE_EPOCH: "0" } });
  assert.ok(plain.status === 0 || plain.status === 1);
  const key = (name) => {
    const k = path.join(reportsDir, `${name}.key`);
    const o = spawnSync(attest, ["keygen", "--out", k]);
    assert.equal(o.status, 0, o.stderr.toString());
    return [k, o.stdout.toString().trim()];
  };
  const [validatorKey, validatorPublic] = key("validator");
  const [approverKey] = key("approver");
  const signed = path.join(reportsDir, "signed.json");
  const sign = (input, k, role, decision, comment) => {
    const o = spawnSync(attest, ["sign", input, "--key", k, "--signer", "Grace Hopper", "--role", role,
      "--decision", decision, "--comment", comment, "-o", signed]);
    assert.equal(o.status, 0, o.stderr.toString());
  };
  sign(unsigned, validatorKey, "validator", "approved", "<img src=x onerror=alert(1)> fine");
  sign(signed, approverKey, "approver", "approved_with_conditions", "monitor drift monthly");
  await writeFile(path.join(reportsDir, "trusted-keys.json"),
    JSON.stringify({ keys: [{ name: "Model Risk", public_key: validatorPublic }] }));
  // a copy with the first decision changed, layout kept
  const text = await readFile(signed, "utf8");
  await writeFile(path.join(reportsDir, "tampered.json"), text.replace('"decision": "approved"', '"decision": "rejected"'));

  const open = async (name) => {
    const page = await browser.newPage();
    page.on("request", (r) => requests.push(r.url()));
    let dialogs = 0;
    page.on("dialog", (d) => { dialogs++; d.dismiss(); });
    await page.goto(`${origin}/?report=reports/${name}`);
    await page.waitForSelector("#signatures li[data-state]", { timeout: 60_000 });
    const states = await page.locator("#signatures li").evaluateAll((lis) => lis.map((li) => li.dataset.state));
    return { page, states, dialogs: () => dialogs };
  };
  const good = await open("signed.json");
  assert.deepEqual(good.states, ["trusted", "unknown"]);
  const first = await good.page.locator("#signatures li").first().textContent();
  assert.match(first, /trusted key of Model Risk/);
  assert.match(first, /<img src=x onerror=alert\(1\)> fine/);
  assert.equal(await good.page.locator("#signatures img").count(), 0);
  assert.equal(good.dialogs(), 0);
  // a verdict only for a report that holds
  assert.notEqual(await good.page.locator("#summary-status").getAttribute("data-untrusted"), "true");
  await good.page.close();

  const bad = await open("tampered.json");
  assert.deepEqual(bad.states, ["invalid", "unknown"]);
  assert.equal((await bad.page.locator("#summary-status").textContent()).trim(), "NOT TRUSTWORTHY");
  assert.match(await bad.page.locator("#integrity-alert").textContent(), /changed after it was made or signed/);
  await bad.page.close();
  // an unsigned report whose summary was rewritten to PASS over failing checks
  const doc = JSON.parse(await readFile(unsigned, "utf8"));
  assert.ok(doc.summary.counts.fail > 0, "the pair fails a check");
  doc.summary.status = "pass";
  await writeFile(path.join(reportsDir, "rewritten.json"), JSON.stringify(doc));
  const page = await browser.newPage();
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${origin}/?report=reports/rewritten.json`);
  await page.waitForSelector("#report", { timeout: 60_000 });
  assert.equal((await page.locator("#summary-status").textContent()).trim(), "NOT TRUSTWORTHY");
  assert.match(await page.locator("#integrity-alert").textContent(), /its summary says pass, but its checks make it fail/);
  assert.doesNotMatch(await page.locator(".summary h2").textContent(), /PASS/);
  await page.close();
});

test("files dropped on the two fields run like chosen ones", async () => {
  const page = await newPage();
  const drop = (target, file) => dropFile(page, target, file);
  await drop("#reference-drop", path.join(conformance, "binary_0/reference.parquet"));
  await drop("#current-drop", path.join(conformance, "binary_0/current.parquet"));
  await page.waitForSelector("#setup", { timeout: 60_000 });
  assert.equal((await page.locator("#current-name").textContent()).trim(), "current.parquet");
  await page.click("#run");
  await page.waitForSelector("#report", { timeout: 120_000 });
  await page.close();
});

test("printing gives the report without controls", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const saved = path.join(artifacts, "print-report.json");
  await writeFile(saved, JSON.stringify(cliReport(ref, cur)));
  const page = await newPage();
  await page.setInputFiles("#report-file", saved);
  await page.waitForSelector("#report");
  await page.emulateMedia({ media: "print" });
  const shown = (sel) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).display !== "none");
  assert.equal(await shown(".inputs"), false, "the file inputs are hidden");
  assert.equal(await shown("#download-json"), false, "buttons are hidden");
  assert.equal(await shown("#summary-status"), true);
  assert.equal(await shown("#drift-table"), true);
  assert.equal(await shown("ul.checks"), true);
  const pdf = await page.pdf({ path: path.join(artifacts, "report.pdf"), format: "A4" });
  assert.ok(pdf.length > 10_000, "a PDF was written");
  await page.close();
});

test("the built app works from a sub-folder of a static host", async () => {
  const page = await browser.newPage();
  const mine = [];
  page.on("request", (r) => { requests.push(r.url()); mine.push(r.url()); });
  page.on("worker", (w) => mine.push(w.url()));
  await page.goto(`${origin}/sub/folder/`);
  await page.waitForSelector("#demo");
  await page.click("#demo");
  await page.waitForSelector("#report", { timeout: 120_000 });
  // every asset, the worker and the demo data come from the folder
  const outside = mine.filter((u) => u.startsWith(origin) && !u.startsWith(`${origin}/sub/folder/`));
  assert.deepEqual(outside, []);
  assert.ok(mine.some((u) => u.endsWith("worker_loader.js")));
  await page.close();
});

// ---- sharing: CSP, one-file HTML, reproduction, hostile reports ----

/** Record CSP violations in every page of `context` (an init script is not subject to the CSP). */
async function watchCsp(page) {
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}

test("the page carries a Content-Security-Policy, runs under it, and it blocks inline script", async () => {
  const page = await browser.newPage();
  page.on("request", (r) => requests.push(r.url()));
  await watchCsp(page);
  await page.goto(origin + "/");
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline'[^;]*;.*script|script-src[^;]*unsafe-inline/);
  await page.click("#demo");
  await page.waitForSelector("#report", { timeout: 120_000 });
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no violation while the app runs");
  // an injected inline script does not run
  const ran = await page.evaluate(async () => {
    const s = document.createElement("script");
    s.textContent = "window.__injected = true";
    document.body.append(s);
    await new Promise((ok) => setTimeout(ok, 50));
    return window.__injected === true;
  });
  assert.equal(ran, false);
  assert.ok((await page.evaluate(() => window.__csp)).some((v) => v.startsWith("script-src")));
  await page.close();
});

/** Drop `file` on the element `target` of `page`, as a user dragging it from the desktop. */
async function dropFile(page, target, file) {
  const bytes = (await readFile(file)).toString("base64");
  const transfer = await page.evaluateHandle(([b64, name]) => {
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([raw], name));
    return dt;
  }, [bytes, path.basename(file)]);
  await page.dispatchEvent(target, "drop", { dataTransfer: transfer });
}

function runCli(args, okStatuses = [0]) {
  const o = spawnSync(attest, args, { env: { ...process.env, SOURCE_DATE_EPOCH: "0" }, maxBuffer: 64 << 20 });
  assert.ok(okStatuses.includes(o.status), `attest ${args[0]} exited ${o.status}: ${o.stderr}`);
  return o;
}

test("a one-file HTML report opens from file:// with no network and shows the same numbers", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const html = path.join(artifacts, "one-file.html");
  const json = path.join(artifacts, "one-file.json");
  runCli(["check", "--reference", ref, "--current", cur, "--json", json, "--html", html], [0, 1]);
  const expected = JSON.parse(await readFile(json, "utf8"));
  const size = (await stat(html)).size;
  assert.ok(size <= 1.5 * 1024 * 1024, `one-file report is ${size} bytes`);
  console.log(`one-file HTML report: ${size} bytes`);
  // and signed, bundled again
  const key = path.join(artifacts, "one-file.key");
  await (await import("node:fs/promises")).rm(key, { force: true });
  runCli(["keygen", "--out", key]);
  const signed = path.join(artifacts, "one-file-signed.json");
  runCli(["sign", json, "--key", key, "--signer", "Ada", "--role", "validator", "--decision", "approved", "-o", signed]);
  const signedHtml = path.join(artifacts, "one-file-signed.html");
  runCli(["bundle", signed, "-o", signedHtml]);

  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const seen = [];
  page.on("request", (r) => seen.push(r.url()));
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await watchCsp(page);
  await page.goto("file://" + html);
  await page.waitForSelector("#report", { timeout: 60_000 });
  await assertNumbersMatch(page, expected);
  await page.waitForSelector("#column-charts svg rect");
  assert.equal(await page.locator("#run").count(), 0, "no data inputs without a worker");
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violation");
  assert.deepEqual(seen.filter((u) => !u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith("blob:")), []);
  await page.screenshot({ path: path.join(artifacts, "one-file.png") });
  // "Download as HTML" from inside it writes the same file again
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-html")]);
  assert.equal(await readFile(await download.path(), "utf8"), await readFile(html, "utf8"));
  await page.goto("file://" + signedHtml);
  await page.waitForSelector("#signatures li[data-state]", { timeout: 60_000 });
  assert.deepEqual(await page.locator("#signatures li").evaluateAll((l) => l.map((li) => li.dataset.state)), ["unknown"]);
  // sign it again inside the one-file page, save it as HTML: the CLI verifies both signatures
  await page.setInputFiles("#sign-key", key);
  await page.waitForFunction(() => /one-file\.key/.test(document.querySelector("#sign-key-name").textContent));
  await page.fill("#sign-signer", "Grace Hopper");
  await page.fill("#sign-role", "approver");
  await page.selectOption("#sign-decision", "approved_with_conditions");
  await page.click("#sign-button");
  await page.waitForFunction(() => document.querySelectorAll("#signatures li[data-state]").length === 2);
  const [again] = await Promise.all([page.waitForEvent("download"), page.click("#download-html")]);
  const twice = path.join(artifacts, "one-file-signed-twice.html");
  await writeFile(twice, await readFile(await again.path()));
  assert.match(runCli(["verify", twice]).stdout.toString(), /Grace Hopper/);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], "no CSP violation");
  await context.close();
});

test("Download as HTML in the app writes the same file as `attest bundle`", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const json = path.join(artifacts, "download-html.json");
  runCli(["check", "--reference", ref, "--current", cur, "--json", json], [0, 1]);
  const bundled = path.join(artifacts, "download-html.cli.html");
  runCli(["bundle", json, "-o", bundled]);
  const page = await newPage();
  await page.setInputFiles("#report-file", json);
  await page.waitForSelector("#report");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-html")]);
  assert.equal(await readFile(await download.path(), "utf8"), await readFile(bundled, "utf8"));
  await page.close();
});

test("reproduction in the page: the same files say identical, other files list what differs", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const json = path.join(artifacts, "reproduce.json");
  runCli(["check", "--reference", ref, "--current", cur, "--json", json], [0, 1]);
  const page = await newPage();
  await page.setInputFiles("#report-file", json);
  await page.waitForSelector("#reproduce");
  // the same files dropped onto the open report
  await dropFile(page, "#reproduce-reference-drop", ref);
  await dropFile(page, "#reproduce-current-drop", cur);
  await page.waitForSelector('#reproduction[data-state="identical"]', { timeout: 120_000 });
  assert.match(await page.locator("#reproduction").textContent(), /reproduced: identical/);
  // the files swapped
  await page.setInputFiles("#reproduce-reference", cur);
  await page.setInputFiles("#reproduce-current", ref);
  // (the first change starts a rerun of current vs current; the second replaces it)
  await page.waitForSelector('#reproduction-of[data-reference="current.parquet"][data-current="reference.parquet"] #reproduction[data-state="different"]', { timeout: 120_000 });
  assert.equal(await page.locator('#reproduction li[data-path="inputs[reference].sha256"]').count(), 1);
  // the page lists the same differences as `attest reproduce`
  const cli = runCli(["reproduce", json, "--reference", cur, "--current", ref], [1]).stdout.toString();
  const cliPaths = cli.split("\n").slice(1).filter((l) => l.startsWith("  ") && !l.startsWith("  (")).map((l) => l.trim().split(": report ")[0]);
  const pagePaths = await page.locator("#reproduction li").evaluateAll((l) => l.map((li) => li.dataset.path));
  assert.deepEqual(pagePaths, cliPaths);
  await page.close();
});

test("every conformance case reproduces in the page: identical", async () => {
  const { cases } = JSON.parse(await readFile(path.join(conformance, "expected.json"), "utf8"));
  const page = await newPage();
  for (const c of cases) {
    const config = await caseConfig(c);
    const json = path.join(artifacts, `reproduce-${c.name}.json`);
    const args = ["check", "--reference", path.join(conformance, c.reference), "--current", path.join(conformance, c.current),
      "--config", config.file, "--json", json];
    if (c.train) args.push("--train", path.join(conformance, c.train));
    runCli(args, [0, 1]);
    await page.setInputFiles("#report-file", json);
    await page.waitForFunction((n) => document.querySelector("#reproduce") && !document.querySelector("#reproduction"), c.name);
    for (const label of ["train", "reference", "current"])
      if (c[label]) await page.setInputFiles(`#reproduce-${label}`, path.join(conformance, c[label]));
    await page.waitForSelector('#reproduction:not([data-state="running"])', { timeout: 180_000 });
    assert.equal(await page.locator("#reproduction").getAttribute("data-state"), "identical",
      `${c.name}: ${await page.locator("#reproduction").textContent()}`);
  }
  await page.close();
});

test("hostile reports render as text or are refused with a clear message", async () => {
  // a real report of a CSV whose column names and values are markup
  const evil = "<img src=x onerror=alert(1)>";
  const csv = path.join(artifacts, "hostile.csv");
  await writeFile(csv, `"${evil}",region\n1,"<script>alert(2)</script>"\n2,b\n3,a\n`);
  const good = path.join(artifacts, "hostile-report.json");
  runCli(["check", "--reference", csv, "--current", csv, "--json", good], [0, 1]);
  const base = JSON.parse(await readFile(good, "utf8"));
  base.checks[0].title = "</script><script>alert(3)</script>";
  const page = await newPage();
  let dialogs = 0;
  page.on("dialog", (d) => { dialogs++; d.dismiss(); });
  const open = async (name, doc) => {
    const file = path.join(artifacts, `hostile-${name}.json`);
    await writeFile(file, typeof doc === "string" ? doc : JSON.stringify(doc, null, 1));
    await page.setInputFiles("#report-file", file);
  };
  await open("markup", base);
  await page.waitForSelector("#report");
  assert.match(await page.locator("#drift-table").textContent(), /<img src=x onerror=alert\(1\)>/);
  assert.match(await page.locator("#report").textContent(), /<\/script><script>alert\(3\)<\/script>/);
  assert.equal(await page.locator("#report img, #report script").count(), 0);

  const refused = async (name, doc, message) => {
    await open(name, doc);
    // wait for this document's message (the previous one may still show)
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector("#error")?.textContent || ""),
      message.source, { timeout: 30_000 });
  };
  const huge = structuredClone(base);
  huge.checks[0].evidence = { bins: new Array(2_000_000).fill(0) };
  await refused("huge", huge, /checks\[0\]\.evidence\.bins: 2000000 items/);
  await refused("deep", "[".repeat(100_000) + "]".repeat(100_000), /not valid JSON: recursion limit/);
  const wrong = structuredClone(base);
  wrong.inputs = "two files";
  await refused("wrong-type", wrong, /inputs: invalid type/);
  const nested = structuredClone(base);
  let deep = 1;
  for (let i = 0; i < 60; i++) deep = [deep];
  nested.checks[1].evidence = deep;
  await refused("nested", nested, /nested deeper than 32 levels/);
  await refused("not-json", "<html><script>alert(4)</script>", /not valid JSON/);
  assert.equal(dialogs, 0);
  // still usable: the good report opens again
  await open("markup-again", base);
  await page.waitForSelector("#report");
  await page.close();
});

test("a published folder shows the model inventory and opens each report by link", async () => {
  const { rm } = await import("node:fs/promises");
  const input = path.join(artifacts, "to-publish");
  await rm(input, { recursive: true, force: true });
  await rm(siteDir, { recursive: true, force: true });
  await mkdir(path.join(input, "older"), { recursive: true });
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const config = path.join(artifacts, "publish.toml");
  const example = await readFile(path.join(root, "attest.example.toml"), "utf8");
  await writeFile(config, example.replace('name = "churn-classifier"', 'name = "<b>churn</b>"'));
  const plain = path.join(input, "older/plain.json");
  runCli(["check", "--reference", ref, "--current", cur, "--config", config, "--json", plain], [0, 1]);
  const key = path.join(artifacts, "publish.key");
  await rm(key, { force: true });
  const pub = runCli(["keygen", "--out", key]).stdout.toString().trim();
  runCli(["sign", plain, "--key", key, "--signer", "Grace Hopper", "--role", "approver", "--decision", "approved",
    "-o", path.join(input, "signed.json")]);
  await writeFile(path.join(input, "trusted-keys.json"), JSON.stringify({ keys: [{ name: "Model Risk", public_key: pub }] }));
  // a report whose configuration names no model: the inventory calls it by its files
  runCli(["check", "--reference", ref, "--current", cur, "--json", path.join(input, "unnamed.json")], [0, 1]);
  const out = runCli(["publish", input, siteDir]).stdout.toString();
  assert.match(out, /published 3 reports/);

  const page = await browser.newPage();
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${origin}/site/`);
  await page.waitForSelector("#inventory tbody tr");
  const rows = await page.locator("#inventory tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.path));
  assert.deepEqual(rows.sort(), ["reports/older/plain.json", "reports/signed.json", "reports/unnamed.json"]);
  assert.equal((await page.locator('#inventory tr[data-path="reports/unnamed.json"] .model').textContent()).trim(), "reference.parquet · current.parquet");
  const signedRow = page.locator('#inventory tr[data-path="reports/signed.json"]');
  assert.match(await signedRow.locator(".model").textContent(), /<b>churn<\/b>/);
  assert.equal(await page.locator("#inventory b").count(), 0, "names are text");
  assert.equal(await signedRow.locator('.signer[data-state="trusted"]').count(), 1);
  assert.match(await signedRow.textContent(), /Grace Hopper \(approver\): approved/);
  await signedRow.locator("a.open").click();
  await page.waitForSelector("#signatures li[data-state]", { timeout: 60_000 });
  assert.deepEqual(await page.locator("#signatures li").evaluateAll((l) => l.map((li) => li.dataset.state)), ["trusted"]);
  assert.ok(page.url().includes("?report=reports%2Fsigned.json"), page.url());
  await page.close();
});

test("signing in the page: a new key or the user's key file; the CLI verifies the result", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  const json = path.join(artifacts, "page-sign.json");
  runCli(["check", "--reference", ref, "--current", cur, "--json", json], [0, 1]);
  const page = await newPage();
  await page.setInputFiles("#report-file", json);
  await page.waitForSelector("#sign");
  // a key made in the page is downloaded at once
  const [keyDownload] = await Promise.all([page.waitForEvent("download"), page.click("#sign-new-key")]);
  const madeKey = path.join(artifacts, "page-made.key");
  await writeFile(madeKey, await readFile(await keyDownload.path()));
  await page.fill("#sign-signer", "Ada Lovelace");
  await page.fill("#sign-role", "validator");
  await page.selectOption("#sign-decision", "approved_with_conditions");
  await page.fill("#sign-comment", "monitor <b>drift</b>");
  await page.click("#sign-button");
  await page.waitForSelector('#signatures li[data-state="unknown"]');
  // the signed report is shown anew, and the key is still chosen
  assert.match(await page.locator("#sign-key-name").textContent(), /a new key/);
  // the confirmation stays beside the button
  assert.match(await page.locator('#sign-message[data-state="ok"]').textContent(), /Signed by Ada Lovelace as validator: approved with conditions/);
  // no decision is chosen for the signer
  assert.equal(await page.locator("#sign-decision").inputValue(), "");
  // then a key file from `attest keygen`
  const cliKey = path.join(artifacts, "page-cli.key");
  await (await import("node:fs/promises")).rm(cliKey, { force: true });
  const cliPublic = runCli(["keygen", "--out", cliKey]).stdout.toString().trim();
  await page.setInputFiles("#sign-key", cliKey);
  await page.waitForFunction(() => /page-cli\.key/.test(document.querySelector("#sign-key-name").textContent));
  await page.fill("#sign-signer", "Grace Hopper");
  await page.fill("#sign-role", "approver");
  await page.selectOption("#sign-decision", "approved");
  // the report fails: approving it takes a second, confirming click
  assert.match(await page.locator("#sign-verdict").textContent(), /result is FAIL/);
  await page.click("#sign-button");
  await page.waitForSelector('#sign-message[data-state="confirm"]');
  assert.equal(await page.locator("#signatures li[data-state]").count(), 1, "not signed before the confirmation");
  await page.click("#sign-button");
  await page.waitForFunction(() => document.querySelectorAll("#signatures li[data-state]").length === 2);
  const text = await page.locator("#signatures").textContent();
  assert.match(text, /Ada Lovelace/);
  assert.match(text, /monitor <b>drift<\/b>/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
  const signed = path.join(artifacts, "page-signed.json");
  await writeFile(signed, await readFile(await download.path()));
  await page.close();
  // the CLI agrees: both valid; trusted when both keys are listed
  runCli(["verify", signed]);
  const madePublic = JSON.parse(await readFile(madeKey, "utf8")).public_key;
  const keys = path.join(artifacts, "page-trusted.json");
  await writeFile(keys, JSON.stringify({ keys: [{ name: "A", public_key: madePublic }, { name: "G", public_key: cliPublic }] }));
  runCli(["verify", signed, "--trusted-keys", keys]);
  const doc = JSON.parse(await readFile(signed, "utf8"));
  assert.deepEqual(doc.signatures.map((s) => [s.signer, s.role, s.decision]),
    [["Ada Lovelace", "validator", "approved_with_conditions"], ["Grace Hopper", "approver", "approved"]]);
});

// The model's files: fetched only for a run with a model.
const MODEL_FILES = /\/(ort\/|model_worker\.js|probe\.js|probe_bg\.wasm)/;

test("without a model the page fetches none of the model's runtime", async () => {
  const from = served.length;
  const page = await newPage();
  await page.click("#demo");
  await page.waitForSelector("#report", { timeout: 120_000 });
  const fetched = served.slice(from).map((s) => s.path).filter((p) => MODEL_FILES.test(p));
  assert.deepEqual(fetched, [], "model runtime fetched without a model");
  // and the model checks say how to give one
  assert.match(await page.locator('li[data-check="model_parity"]').textContent(), /no model file given/);
  await page.close();
});

test("two Parquet files and an ONNX model dropped: parity, the heat map, extreme values and permutation importance equal the CLI's", async () => {
  const dir = path.join(conformance, "model_public");
  const features = (await readFile(path.join(dir, "features.txt"), "utf8")).split(/\s+/).filter(Boolean);
  const toml = path.join(artifacts, "model-attest.toml");
  await writeFile(toml, `[model]\ninputs = { X = [${features.map((f) => JSON.stringify(f)).join(", ")}] }\n`);
  const ref = path.join(dir, "reference.parquet");
  const cur = path.join(dir, "current.parquet");
  const expected = cliReport(ref, cur, ["--model", path.join(dir, "trees/model.onnx"), "--config", toml].map(String));
  // The trees case's own data (the CLI ran on the logistic case's pair: use the trees pair for both).
  const tref = path.join(dir, "trees/reference.parquet");
  const tcur = path.join(dir, "trees/current.parquet");
  const want = cliReport(tref, tcur, ["--model", path.join(dir, "trees/model.onnx"), "--config", toml]);
  assert.ok(expected.checks.length > 0);
  const metric = (name, keys) => want.checks.flatMap((k) => k.metrics)
    .find((m) => m.name === name && Object.entries(keys).every(([k, v]) => JSON.stringify(m[k]) === JSON.stringify(v)));
  const page = await newPage();
  await dropFile(page, "#config-drop", toml);
  await dropFile(page, "#reference-drop", tref);
  await dropFile(page, "#current-drop", tcur);
  await page.waitForSelector("#setup", { timeout: 60_000 });
  const before = served.length;
  const modelGiven = Date.now();
  await dropFile(page, "#model-drop", path.join(dir, "trees/model.onnx"));
  assert.equal((await page.locator("#model-name").textContent()).trim(), "model.onnx");
  await page.click("#run");
  await page.waitForSelector("#model-sensitivity, #error", { timeout: 180_000 });
  assert.equal(await page.locator("#error").count(), 0, await page.locator("#error").textContent().catch(() => ""));
  // The runtime came from this origin, after the model was given.
  const fetched = served.slice(before).filter((s) => MODEL_FILES.test(s.path));
  assert.ok(fetched.some((s) => s.path.endsWith("/ort/ort-wasm-simd-threaded.wasm")), "ONNX Runtime Web's wasm fetched");
  assert.ok(fetched.some((s) => s.path.endsWith("/probe_bg.wasm")), "the probe fetched");
  assert.ok(fetched.every((s) => s.arrived >= modelGiven));
  // Parity: passes, and the page shows the CLI's numbers.
  assert.equal(await page.locator("#model-parity").getAttribute("data-status"), "pass");
  assert.equal(await page.locator("#parity-alert").count(), 0);
  for (const dataset of ["reference", "current"]) {
    const cell = page.locator(`#parity-table tr[data-dataset="${dataset}"] td[data-metric="model_prediction_agreement"]`);
    assert.equal(Number(await cell.getAttribute("data-value")), metric("model_prediction_agreement", { dataset }).value);
  }
  // The heat map: every feature × perturbation cell, equal to the CLI's.
  assert.equal(await page.locator("#sensitivity-heatmap tbody tr").count(), features.length);
  assert.equal(await page.locator("#heatmap-legend .heat-step").count(), 5, "the heat map's colour legend");
  assert.equal(await page.locator("#model-sensitivity .caveat").count(), 0, "no caveat when parity holds");
  let cells = 0;
  for (const f of features) {
    for (const seg of ["noise 0.01", "noise 0.05", "noise 0.1", "q01", "q99", "max+iqr", "min-iqr"]) {
      const name = seg.startsWith("noise") ? "noise_flip_share" : "extreme_flip_share";
      const m = metric(name, { column: f, segment: { column: "perturbation", value: seg } });
      const td = page.locator(`#sensitivity-heatmap tr[data-column="${f}"] td[data-perturbation="${seg}"]`);
      assert.equal(Number(await td.getAttribute("data-value")), m.value, `${name} ${f} ${seg}`);
      cells++;
    }
  }
  assert.equal(cells, 84);
  // Extreme values worst first.
  const shares = await page.locator('#extreme-table td[data-metric="extreme_flip_share"]').evaluateAll((tds) => tds.map((t) => Number(t.dataset.value)));
  assert.deepEqual(shares, [...shares].sort((a, b) => b - a));
  // Permutation importance: the CLI's, to the last bit but float32 rounding.
  for (const f of features) {
    const td = page.locator(`#permutation-table tr[data-column="${f}"] td[data-metric="permutation_importance"]`);
    const got = Number(await td.getAttribute("data-value"));
    const w = metric("permutation_importance", { column: f }).value;
    assert.ok(Math.abs(got - w) <= 1e-9 + 1e-6 * Math.abs(w), `permutation_importance ${f}: page ${got}, CLI ${w}`);
  }
  await page.screenshot({ path: path.join(artifacts, "model.png"), fullPage: true });
  await page.close();
});

test("a model that does not reproduce the predictions: the parity failure comes first", async () => {
  const dir = path.join(conformance, "model_public");
  const features = (await readFile(path.join(dir, "features.txt"), "utf8")).split(/\s+/).filter(Boolean);
  const toml = path.join(artifacts, "model-attest.toml");
  await writeFile(toml, `[model]\ninputs = { X = [${features.map((f) => JSON.stringify(f)).join(", ")}] }\n`);
  const page = await newPage();
  await dropFile(page, "#config-drop", toml);
  await dropFile(page, "#reference-drop", path.join(dir, "reference.parquet"));
  await dropFile(page, "#current-drop", path.join(dir, "current.parquet"));
  await page.waitForSelector("#setup", { timeout: 60_000 });
  await dropFile(page, "#model-drop", path.join(dir, "model_changed.onnx"));
  await page.click("#run");
  await page.waitForSelector("#parity-alert, #error", { timeout: 180_000 });
  assert.equal(await page.locator("#error").count(), 0, await page.locator("#error").textContent().catch(() => ""));
  assert.match(await page.locator("#parity-alert").textContent(), /does not reproduce the predictions/);
  assert.equal(await page.locator("#model-parity").getAttribute("data-status"), "fail");
  assert.equal((await page.locator("#summary-status").textContent()).trim(), "FAIL");
  // the sections computed from that file say whose behaviour they describe
  for (const id of ["#model-sensitivity", "#model-permutation"])
    if (await page.locator(id).count())
      assert.match(await page.locator(`${id} .caveat`).textContent(), /does not reproduce the predictions/, id);
  assert.ok(await page.locator("#model-sensitivity .caveat, #model-permutation .caveat").count() >= 1, "a caveat is shown");
  await page.close();
});

test("every model case through the page: the model checks equal the CLI's and the Python oracle's", async () => {
  const pub = path.join(conformance, "model_public");
  const features = (await readFile(path.join(pub, "features.txt"), "utf8")).split(/\s+/).filter(Boolean);
  const publicToml = `[model]\ninputs = { X = [${features.map((f) => JSON.stringify(f)).join(", ")}] }\n`;
  const cases = [];
  for (const sub of ["", "trees"]) {
    const dir = path.join(pub, sub);
    const oracle = JSON.parse(await readFile(path.join(dir, "expected_model.json"), "utf8"));
    cases.push({ name: `model_public/${sub}`, dir, model: "model.onnx", reference: "reference.parquet", current: "current.parquet", config: publicToml, expected: oracle.expected, tol: oracle.default_tolerance });
  }
  const own = path.join(root, "tests/data/models");
  for (const c of JSON.parse(await readFile(path.join(own, "expected.json"), "utf8")).cases)
    cases.push({ name: c.case, dir: own, model: c.model, reference: c.reference, current: c.current, config: c.config, expected: c.expected, tol: c.default_tolerance });
  assert.equal(cases.length, 7);
  const keyOf = (m) => JSON.stringify([m.name, m.column ?? null, m.dataset ?? null, m.segment ?? null]);
  const allBad = [];
  for (const c of cases) {
    const toml = path.join(artifacts, `model-${c.name.replace(/\W/g, "_")}.toml`);
    await writeFile(toml, c.config || "# defaults\n");
    const file = (f) => path.join(c.dir, f);
    const cli = cliReport(file(c.reference), file(c.current), ["--model", file(c.model), "--config", toml]);
    const page = await newPage();
    await page.setInputFiles("#config-file", toml);
    await page.setInputFiles("#reference-file", file(c.reference));
    await page.setInputFiles("#current-file", file(c.current));
    await page.waitForSelector("#setup", { timeout: 60_000 });
    await page.setInputFiles("#model-file", file(c.model));
    await page.click("#run");
    await page.waitForSelector("#model-parity, #error", { timeout: 180_000 });
    assert.equal(await page.locator("#error").count(), 0, `${c.name}: ${await page.locator("#error").textContent().catch(() => "")}`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
    const fromPage = JSON.parse(await readFile(await download.path(), "utf8"));
    await page.close();
    const modelMetrics = (r) => new Map(r.checks.filter((k) => k.id.startsWith("model_")).flatMap((k) => k.metrics).map((m) => [keyOf(m), m.value]));
    const got = modelMetrics(fromPage);
    const want = modelMetrics(cli);
    assert.ok(want.size >= 20, `${c.name}: ${want.size} model metrics from the CLI`);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${c.name}: the same model metrics`);
    // ONNX Runtime Web's wasm kernels round some float32 sums differently
    // from native ONNX Runtime's (measured: up to 2 ulps of a probability,
    // 1.19e-7; 1.4e-6 on a regressor's values near 16). Flip shares and
    // class agreement are exact; values made of probability differences
    // (the largest score difference, the mean score change) agree within
    // 2 float32 ulps of the outputs' scale; the rest within rel 1e-6.
    const exact = new Set(["noise_flip_share", "extreme_flip_share", "model_prediction_agreement"]);
    const ulps = c.name === "forest_regressor" ? 2 * 16 * 2 ** -23 : 2 * 2 ** -23;
    const allowed = (name, v, t) => exact.has(name) ? 0 : Math.max(t.abs + t.rel * Math.abs(v), ["model_score_max_abs_diff", "noise_mean_abs_score_change"].includes(name) ? ulps : 0);
    const bad = [];
    for (const [k, v] of want) {
      const name = JSON.parse(k)[0];
      if (!(Math.abs(got.get(k) - v) <= allowed(name, v, { abs: 1e-9, rel: 1e-6 }))) bad.push(`${c.name} ${k}: page ${got.get(k)}, CLI ${v}`);
    }
    // and the oracle's values, within the case's tolerances (or the bound above)
    for (const e of c.expected) {
      const v = got.get(keyOf(e));
      const t = e.tolerance || c.tol;
      const tol = exact.has(e.name) ? t.abs + t.rel * Math.abs(e.value) : allowed(e.name, e.value, t);
      if (!(v !== undefined && Math.abs(v - e.value) <= tol)) bad.push(`${c.name} ${keyOf(e)}: page ${v}, oracle ${e.value}`);
    }
    allBad.push(...bad);
  }
  assert.deepEqual(allBad, []);
});

test("cancel during the model's phase stops it, and the page runs a model again", async () => {
  const dir = path.join(conformance, "model_public/trees");
  const features = (await readFile(path.join(dir, "features.txt"), "utf8")).split(/\s+/).filter(Boolean);
  const toml = path.join(artifacts, "model-cancel.toml");
  await writeFile(toml, `[model]\ninputs = { X = [${features.map((f) => JSON.stringify(f)).join(", ")}] }\n`);
  const page = await newPage();
  await page.setInputFiles("#config-file", toml);
  await page.setInputFiles("#reference-file", path.join(dir, "reference.parquet"));
  await page.setInputFiles("#current-file", path.join(dir, "current.parquet"));
  await page.waitForSelector("#setup", { timeout: 60_000 });
  await page.setInputFiles("#model-file", path.join(dir, "model.onnx"));
  ortDelay = 4000;
  try {
    const from = served.length;
    await page.click("#run");
    // the model's worker has started (the report without it is done); its
    // imports wait for ONNX Runtime Web, held back
    const started = () => served.slice(from).some((s) => s.path === "/model_worker.js");
    for (let i = 0; i < 600 && !started(); i++) await new Promise((ok) => setTimeout(ok, 100));
    assert.ok(started(), "the model's phase began");
    await page.click("#cancel");
    assert.match(await page.locator("#error").textContent(), /cancelled/);
    assert.equal(await page.locator("#report").count(), 0, "no report after cancel");
  } finally {
    ortDelay = 0;
  }
  await new Promise((ok) => setTimeout(ok, 4500));
  assert.equal(await page.locator("#report").count(), 0, "the cancelled model phase did not finish later");
  // the page runs the model again
  await page.click("#run");
  await page.waitForSelector("#model-parity, #error", { timeout: 120_000 });
  assert.equal(await page.locator("#error").count(), 0);
  assert.equal(await page.locator("#model-parity").getAttribute("data-status"), "pass");
  await page.close();
});

// Contrast ratio of two CSS colours (WCAG 2), from getComputedStyle's rgb().
function contrast(fg, bg) {
  const lum = (c) => {
    const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}

test("the report reads on a laptop and a phone: verdict first, tables scroll inside, charts keep their labels, keyboard, contrast, no console noise", async () => {
  const { cases } = JSON.parse(await readFile(path.join(conformance, "expected.json"), "utf8"));
  const c = cases.find((x) => x.name === "validation_binary");
  const file = (k) => path.join(conformance, c[k]);
  const config = await caseConfig(c);
  const expected = cliReport(file("reference"), file("current"), ["--train", file("train"), "--config", config.file]);
  const saved = path.join(artifacts, "layout-report.json");
  await writeFile(saved, JSON.stringify(expected));
  const noise = [];
  const listen = (page) => {
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => { if (["error", "warning"].includes(m.type())) noise.push(`${m.type()}: ${m.text()}`); });
    page.on("worker", (w) => w.on?.("console", (m) => { if (["error", "warning"].includes(m.type())) noise.push(`worker ${m.type()}: ${m.text()}`); }));
  };
  for (const [width, height] of [[1366, 900], [390, 844]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    listen(page);
    await page.goto(origin + "/");
    await page.waitForSelector("#run");
    await page.setInputFiles("#report-file", saved);
    await page.waitForSelector("#report");
    await page.waitForSelector("#column-charts svg.chart");
    // Nothing sticks out of the screen but inside a box that scrolls.
    const overflow = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      const bad = [];
      if (document.documentElement.scrollWidth > vw + 1) bad.push(`the page is ${document.documentElement.scrollWidth} px wide`);
      const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
      for (const el of document.querySelectorAll("main *")) {
        let p = el.parentElement, inside = false;
        for (; p && p !== document.body; p = p.parentElement) if (scrolls(p)) { inside = true; break; }
        if (inside) continue;
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > vw + 1)
          bad.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} .${el.className?.baseVal ?? el.className} ends at ${Math.round(r.right)}`);
      }
      return bad.slice(0, 8);
    });
    assert.deepEqual(overflow, [], `${width} px: wider than the screen`);
    // The drift table's verdict is its first column, on screen.
    assert.equal((await page.locator("#drift-table thead th").first().textContent()).trim(), "Status");
    const status = await page.locator("#drift-table tbody tr").first().locator("td").first().boundingBox();
    assert.ok(status && status.x + status.width <= width, `${width} px: the status column is off-screen`);
    // Every chart's text lies inside its chart, and axis titles overlap no tick.
    const clipped = await page.evaluate(() => {
      const bad = [];
      for (const svg of document.querySelectorAll("svg.chart")) {
        const box = svg.getBoundingClientRect();
        if (box.width === 0) continue;
        const texts = [...svg.querySelectorAll("text")].map((t) => [t, t.getBoundingClientRect()]);
        for (const [t, r] of texts) {
          if (r.width === 0) continue;
          if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
            bad.push(`${svg.getAttribute("aria-label")}: "${t.textContent}" is cut`);
          if (t.classList.contains("label"))
            for (const [u, q] of texts)
              if (u !== t && q.width > 0 && Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1 && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1)
                bad.push(`${svg.getAttribute("aria-label")}: "${t.textContent}" overlaps "${u.textContent}"`);
        }
      }
      return bad.slice(0, 8);
    });
    assert.deepEqual(clipped, [], `${width} px: chart labels`);
    await page.screenshot({ path: path.join(artifacts, `report-${width}.png`), fullPage: true });
    await page.close();
  }

  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  listen(page);
  await page.goto(origin + "/");
  await page.waitForSelector("#run");
  await page.setInputFiles("#report-file", saved);
  await page.waitForSelector("#report");
  assert.equal(await page.locator("main").count(), 1, "one main landmark");
  // Every check that ran links to its section, and the section is there.
  const links = await page.locator("ul.checks a.title").evaluateAll((as) => as.map((a) => [a.getAttribute("href"), !!document.querySelector(a.getAttribute("href"))]));
  assert.ok(links.length >= 10, `only ${links.length} checks link to a section`);
  for (const [href, there] of links) assert.ok(there, `${href} is not on the page`);
  // Skipped checks speak of the page's controls, not of flags.
  const words = await page.locator("ul.checks .msg").allTextContents();
  for (const w of words) assert.doesNotMatch(w, /--[a-z]|`attest /, w);
  // Drift rows by keyboard: Tab from the filter reaches the rows; Enter opens one.
  await page.focus("#drift-filter");
  let onRow = false;
  for (let i = 0; i < 20 && !onRow; i++) {
    await page.keyboard.press("Tab");
    onRow = await page.evaluate(() => document.activeElement?.closest("#drift-table tbody tr") != null);
  }
  assert.ok(onRow, "Tab never reaches a drift row");
  await page.keyboard.press("Tab");
  const second = await page.evaluate(() => document.activeElement.dataset.column);
  await page.keyboard.press("Enter");
  await page.waitForSelector(`#column-charts[data-column="${second}"]`);
  assert.equal(await page.locator(`#drift-table tr[data-column="${second}"]`).getAttribute("aria-selected"), "true");
  // A chart point takes focus and shows its numbers beside it.
  const point = page.locator('svg.time-chart[data-metric="roc_auc"] g[data-series="current"] circle').first();
  assert.equal(await point.evaluate((e) => e.tabIndex), 0);
  await point.focus();
  await page.waitForSelector("#chart-tip");
  assert.match(await page.locator("#chart-tip").textContent(), /current .*roc_auc \d/);
  // Direction: the performance cards say better or worse, as the numbers do.
  const metricOf = (name, dataset) => expected.checks.find((k) => k.id === "performance").metrics.find((m) => m.name === name && m.dataset === dataset && !m.segment)?.value;
  for (const [name, up] of [["roc_auc", true], ["accuracy", true]]) {
    const [r, cur] = [metricOf(name, "reference"), metricOf(name, "current")];
    const want = cur === r ? "same" : (cur > r) === up ? "better" : "worse";
    assert.equal(await page.locator(`#performance .card[data-metric="${name}"] .change`).getAttribute("data-direction"), want, name);
  }
  // Champion vs challenger: every paired test the report holds.
  const chal = expected.checks.find((k) => k.id === "challenger").metrics;
  for (const [test, metric] of [["McNemar", "mcnemar_p_value"], ["DeLong", "delong_p_value"]])
    close(Number(await page.locator(`#challenger-tests tr[data-test="${test}"] td[data-metric="${test.toLowerCase()}_p_value"]`).getAttribute("data-value")),
      chal.find((m) => m.name === metric).value, metric);
  assert.ok(await page.locator("#challenger-chunks tbody tr[data-direction]").count() >= 2, "the challenger by chunk");
  // Contrast of the primary buttons, light and dark.
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    const pairs = await page.locator("button:not(.secondary):not(.sort)").evaluateAll((bs) => bs.filter((b) => b.offsetParent).map((b) => {
      const s = getComputedStyle(b);
      return [b.id || b.textContent, s.color, s.backgroundColor];
    }));
    assert.ok(pairs.length >= 1, "a primary button is shown");
    for (const [id, fg, bg] of pairs) assert.ok(contrast(fg, bg) >= 4.5, `${scheme}: ${id} has contrast ${contrast(fg, bg).toFixed(2)}`);
  }
  await page.close();

  // A whole run in the page: its workers start without warnings either.
  const run = await browser.newPage();
  listen(run);
  await run.goto(origin + "/");
  await run.waitForSelector("#run");
  await run.click("#demo");
  await run.waitForSelector("#report", { timeout: 120_000 });
  await run.close();
  assert.deepEqual(noise, [], "console errors and warnings");
});

test("two files with different columns: the difference is said before the run", async () => {
  const page = await newPage();
  await page.setInputFiles("#reference-file", path.join(conformance, "binary_0/reference.parquet"));
  await page.setInputFiles("#current-file", path.join(conformance, "regression_0/current.parquet"));
  await page.waitForSelector("#setup", { timeout: 60_000 });
  const said = await page.locator("#schema-differences").textContent();
  assert.match(said, /only in reference: /);
  assert.match(said, /only in current: /);
  // the same files twice: nothing to say
  await page.setInputFiles("#current-file", path.join(conformance, "binary_0/current.parquet"));
  await page.waitForFunction(() => document.querySelector("#setup") && !document.querySelector("#schema-differences"), null, { timeout: 60_000 });
  await page.close();
});

test("a run held to a baseline: the delta table beside the baseline, red where a metric fell past its margin", async () => {
  const ref = path.join(conformance, "binary_0/reference.parquet");
  const cur = path.join(conformance, "binary_0/current.parquet");
  // The baseline: this run's report with its current roc_auc 0.05 higher.
  const base = path.join(artifacts, "baseline-base.json");
  runCli(["check", "--reference", ref, "--current", cur, "--json", base], [0, 1]);
  const doc = JSON.parse(await readFile(base, "utf8"));
  const perf = doc.checks.find((c) => c.id === "performance");
  const auc = perf.metrics.find((m) => m.name === "roc_auc" && m.dataset === "current" && !m.segment);
  auc.value += 0.05;
  await writeFile(base, JSON.stringify(doc, null, 2));
  const html = path.join(artifacts, "baseline.html");
  runCli(["check", "--reference", ref, "--current", cur, "--baseline", base, "--html", html], [1]);
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto("file://" + html);
  await page.waitForSelector("#baseline-table", { timeout: 60_000 });
  const fell = page.locator('#baseline-table tr.fell[data-metric="roc_auc"][data-dataset="current"]');
  assert.equal(await fell.count(), 1, "roc_auc on current fell past its margin");
  assert.equal(await fell.getAttribute("data-status"), "fail");
  const bg = await fell.locator("th").evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(bg, "rgba(0, 0, 0, 0)", "the row that fell is coloured");
  assert.ok(Number(await fell.locator("td.change").getAttribute("data-value")) < -0.049);
  // Every other compared metric held.
  const others = await page.locator("#baseline-table tbody tr:not(.fell)").evaluateAll((rows) => rows.map((r) => r.dataset.status));
  assert.ok(others.length > 3 && others.every((s) => s === "pass"), JSON.stringify(others));
  assert.match(await page.locator("#baseline .badge").first().textContent(), /fell past their margin/);
  // The checks list links to it.
  assert.equal(await page.locator('a[href="#baseline"]').count() >= 1, true);
  await page.close();
});

