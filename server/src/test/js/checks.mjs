// The harness every script here shares: where the client is loaded from, named checks with a time
// limit, assertions, and the exit status.
//
// Conventions: one line per check on stdout, "ok <check>" or "FAIL <check>: <reason>"; the
// process exits 0 only when every check passed. NATS_JS_CLIENT_DIR names the folder whose node_modules holds the
// clients (JsClientSmokeTest installs them there from package.json and package-lock.json beside this file); without
// it they are looked up beside this file.

import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** A check's time limit unless it asks for another. */
export const CHECK_TIMEOUT_MS = 5000;

let failures = 0;

/** The server URL from the command line; exits with status 2 when it is missing. */
export function serverUrl(script) {
  const url = process.argv[2];
  if (!url) {
    console.error(`usage: node ${script} <nats-url>`);
    process.exit(2);
  }
  return url;
}

/** A require() that loads the (CommonJS) clients from the install folder rather than from this file's folder. */
export function clientRequire() {
  const clientDir = path.resolve(process.env.NATS_JS_CLIENT_DIR ?? path.dirname(fileURLToPath(import.meta.url)));
  return createRequire(path.join(clientDir, "package.json"));
}

export function assert(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

export function sameList(actual, expected, what) {
  assert(JSON.stringify(actual) === JSON.stringify(expected),
    `${what}: expected ${JSON.stringify(expected)} but got ${JSON.stringify(actual)}`);
}

/** Awaits a promise that must reject; returns its error, or throws when it resolved. */
export async function rejects(promise, what) {
  let value;
  try {
    value = await promise;
  } catch (err) {
    return err;
  }
  throw new Error(`${what}: expected an error but got ${JSON.stringify(value)}`);
}

/** Polls `probe` every 50 ms until it returns a truthy value (which it returns) or `timeoutMs` passes. */
export async function eventually(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not true after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs one named check with a time limit, prints its outcome and returns whether it passed. */
export async function check(name, body, timeoutMs = CHECK_TIMEOUT_MS) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([body(), limit]);
    console.log(`ok ${name}`);
    return true;
  } catch (err) {
    failures++;
    console.log(`FAIL ${name}: ${err?.message ?? err}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Ends the process: status 0 when every check passed, 1 otherwise. */
export function finish() {
  process.exit(failures === 0 ? 0 : 1);
}
