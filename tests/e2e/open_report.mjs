// Open a one-file HTML report in headless Chromium with no network and
// check that it draws: the report, its column charts, no CSP violation, no
// request leaving the file. Used by the Python package's tests
// (python/tests/test_html.py) for Report.save_html.
//   node open_report.mjs REPORT.html [SCREENSHOT.png]
import { chromium } from "playwright-core";

const [file, shot] = process.argv.slice(2);
if (!file) {
  console.error("usage: node open_report.mjs REPORT.html [SCREENSHOT.png]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
let failed = false;
try {
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const seen = [];
  const errors = [];
  page.on("request", (r) => seen.push(r.url()));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
  });
  await page.goto("file://" + file);
  await page.waitForSelector("#report", { timeout: 60_000 });
  await page.waitForSelector("#column-charts svg rect", { timeout: 60_000 });
  const result = {
    charts: await page.locator("svg").count(),
    verdict: (await page.locator("#report").innerText()).slice(0, 200),
    csp: await page.evaluate(() => window.__csp),
    foreign: seen.filter((u) => !u.startsWith("file:") && !u.startsWith("data:") && !u.startsWith("blob:")),
    errors,
  };
  if (shot) await page.screenshot({ path: shot });
  console.log(JSON.stringify(result));
  failed = result.csp.length > 0 || result.foreign.length > 0 || result.errors.length > 0;
} catch (e) {
  console.error(String(e));
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
