// A small remote control for headless Chromium, driven one JSON line at a time by DashboardBrowserTest.
//
//   NATRIX_BROWSER_DIR=server/target/dashboard-browser CHROMIUM=/usr/bin/chromium PROFILE_DIR=<fresh dir> \
//     node server/src/test/js/dashboard/driver.mjs
//
// NATRIX_BROWSER_DIR names the folder whose node_modules holds playwright-core (the test installs it there from
// package.json and package-lock.json beside this script). Playwright only drives the browser: Debian's Chromium is
// launched from CHROMIUM with a fresh profile in PROFILE_DIR, and no browser is ever downloaded.
//
// Prints {"ready":true,"version":...} once the browser runs, then reads commands from stdin, one JSON object a
// line, and answers each with one line: {"id":<id>,"ok":true,"value":...} or {"id":<id>,"ok":false,"error":"..."}.
//   {"op":"open","url":...,"width":1400,"height":1000}     load a page
//   {"op":"eval","expr":"<JS expression>"}                   its value in the page
//   {"op":"waitFor","expr":"<JS expression>","timeout":ms}   polls until truthy, answers with that value
//   {"op":"screenshot","path":...}                           a full-page PNG
//   {"op":"route","path":"/jsz","status":200,"contentType":...,"body":...}  answer that path (any query) instead
//   {"op":"route","path":"/varz","abort":true}               fail that path as a network error
//   {"op":"unroute","path":"/jsz"}                           let the path through again
//   {"op":"events"}   what the page did: {pageErrors, consoleErrors, foreignRequests, requests}
//   {"op":"close"}    closes the browser and exits (as does the end of stdin or SIGTERM)

import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

const installDir = path.resolve(process.env.NATRIX_BROWSER_DIR ?? path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(path.join(installDir, "package.json"));
const { chromium } = require("playwright-core");

const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const profileDir = process.env.PROFILE_DIR ?? fs.mkdtempSync(path.join(installDir, "profile-"));
fs.mkdirSync(profileDir, { recursive: true });

const send = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

let context;
let closing = false;
async function shutdown(code) {
  if (closing) return;
  closing = true;
  try {
    await context?.close();
  } catch {
    // The browser may already be gone.
  }
  process.exit(code);
}
process.on("SIGTERM", () => shutdown(143));
process.on("SIGINT", () => shutdown(130));

try {
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1400, height: 1000 },
    timeout: 60000,
  });
} catch (e) {
  send({ ready: false, error: String(e?.message ?? e) });
  process.exit(1);
}

const page = context.pages()[0] ?? await context.newPage();
const events = { pageErrors: [], consoleErrors: [], foreignRequests: [], requests: [] };
let origin = null;
page.on("pageerror", (e) => events.pageErrors.push(String(e?.message ?? e)));
page.on("console", (m) => {
  if (m.type() === "error" || m.type() === "warning") events.consoleErrors.push(`${m.type()}: ${m.text()}`);
});
page.on("request", (r) => {
  const url = r.url();
  events.requests.push(url);
  if (origin && !url.startsWith(origin + "/") && !url.startsWith("data:")) events.foreignRequests.push(url);
});

const routes = new Map();
async function route(cmd) {
  await unroute(cmd.path);
  const matcher = (url) => url.pathname === cmd.path;
  const handler = (r) => (cmd.abort ? r.abort("connectionrefused") : r.fulfill({
    status: cmd.status ?? 200,
    contentType: cmd.contentType ?? "application/json",
    body: cmd.body ?? "",
  }));
  routes.set(cmd.path, { matcher, handler });
  await page.route(matcher, handler);
}
async function unroute(p) {
  const r = routes.get(p);
  if (r) {
    routes.delete(p);
    await page.unroute(r.matcher, r.handler);
  }
}

async function run(cmd) {
  switch (cmd.op) {
    case "open": {
      origin = new URL(cmd.url).origin;
      if (cmd.width && cmd.height) await page.setViewportSize({ width: cmd.width, height: cmd.height });
      const response = await page.goto(cmd.url, { waitUntil: "load", timeout: cmd.timeout ?? 30000 });
      return { status: response?.status(), headers: response ? await response.allHeaders() : {} };
    }
    case "eval":
      return page.evaluate(cmd.expr);
    case "waitFor": {
      // Not page.waitForFunction: it evaluates strings with eval() inside the page, which the dashboard's
      // Content-Security-Policy (rightly) refuses. page.evaluate goes through the debugger and is not affected.
      const timeout = cmd.timeout ?? 20000;
      const deadline = Date.now() + timeout;
      let last;
      for (;;) {
        last = await page.evaluate(cmd.expr);
        if (last) return last;
        if (Date.now() >= deadline) {
          throw new Error(`timed out after ${timeout} ms waiting for ${cmd.expr} (last value ${JSON.stringify(last)})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    case "screenshot":
      await page.screenshot({ path: cmd.path, fullPage: true });
      return cmd.path;
    case "route":
      await route(cmd);
      return true;
    case "unroute":
      await unroute(cmd.path);
      return true;
    case "events":
      return events;
    case "close":
      setImmediate(() => shutdown(0));
      return true;
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

send({ ready: true, version: context.browser()?.version() ?? "" });

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
// One command at a time, in order.
let queue = Promise.resolve();
lines.on("line", (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    let cmd;
    try {
      cmd = JSON.parse(line);
      const value = await run(cmd);
      send({ id: cmd.id, ok: true, value: value === undefined ? null : value });
    } catch (e) {
      send({ id: cmd?.id ?? null, ok: false, error: String(e?.message ?? e) });
    }
  });
});
lines.on("close", () => queue.then(() => shutdown(0)));
