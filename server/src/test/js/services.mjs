// The official NATS JavaScript services library (@nats-io/services, the "micro" protocol) against a server.
//
//   NATS_JS_CLIENT_DIR=server/target/js-client node server/src/test/js/services.mjs nats://127.0.0.1:4222
//
// One line per check, "ok <check>" or "FAIL <check>: <reason>"; exit 0 only when every check passed (checks.mjs).
// Core NATS only: a service is subscriptions in a queue group plus the $SRV.PING/INFO/STATS discovery subjects.

import { assert, check, clientRequire, finish, rejects, sameList, serverUrl } from "./checks.mjs";

const url = serverUrl("services.mjs");
const require = clientRequire();
const { connect } = require("@nats-io/transport-node");
const { Svcm, ServiceError, ServiceErrorCodeHeader, ServiceErrorHeader } = require("@nats-io/services");

const NAME = "jsnode";
const ECHO_REQUESTS = 40;

const server = await connect({ servers: url, reconnect: false, name: "services.mjs service" });
const nc = await connect({ servers: url, reconnect: false, name: "services.mjs client" });
const svcm = new Svcm(server);
const client = new Svcm(nc).client();
const text = new TextDecoder();
/** Requests each instance's echo endpoint answered. */
const echoed = new Map();
let first;
let second;

/** Adds one instance of the service; both instances have the same endpoints, in the default queue group "q". */
async function addInstance() {
  const svc = await svcm.add({ name: NAME, version: "1.2.3", description: "services.mjs", metadata: { team: "natrix" } });
  const id = svc.info().id;
  echoed.set(id, 0);
  svc.addEndpoint("echo", {
    metadata: { kind: "echo" },
    handler: (err, msg) => {
      echoed.set(id, echoed.get(id) + 1);
      msg.respond(msg.data);
    },
  });
  const math = svc.addGroup("math");
  math.addEndpoint("add", (err, msg) => msg.respond(JSON.stringify(msg.json().reduce((a, b) => a + b, 0))));
  math.addEndpoint("fail", () => {
    throw new Error("boom");
  });
  math.addEndpoint("reject", (err, msg) => msg.respondError(400, "bad input"));
  math.addGroup("v2").addEndpoint("mul", (err, msg) => msg.respond(JSON.stringify(msg.json().reduce((a, b) => a * b, 1))));
  return svc;
}

/** Every answer of a discovery request (the client ends the iterator when answers stop coming). */
async function all(iterPromise) {
  const got = [];
  for await (const r of await iterPromise) {
    got.push(r);
  }
  return got;
}

await check("service-add", async () => {
  first = await addInstance();
  second = await addInstance();
  assert(first.info().id !== second.info().id, "distinct instance ids");
  // Make sure the server has every subscription before requests go out.
  await server.flush();
});

await check("endpoints", async () => {
  assert(text.decode((await nc.request("echo", "hello", { timeout: 2000 })).data) === "hello", "echo");
  assert((await nc.request("math.add", JSON.stringify([1, 2, 39]), { timeout: 2000 })).json() === 42, "math.add");
  assert((await nc.request("math.v2.mul", JSON.stringify([3, 4]), { timeout: 2000 })).json() === 12, "math.v2.mul");
});

await check("queue-group", async () => {
  for (const id of echoed.keys()) {
    echoed.set(id, 0);
  }
  for (let i = 0; i < ECHO_REQUESTS; i++) {
    const r = await nc.request("echo", `m${i}`, { timeout: 2000 });
    assert(text.decode(r.data) === `m${i}`, `echo ${i}`);
  }
  const counts = [...echoed.values()];
  // Each request went to exactly one instance; with 40 requests both get some (all to one: p = 2^-39).
  assert(counts.reduce((a, b) => a + b, 0) === ECHO_REQUESTS && counts.every((n) => n > 0),
    `requests per instance ${JSON.stringify(counts)}`);
});

await check("handler-error", async () => {
  const thrown = await nc.request("math.fail", "", { timeout: 2000 });
  assert(ServiceError.isServiceError(thrown), "a thrown handler error is a service error");
  assert(thrown.headers.get(ServiceErrorHeader) === "boom" && thrown.headers.get(ServiceErrorCodeHeader) === "500",
    `thrown: ${thrown.headers.get(ServiceErrorCodeHeader)} ${thrown.headers.get(ServiceErrorHeader)}`);
  const rejected = await nc.request("math.reject", "", { timeout: 2000 });
  const err = ServiceError.toServiceError(rejected);
  assert(err?.code === 400 && err.message === "bad input", `rejected: ${err?.code} ${err?.message}`);
});

await check("discovery-ping", async () => {
  const pings = await all(client.ping());
  const ids = pings.filter((p) => p.name === NAME).map((p) => p.id).sort();
  sameList(ids, [first.info().id, second.info().id].sort(), "instances answering PING");
  assert(pings.every((p) => p.type === "io.nats.micro.v1.ping_response" && p.version === "1.2.3"), "ping fields");
  const one = await all(client.ping(NAME, first.info().id));
  sameList(one.map((p) => p.id), [first.info().id], "PING of one instance");
  const err = await rejects(all(client.ping("nobody")), "PING of an unknown service");
  assert(/no responders/.test(err.message), `error ${err.message}`);
});

await check("discovery-info", async () => {
  const infos = await all(client.info(NAME));
  assert(infos.length === 2, `${infos.length} INFO answers`);
  const info = infos.find((i) => i.id === first.info().id);
  assert(info.description === "services.mjs" && info.metadata?.team === "natrix", `info ${JSON.stringify(info)}`);
  sameList(info.endpoints.map((e) => [e.name, e.subject, e.queue_group]).sort(), [
    ["add", "math.add", "q"],
    ["echo", "echo", "q"],
    ["fail", "math.fail", "q"],
    ["mul", "math.v2.mul", "q"],
    ["reject", "math.reject", "q"],
  ], "endpoints");
  assert(info.endpoints.find((e) => e.name === "echo").metadata?.kind === "echo", "endpoint metadata");
});

await check("discovery-stats", async () => {
  const stats = await all(client.stats(NAME));
  assert(stats.length === 2 && stats.every((s) => s.type === "io.nats.micro.v1.stats_response"), "two STATS");
  const endpoint = (name) => stats.map((s) => s.endpoints.find((e) => e.name === name));
  const echoRequests = endpoint("echo").reduce((n, e) => n + e.num_requests, 0);
  // The "endpoints" check sent one echo, "queue-group" the rest.
  assert(echoRequests === ECHO_REQUESTS + 1, `echo requests ${echoRequests}`);
  const fails = endpoint("fail").filter((e) => e.num_errors > 0);
  assert(fails.length === 1 && fails[0].num_errors === 1 && fails[0].last_error === "boom",
    `fail stats ${JSON.stringify(endpoint("fail"))}`);
  assert(stats.every((s) => !Number.isNaN(Date.parse(s.started))), "started");
});

await check("stop", async () => {
  await first.stop();
  assert(first.isStopped, "stopped");
  const ids = (await all(client.ping(NAME))).map((p) => p.id);
  sameList(ids, [second.info().id], "instances answering PING after one stopped");
  assert(text.decode((await nc.request("echo", "still", { timeout: 2000 })).data) === "still", "the other answers");
  await second.stop();
});

await server.close();
await nc.close();
finish();
