// Consumers through the official NATS JavaScript JetStream client (@nats-io/jetstream): fetch, consume, ordered
// consumers, acks and redelivery, against a server with JetStream.
//
//   NATS_JS_CLIENT_DIR=server/target/js-client node server/src/test/js/consumers.mjs nats://127.0.0.1:4222
//
// Same conventions as smoke.mjs: one line per check, "ok <check>" or "FAIL <check>: <reason>", exit 0 only when
// every check passed.

import { assert, check, clientRequire, finish, serverUrl } from "./checks.mjs";

const url = serverUrl("consumers.mjs");
const require = clientRequire();
const { connect } = require("@nats-io/transport-node");
const { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } = require("@nats-io/jetstream");

const nc = await connect({ servers: url, reconnect: false });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const text = new TextDecoder();

await jsm.streams.add({ name: "JSC", subjects: ["jsc.>"] });
for (let i = 1; i <= 20; i++) {
  await js.publish(`jsc.${i % 2 === 0 ? "even" : "odd"}`, `m${i}`);
}

await check("consumer-add-info", async () => {
  const ci = await jsm.consumers.add("JSC", { durable_name: "pull", ack_policy: AckPolicy.Explicit });
  assert(ci.name === "pull" && ci.num_pending === 20, `info ${JSON.stringify(ci)}`);
  const names = [];
  for await (const n of jsm.consumers.list("JSC")) {
    names.push(n.name);
  }
  assert(JSON.stringify(names) === JSON.stringify(["pull"]), `list ${JSON.stringify(names)}`);
});

await check("fetch-ack", async () => {
  const c = await js.consumers.get("JSC", "pull");
  const iter = await c.fetch({ max_messages: 5, expires: 2000 });
  const got = [];
  for await (const m of iter) {
    got.push(text.decode(m.data));
    await m.ackAck();
  }
  assert(JSON.stringify(got) === JSON.stringify(["m1", "m2", "m3", "m4", "m5"]), `got ${JSON.stringify(got)}`);
  const ci = await c.info();
  assert(ci.ack_floor.stream_seq === 5 && ci.num_pending === 15, `info ${JSON.stringify(ci)}`);
});

await check("next-empty", async () => {
  await jsm.consumers.add("JSC", { durable_name: "odd", ack_policy: AckPolicy.Explicit, filter_subject: "jsc.odd",
    deliver_policy: DeliverPolicy.New });
  const c = await js.consumers.get("JSC", "odd");
  const m = await c.next({ expires: 1000 });
  assert(m === null, `expected nothing, got ${m?.subject}`);
});

await check("consume", async () => {
  await jsm.consumers.add("JSC", { durable_name: "even", ack_policy: AckPolicy.Explicit, filter_subject: "jsc.even" });
  const c = await js.consumers.get("JSC", "even");
  const messages = await c.consume({ max_messages: 4 });
  const got = [];
  for await (const m of messages) {
    got.push(m.seq);
    m.ack();
    if (got.length === 10) {
      break;
    }
  }
  assert(got.length === 10 && got.every((s) => s % 2 === 0), `seqs ${JSON.stringify(got)}`);
});

await check("nak-redelivers", async () => {
  await jsm.consumers.add("JSC", { durable_name: "nak", ack_policy: AckPolicy.Explicit, filter_subject: "jsc.odd" });
  const c = await js.consumers.get("JSC", "nak");
  const first = await c.next({ expires: 2000 });
  first.nak();
  const again = await c.next({ expires: 2000 });
  assert(again.seq === first.seq && again.info.deliveryCount === 2, `redelivery ${again.seq} ${again.info.deliveryCount}`);
  await again.ackAck();
});

await check("ordered", async () => {
  const c = await js.consumers.get("JSC", { filter_subjects: ["jsc.odd"] });
  const iter = await c.fetch({ max_messages: 10, expires: 2000 });
  const got = [];
  for await (const m of iter) {
    got.push(text.decode(m.data));
  }
  assert(got.length === 10 && got[0] === "m1" && got[9] === "m19", `ordered ${JSON.stringify(got)}`);
});

await check("delete", async () => {
  assert(await jsm.consumers.delete("JSC", "pull"), "delete");
  let missing = false;
  try {
    await jsm.consumers.info("JSC", "pull");
  } catch (err) {
    missing = /consumer not found/.test(err.message);
  }
  assert(missing, "info of a deleted consumer");
});

await jsm.streams.delete("JSC");
await nc.close();
finish();
