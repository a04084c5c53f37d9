// Smoke test of the official NATS JavaScript client (@nats-io/transport-node) against a running server.
//
//   NATS_JS_CLIENT_DIR=server/target/js-client node server/src/test/js/smoke.mjs nats://127.0.0.1:4222
//
// NATS_JS_CLIENT_DIR names the folder whose node_modules holds the client (JsClientSmokeTest installs it there from
// package.json and package-lock.json beside this script); without it the client is looked up beside this script.
// Prints one line per check, "ok <check>" or "FAIL <check>: <reason>", and exits 0 only when every check passed.

import { CHECK_TIMEOUT_MS, assert, check, clientRequire, finish, sameList, serverUrl } from "./checks.mjs";

const url = serverUrl("smoke.mjs");
const require = clientRequire();
const { connect, headers, RequestError } = require("@nats-io/transport-node");

/** Collects the messages of a subscription that ends by itself (max reached). */
async function collect(sub) {
  const got = [];
  for await (const m of sub) {
    got.push(m);
  }
  return got;
}

const options = { servers: url, reconnect: false, timeout: CHECK_TIMEOUT_MS };
let nc;
let other;

const connected = await check("connect", async () => {
  nc = await connect({ ...options, name: "smoke-main" });
  other = await connect({ ...options, name: "smoke-other" });
  const info = nc.info;
  assert(typeof info.server_id === "string" && info.server_id.length === 56 && info.server_id.startsWith("N"),
    `server_id ${info.server_id}`);
  assert(info.version === "2.11.0", `version ${info.version}`);
  assert(info.proto === 1, `proto ${info.proto}`);
  assert(info.headers === true, `headers ${info.headers}`);
  assert(info.max_payload === 1048576, `max_payload ${info.max_payload}`);
  assert(other.info.client_id !== info.client_id, "both connections got the same client_id");
});

if (connected) {
  await check("pubsub", async () => {
    const wildcard = nc.subscribe("smoke.>", { max: 3 });
    const single = nc.subscribe("smoke.*", { max: 2 });
    await nc.flush();
    other.publish("smoke.a", "one");
    other.publish("elsewhere", "dropped");
    other.publish("smoke.b.c", "two");
    other.publish("smoke.d", "three");
    const [all, one] = await Promise.all([collect(wildcard), collect(single)]);
    sameList(all.map((m) => `${m.subject}:${m.string()}`), ["smoke.a:one", "smoke.b.c:two", "smoke.d:three"],
      "smoke.>");
    sameList(one.map((m) => `${m.subject}:${m.string()}`), ["smoke.a:one", "smoke.d:three"], "smoke.*");
  });

  await check("request", async () => {
    const service = nc.subscribe("smoke.svc", {
      queue: "svc",
      callback: (err, m) => {
        if (!err) {
          m.respond(`re:${m.string()}`);
        }
      },
    });
    await nc.flush();
    for (let i = 0; i < 5; i++) {
      const reply = await other.request("smoke.svc", `q${i}`, { timeout: 2000 });
      assert(reply.string() === `re:q${i}`, `reply to q${i} was ${reply.string()}`);
    }
    const many = await Promise.all(
      Array.from({ length: 100 }, (_, i) => other.request("smoke.svc", `c${i}`, { timeout: 2000 })));
    many.forEach((reply, i) => assert(reply.string() === `re:c${i}`, `reply to c${i} was ${reply.string()}`));
    service.unsubscribe();
  });

  await check("headers", async () => {
    const sub = nc.subscribe("smoke.hdr", { max: 1 });
    await nc.flush();
    const h = headers();
    h.append("X-Multi", "one");
    h.append("X-Multi", "two");
    h.set("Mixed-Case", "Value");
    other.publish("smoke.hdr", "body", { headers: h });
    const [m] = await collect(sub);
    assert(m.string() === "body", `payload ${m.string()}`);
    assert(m.headers, "message arrived without headers");
    sameList([...m.headers.keys()].sort(), ["Mixed-Case", "X-Multi"], "header keys");
    sameList(m.headers.values("X-Multi"), ["one", "two"], "X-Multi values");
    assert(m.headers.get("Mixed-Case") === "Value", `Mixed-Case ${m.headers.get("Mixed-Case")}`);
  });

  await check("no-responders", async () => {
    const started = Date.now();
    let error;
    try {
      await other.request("smoke.nobody", "anyone?", { timeout: 4000 });
    } catch (err) {
      error = err;
    }
    assert(error !== undefined, "request without responders succeeded");
    assert(error instanceof RequestError && error.isNoResponders(), `expected no responders, got ${error}`);
    const elapsed = Date.now() - started;
    assert(elapsed < 2000, `no responders took ${elapsed} ms, not well before the 4000 ms timeout`);
  });

  await check("close", async () => {
    await nc.drain();
    await other.close();
    const [a, b] = await Promise.all([nc.closed(), other.closed()]);
    assert(a === undefined && b === undefined, `closed with errors: ${a} ${b}`);
  });
}

finish(); // a failed connect is a failed check too
