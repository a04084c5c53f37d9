// Smoke test of the official NATS JavaScript JetStream client (@nats-io/jetstream) against a server with JetStream.
//
//   NATS_JS_CLIENT_DIR=server/target/js-client node server/src/test/js/jetstream.mjs nats://127.0.0.1:4222
//
// Same conventions as smoke.mjs: one line per check, "ok <check>" or "FAIL <check>: <reason>", exit 0 only when
// every check passed.

import { assert, check, clientRequire, eventually, finish, sameList, serverUrl } from "./checks.mjs";

const url = serverUrl("jetstream.mjs");
const require = clientRequire();
const { connect } = require("@nats-io/transport-node");
const { jetstream, jetstreamManager } = require("@nats-io/jetstream");

const nc = await connect({ servers: url, reconnect: false });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const text = new TextDecoder();

await check("stream-add", async () => {
  const si = await jsm.streams.add({ name: "JSJS", subjects: ["jsjs.>"] });
  assert(si.config.name === "JSJS", `name ${si.config.name}`);
  assert(si.state.messages === 0, `messages ${si.state.messages}`);
});

await check("publish", async () => {
  const a = await js.publish("jsjs.a", "one");
  const b = await js.publish("jsjs.b", "two");
  assert(a.stream === "JSJS" && a.seq === 1, `first ack ${JSON.stringify(a)}`);
  assert(b.seq === 2, `second ack ${JSON.stringify(b)}`);
});

await check("dedupe", async () => {
  const first = await js.publish("jsjs.c", "three", { msgID: "id-1" });
  const again = await js.publish("jsjs.c", "three", { msgID: "id-1" });
  assert(!first.duplicate && again.duplicate && again.seq === first.seq, `acks ${JSON.stringify([first, again])}`);
});

await check("expected-last-sequence", async () => {
  let refused = false;
  try {
    await js.publish("jsjs.d", "x", { expect: { lastSequence: 99 } });
  } catch (err) {
    refused = /wrong last sequence/.test(err.message);
  }
  assert(refused, "a wrong expected last sequence was accepted");
});

await check("info", async () => {
  const si = await jsm.streams.info("JSJS");
  assert(si.state.messages === 3, `messages ${si.state.messages}`);
  assert(si.state.last_seq === 3, `last_seq ${si.state.last_seq}`);
});

await check("get", async () => {
  const m = await jsm.streams.getMessage("JSJS", { seq: 2 });
  assert(m.subject === "jsjs.b" && text.decode(m.data) === "two", `message ${m.subject}`);
  const last = await jsm.streams.getMessage("JSJS", { last_by_subj: "jsjs.a" });
  assert(last.seq === 1, `last by subject ${last.seq}`);
});

await check("list", async () => {
  const names = [];
  for await (const name of jsm.streams.names()) {
    names.push(name);
  }
  assert(JSON.stringify(names) === JSON.stringify(["JSJS"]), `names ${JSON.stringify(names)}`);
});

await check("update", async () => {
  const si = await jsm.streams.info("JSJS");
  const updated = await jsm.streams.update("JSJS", { ...si.config, max_msgs: 100 });
  assert(updated.config.max_msgs === 100, `max_msgs ${updated.config.max_msgs}`);
});

/** Polls `condition` until it holds, within a check's time limit. */
const until = (condition, what) => eventually(condition, 4000, what);

await check("direct-batch", async () => {
  await jsm.streams.add({ name: "JSD", subjects: ["jsd.>"], allow_direct: true });
  for (const s of ["jsd.a", "jsd.b", "jsd.a"]) {
    await js.publish(s, "d");
  }
  const seqs = [];
  for await (const m of await jsm.direct.getBatch("JSD", { seq: 1, batch: 3 })) {
    seqs.push(m.seq);
  }
  assert(JSON.stringify(seqs) === "[1,2,3]", `batch ${JSON.stringify(seqs)}`);
  const last = await jsm.direct.getMessage("JSD", { last_by_subj: "jsd.a" });
  assert(last.seq === 3, `last ${last?.seq}`);
});

await check("mirror", async () => {
  await jsm.streams.add({ name: "JSM", mirror: { name: "JSD" } });
  await until(async () => (await jsm.streams.info("JSM")).state.messages === 3, "mirror holds 3");
  const si = await jsm.streams.info("JSM");
  assert(si.mirror?.name === "JSD" && si.state.last_seq === 3, `mirror ${JSON.stringify(si.mirror)}`);
  await jsm.streams.delete("JSM");
  await jsm.streams.delete("JSD");
});

await check("sources", async () => {
  // Two origins, one taken whole and one filtered with a subject transform, into a stream of its own.
  await jsm.streams.add({ name: "JSO1", subjects: ["jso1.>"] });
  await jsm.streams.add({ name: "JSO2", subjects: ["jso2.>"] });
  await js.publish("jso1.a", "one");
  await js.publish("jso2.keep", "two");
  await js.publish("jso2.drop", "three");
  await jsm.streams.add({
    name: "JSS",
    sources: [
      { name: "JSO1" },
      { name: "JSO2", subject_transforms: [{ src: "jso2.keep", dest: "moved.keep" }] },
    ],
  });
  await until(async () => (await jsm.streams.info("JSS")).state.messages === 2, "sourced stream holds 2");
  await js.publish("jso1.b", "four");
  await until(async () => (await jsm.streams.info("JSS")).state.messages === 3, "a later message is sourced");
  const subjects = [];
  for (let seq = 1; seq <= 3; seq++) {
    const m = await jsm.streams.getMessage("JSS", { seq });
    subjects.push(m.subject);
    assert(m.header?.get("Nats-Stream-Source"), `seq ${seq} has no Nats-Stream-Source header`);
  }
  sameList(subjects.slice().sort(), ["jso1.a", "jso1.b", "moved.keep"], "sourced subjects");
  const si = await jsm.streams.info("JSS");
  sameList(si.sources.map((s) => s.name).sort(), ["JSO1", "JSO2"], "source info");
  assert(si.sources.every((s) => s.lag === 0), `lag ${JSON.stringify(si.sources)}`);
  for (const name of ["JSS", "JSO1", "JSO2"]) {
    await jsm.streams.delete(name);
  }
});

await check("message-ttl", async () => {
  await jsm.streams.add({ name: "JST", subjects: ["jst.>"], allow_msg_ttl: true });
  const a = await js.publish("jst.a", "short", { ttl: "1s" });
  assert(a.seq === 1, `ack ${JSON.stringify(a)}`);
  await until(async () => (await jsm.streams.info("JST")).state.messages === 0, "the message expired");
  await jsm.streams.delete("JST");
});

await check("purge-delete", async () => {
  const p = await jsm.streams.purge("JSJS");
  assert(p.success && p.purged === 3, `purge ${JSON.stringify(p)}`);
  assert(await jsm.streams.delete("JSJS"), "delete");
});

await nc.close();
finish();
