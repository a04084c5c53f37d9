// The official NATS JavaScript key-value client (@nats-io/kv) against a server with JetStream.
//
//   NATS_JS_CLIENT_DIR=server/target/js-client node server/src/test/js/kv.mjs nats://127.0.0.1:4222
//
// One line per check, "ok <check>" or "FAIL <check>: <reason>"; exit 0 only when every check passed (checks.mjs).

import { assert, check, clientRequire, eventually, finish, rejects, sameList, serverUrl } from "./checks.mjs";

const url = serverUrl("kv.mjs");
const require = clientRequire();
const { connect } = require("@nats-io/transport-node");
const { jetstreamManager } = require("@nats-io/jetstream");
const { Kvm } = require("@nats-io/kv");

const nc = await connect({ servers: url, reconnect: false });
const jsm = await jetstreamManager(nc);
const kvm = new Kvm(nc);
const HISTORY = 5;
let kv;

/** Every entry of an iterator that ends by itself (history, keys). */
async function drain(iter) {
  const all = [];
  for await (const e of iter) {
    all.push(e);
  }
  return all;
}

await check("bucket-create", async () => {
  kv = await kvm.create("JSNODE", { history: HISTORY, description: "kv.mjs" });
  const si = await jsm.streams.info("KV_JSNODE");
  const c = si.config;
  sameList(c.subjects, ["$KV.JSNODE.>"], "subjects");
  assert(c.max_msgs_per_subject === HISTORY, `max_msgs_per_subject ${c.max_msgs_per_subject}`);
  assert(c.allow_rollup_hdrs === true && c.allow_direct === true,
    `allow_rollup_hdrs ${c.allow_rollup_hdrs} allow_direct ${c.allow_direct}`);
  assert(c.discard === "new", `discard ${c.discard}`);
  // Opening the bucket again binds to the same stream.
  const again = await kvm.open("JSNODE");
  assert((await again.status()).bucket === "JSNODE", "open");
});

await check("put-get", async () => {
  const rev = await kv.put("a.b", "one");
  assert(rev === 1, `revision ${rev}`);
  const e = await kv.get("a.b");
  assert(e !== null && e.string() === "one" && e.revision === 1 && e.operation === "PUT" && e.key === "a.b"
    && e.bucket === "JSNODE", `entry ${JSON.stringify(e)}`);
  assert(e.created instanceof Date && Math.abs(Date.now() - e.created.getTime()) < 60_000, `created ${e.created}`);
  const byRevision = await kv.get("a.b", { revision: 1 });
  assert(byRevision?.string() === "one", "get by revision");
  assert(await kv.get("missing") === null, "a missing key");
  await kv.put("json", JSON.stringify({ n: 42 }));
  assert((await kv.get("json")).json().n === 42, "json value");
});

await check("create", async () => {
  const rev = await kv.create("c", "first");
  assert(rev > 0, `revision ${rev}`);
  const err = await rejects(kv.create("c", "second"), "create of an existing key");
  assert(/wrong last sequence/i.test(err.message), `error ${err.message}`);
  assert((await kv.get("c")).string() === "first", "value after a refused create");
  // A deleted key can be created again (the client updates on top of the delete marker).
  await kv.delete("c");
  const again = await kv.create("c", "third");
  assert(again > rev && (await kv.get("c")).string() === "third", `re-create ${again}`);
});

await check("update-cas", async () => {
  const r1 = (await kv.get("a.b")).revision;
  const r2 = await kv.update("a.b", "two", r1);
  assert(r2 > r1, `revision ${r2} after ${r1}`);
  const err = await rejects(kv.update("a.b", "three", r1), "update with an old revision");
  assert(/wrong last sequence/i.test(err.message), `error ${err.message}`);
  const e = await kv.get("a.b");
  assert(e.string() === "two" && e.revision === r2, `entry ${e.string()} ${e.revision}`);
  // put with previousSeq is the same check.
  await rejects(kv.put("a.b", "four", { previousSeq: r1 }), "put with an old previousSeq");
});

await check("delete", async () => {
  await kv.put("d", "x");
  await kv.delete("d");
  const e = await kv.get("d");
  assert(e !== null && e.operation === "DEL" && e.length === 0, `entry ${e?.operation} ${e?.length}`);
  const err = await rejects(kv.delete("a.b", { previousSeq: 1 }), "delete with an old revision");
  assert(/wrong last sequence/i.test(err.message), `error ${err.message}`);
});

await check("history", async () => {
  for (let i = 1; i <= HISTORY + 2; i++) {
    await kv.put("h", `v${i}`);
  }
  const entries = await drain(await kv.history({ key: "h" }));
  sameList(entries.map((e) => e.string()), ["v3", "v4", "v5", "v6", "v7"], "history of h");
  assert(entries.every((e, i) => i === 0 || e.revision > entries[i - 1].revision), "revisions increase");
});

