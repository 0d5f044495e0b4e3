// Lighthouse on each page given, in one Chromium; prints one JSON array: per run the
// four category scores and the weighted audits that did not pass.
//
//   node lighthouse.mjs <dir holding node_modules> mobile:<url> desktop:<url>...
//
// CHROME_PATH names the browser. The flags keep Chromium off the network: the machine
// has none but the loopback, and Chromium must never fetch anything of its own.
import { pathToFileURL } from "node:url";

const [nodeDir, ...pages] = process.argv.slice(2);
const load = (path) => import(pathToFileURL(`${nodeDir}/node_modules/${path}`).href);
const { default: lighthouse, desktopConfig } = await load("lighthouse/core/index.js");
const { launch } = await load("chrome-launcher/dist/index.js");

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const CHROME_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

function failing(lhr) {
  const found = [];
  for (const [category, { auditRefs }] of Object.entries(lhr.categories)) {
    for (const ref of auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        const items = (audit.details?.items ?? [])
          .slice(0, 5)
          .map((item) => item.node?.selector ?? item.url ?? item.source?.url ?? "")
          .filter(Boolean);
        found.push({
          category,
          id: ref.id,
          title: audit.title,
          score: audit.score,
          value: audit.displayValue ?? "",
          items,
        });
      }
    }
  }
  return found;
}

async function audit(port, url, formFactor) {
  const flags = {
    port,
    output: "json",
    logLevel: "error",
    onlyCategories: CATEGORIES,
    // Pictures of the page and the back/forward cache probe score nothing and cost
    // about 3 s a run.
    disableFullPageScreenshot: true,
    skipAudits: ["screenshot-thumbnails", "final-screenshot", "bf-cache"],
  };
  const config = formFactor === "desktop" ? desktopConfig : undefined;
  // A trace that misses its navigation start (NO_NAVSTART) happens now and then on a
  // busy machine; one more run settles it.
  let lhr;
  for (let attempt = 0; attempt < 2; attempt++) {
    lhr = (await lighthouse(url, flags, config)).lhr;
    const complete = CATEGORIES.every((c) => lhr.categories[c]?.score !== null);
    if (!lhr.runtimeError && complete) break;
  }
  return {
    url,
    formFactor,
    error: lhr.runtimeError?.message ?? null,
    scores: Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score ?? null])),
    failing: failing(lhr),
  };
}

const chrome = await launch({ chromeFlags: CHROME_FLAGS });
const results = [];
try {
  for (const page of pages) {
    const [formFactor, url] = [page.slice(0, page.indexOf(":")), page.slice(page.indexOf(":") + 1)];
    results.push(await audit(chrome.port, url, formFactor));
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(results));