await check("purge", async () => {
  await kv.purge("h");
  const e = await kv.get("h");
  assert(e !== null && e.operation === "PURGE", `entry ${e?.operation}`);
  const entries = await drain(await kv.history({ key: "h" }));
  sameList(entries.map((x) => x.operation), ["PURGE"], "history of h after purge");
  // The stream keeps only the purge marker for h.
  const si = await jsm.streams.info("KV_JSNODE", { subjects_filter: "$KV.JSNODE.h" });
  assert(si.state.subjects?.["$KV.JSNODE.h"] === 1, `subjects ${JSON.stringify(si.state.subjects)}`);
});

await check("keys", async () => {
  await kv.put("k.one", "1");
  await kv.put("k.two", "2");
  const keys = (await drain(await kv.keys())).sort();
  // Deleted and purged keys (d, h) are not listed.
  sameList(keys, ["a.b", "c", "json", "k.one", "k.two"], "keys");
  sameList((await drain(await kv.keys("k.*"))).sort(), ["k.one", "k.two"], "keys k.*");
  sameList((await drain(await kv.keys(["k.one", "json"]))).sort(), ["json", "k.one"], "keys of two filters");
});

await check("watch", async () => {
  // One loop over the watcher (breaking out of a for-await stops it): the initial values, then live changes made
  // once the initial values are in.
  const w = await kv.watch({ key: "k.>" });
  const got = [];
  for await (const e of w) {
    got.push(e);
    if (got.length === 2) {
      await kv.put("k.three", "3");
      await kv.delete("k.one");
      await kv.put("other", "not watched");
    }
    if (got.length === 4) {
      break;
    }
  }
  sameList(got.slice(0, 2).map((e) => [e.key, e.string()]), [["k.one", "1"], ["k.two", "2"]], "initial values");
  // The client counts the initial values against the consumer's pending count: the last one is flagged an update.
  assert(got[0].isUpdate === false, "the first initial value is not an update");
  sameList(got.slice(2).map((e) => [e.key, e.operation, e.isUpdate]),
    [["k.three", "PUT", true], ["k.one", "DEL", true]], "live updates");
  // Updates only: nothing of what is stored, then the next change.
  const updates = await kv.watch({ key: "k.two", include: "updates" });
  await kv.put("k.two", "2b");
  for await (const e of updates) {
    assert(e.key === "k.two" && e.string() === "2b" && e.isUpdate, `update ${e.key} ${e.string()}`);
    break;
  }
});

await check("status", async () => {
  const s = await kv.status();
  assert(s.bucket === "JSNODE" && s.history === HISTORY && s.backingStore === "file", `status ${s.bucket}`);
  assert(s.description === "kv.mjs", `description ${s.description}`);
  assert(s.values === s.streamInfo.state.messages && s.values > 0 && s.size > 0, `values ${s.values} size ${s.size}`);
  const names = [];
  for await (const b of kvm.list()) {
    names.push(b.bucket);
  }
  assert(names.includes("JSNODE"), `buckets ${JSON.stringify(names)}`);
});

await check("key-ttl", async () => {
  const ttl = await kvm.create("JSNODE_TTL", { markerTTL: 2000 });
  const c = (await jsm.streams.info("KV_JSNODE_TTL")).config;
  assert(c.allow_msg_ttl === true && c.subject_delete_marker_ttl === 2_000_000_000,
    `allow_msg_ttl ${c.allow_msg_ttl} marker ttl ${c.subject_delete_marker_ttl}`);
  await ttl.put("keep", "k");
  const rev = await ttl.create("short", "s", "1s");
  assert((await ttl.get("short"))?.string() === "s", "value before it expires");
  // When the value's TTL ends the server removes it and leaves a delete marker (reason MaxAge), which the client
  // reports as a purge.
  const marker = await eventually(async () => {
    const e = await ttl.get("short");
    return e?.operation === "PURGE" ? e : null;
  }, 8000, "the expired value's marker");
  assert(marker.revision > rev, `marker revision ${marker.revision}`);
  assert((await ttl.get("keep"))?.string() === "k", "other key kept");
  // The marker has a TTL of its own (the bucket's markerTTL): then the key is gone, from the listing too.
  await eventually(async () => await ttl.get("short") === null, 8000, "the marker expired");
  sameList(await drain(await ttl.keys()), ["keep"], "keys once the marker expired");
  await ttl.destroy();
}, 15_000);

await check("destroy", async () => {
  assert(await kv.destroy(), "destroy");
  const err = await rejects(jsm.streams.info("KV_JSNODE"), "info of a destroyed bucket's stream");
  assert(/stream not found/i.test(err.message), `error ${err.message}`);
});

await nc.close();
finish();
