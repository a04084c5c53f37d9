// The official NATS JavaScript object store client (@nats-io/obj) against a server with JetStream.
//
//   NATS_JS_CLIENT_DIR=server/target/js-client node server/src/test/js/obj.mjs nats://127.0.0.1:4222
//
// One line per check, "ok <check>" or "FAIL <check>: <reason>"; exit 0 only when every check passed (checks.mjs).

import { createHash } from "node:crypto";
import { assert, check, clientRequire, finish, rejects, sameList, serverUrl } from "./checks.mjs";

const url = serverUrl("obj.mjs");
const require = clientRequire();
const { connect } = require("@nats-io/transport-node");
const { jetstreamManager } = require("@nats-io/jetstream");
const { Objm } = require("@nats-io/obj");

/** The big object: a few chunks' worth of MB, not a multiple of the chunk size (128 KiB), from a stream. */
const BIG_BYTES = 3 * 1024 * 1024 + 12_345;
/** The size of each piece the source stream hands over; unrelated to the chunk size on purpose. */
const PIECE_BYTES = 100_000;
/** Checks that move megabytes get longer than the default limit. */
const BIG_TIMEOUT_MS = 30_000;

const nc = await connect({ servers: url, reconnect: false });
const jsm = await jetstreamManager(nc);
const objm = new Objm(nc);
let os;

/** Deterministic, non-repeating content: byte i of the object is a function of i. */
function content(n) {
  const b = new Uint8Array(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** A ReadableStream over `data` in pieces of PIECE_BYTES, as a file or socket would give them. */
function readable(data) {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) {
        controller.close();
        return;
      }
      const end = Math.min(offset + PIECE_BYTES, data.length);
      controller.enqueue(data.slice(offset, end));
      offset = end;
    },
  });
}

/** Every byte of a ReadableStream. */
async function readAll(stream) {
  const parts = [];
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    parts.push(value);
    n += value.length;
  }
  const all = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/** The digest as the client writes it: SHA-256, base64url with padding. */
function sha256(data) {
  return createHash("sha256").update(data).digest("base64").replaceAll("+", "-").replaceAll("/", "_");
}

function sameBytes(actual, expected, what) {
  assert(actual.length === expected.length, `${what}: ${actual.length} bytes, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      throw new Error(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

const big = content(BIG_BYTES);

await check("store-create", async () => {
  os = await objm.create("JSNODE", { description: "obj.mjs" });
  const si = await jsm.streams.info("OBJ_JSNODE");
  const c = si.config;
  sameList(c.subjects, ["$O.JSNODE.C.>", "$O.JSNODE.M.>"], "subjects");
  assert(c.allow_rollup_hdrs === true && c.discard === "new" && c.allow_direct === true,
    `rollup ${c.allow_rollup_hdrs} discard ${c.discard} allow_direct ${c.allow_direct}`);
});

await check("put-stream", async () => {
  const info = await os.put({ name: "big.bin", description: "a few MB", metadata: { kind: "test" } }, readable(big));
  assert(info.size === BIG_BYTES && info.chunks === Math.ceil(BIG_BYTES / (128 * 1024)),
    `size ${info.size} chunks ${info.chunks}`);
  assert(info.digest === `SHA-256=${sha256(big)}`, `digest ${info.digest}`);
  assert(info.bucket === "JSNODE" && info.name === "big.bin" && !info.deleted, `info ${JSON.stringify(info)}`);
}, BIG_TIMEOUT_MS);

await check("get-identical", async () => {
  const r = await os.get("big.bin");
  assert(r !== null, "get returned null");
  const data = await readAll(r.data);
  const err = await r.error;
  assert(err == null, `get error ${err}`);
  sameBytes(data, big, "big.bin");
  // The blob form and a small object with its own chunk size.
  const small = content(1000);
  await os.putBlob({ name: "small", options: { max_chunk_size: 64 } }, small);
  sameBytes(await os.getBlob("small"), small, "small");
  assert((await os.info("small")).chunks === Math.ceil(1000 / 64), "small chunks");
  assert(await os.get("missing") === null, "a missing object");
}, BIG_TIMEOUT_MS);

await check("info", async () => {
  const info = await os.info("big.bin");
  assert(info !== null && info.size === BIG_BYTES && info.description === "a few MB"
    && info.metadata?.kind === "test", `info ${JSON.stringify(info)}`);
  assert(!Number.isNaN(Date.parse(info.mtime)), `mtime ${info.mtime}`);
  assert(await os.info("missing") === null, "info of a missing object");
  // Meta update: a new description, same content.
  await os.update("big.bin", { name: "big.bin", description: "renamed nothing" });
  assert((await os.info("big.bin")).description === "renamed nothing", "updated description");
});

await check("list", async () => {
  const names = (await os.list()).map((i) => i.name).sort();
  sameList(names, ["big.bin", "small"], "list");
});

await check("link", async () => {
  const target = await os.info("small");
  const link = await os.link("small-link", target);
  assert(link.options?.link?.name === "small" && link.options?.link?.bucket === "JSNODE",
    `link ${JSON.stringify(link.options)}`);
  sameBytes(await os.getBlob("small-link"), content(1000), "through the link");
  // A link to another store.
  const other = await objm.create("JSNODE_OTHER");
  await other.putBlob({ name: "o" }, content(10));
  const storeLink = await os.linkStore("other-store", other);
  assert(storeLink.options?.link?.bucket === "JSNODE_OTHER" && !storeLink.options?.link?.name,
    `store link ${JSON.stringify(storeLink.options)}`);
  await rejects(os.link("bad", storeLink), "a link to a link");
  await other.destroy();
});

await check("watch", async () => {
  // With history: the last meta of every object first, then changes made once those are in.
  const w = await os.watch({ includeHistory: true });
  const got = [];
  for await (const e of w) {
    got.push(e);
    if (got.length === 4) {
      await os.putBlob({ name: "late" }, content(10));
    }
    if (got.length === 5) {
      break;
    }
  }
  sameList(got.slice(0, 4).map((e) => e.name).sort(), ["big.bin", "other-store", "small", "small-link"],
    "initial objects");
  assert(got[0].isUpdate === false, "the first initial object is not an update");
  assert(got[4].name === "late" && got[4].isUpdate === true && got[4].size === 10,
    `update ${got[4].name} ${got[4].isUpdate}`);
  // Without history: changes only.
  const updates = await os.watch();
  await os.putBlob({ name: "later" }, content(20));
  for await (const e of updates) {
    assert(e.name === "later" && e.isUpdate === true && e.size === 20, `update ${e.name}`);
    break;
  }
  await os.delete("later");
});

await check("delete", async () => {
  const nuid = (await os.info("big.bin")).nuid;
  const r = await os.delete("big.bin");
  assert(r.success === true && r.purged === Math.ceil(BIG_BYTES / (128 * 1024)), `purge ${JSON.stringify(r)}`);
  const info = await os.info("big.bin");
  assert(info?.deleted === true && info.size === 0, `info after delete ${JSON.stringify(info)}`);
  assert(await os.get("big.bin") === null, "get of a deleted object");
  // The chunks are gone; the meta messages were rolled up into the one saying "deleted".
  const si = await jsm.streams.info("OBJ_JSNODE", { subjects_filter: "$O.JSNODE.>" });
  const subjects = si.state.subjects ?? {};
  assert(!(`$O.JSNODE.C.${nuid}` in subjects), `chunks left ${JSON.stringify(subjects)}`);
  assert(subjects["$O.JSNODE.M.YmlnLmJpbg=="] === 1, `metas ${JSON.stringify(subjects)}`);
  sameList((await os.list()).map((i) => i.name).sort(), ["late", "other-store", "small", "small-link"],
    "list after delete");
});

await check("status", async () => {
  const s = await os.status();
  assert(s.bucket === "JSNODE" && s.description === "obj.mjs" && s.sealed === false, `status ${s.bucket}`);
  assert(s.size > 0 && s.size === s.streamInfo.state.bytes, `size ${s.size}`);
  assert(s.backingStore === "JetStream" && s.storage === "file", `backing ${s.backingStore} ${s.storage}`);
  const names = [];
  for await (const st of objm.list()) {
    names.push(st.bucket);
  }
  assert(names.includes("JSNODE"), `stores ${JSON.stringify(names)}`);
});

await check("seal", async () => {
  const s = await os.seal();
  assert(s.sealed === true, "sealed status");
  const si = await jsm.streams.info("OBJ_JSNODE");
  assert(si.config.sealed === true && si.config.deny_delete === true && si.config.deny_purge === true,
    `config ${JSON.stringify(si.config)}`);
  await rejects(os.putBlob({ name: "after-seal" }, content(10)), "put into a sealed store");
  sameBytes(await os.getBlob("small"), content(1000), "read after seal");
});

await check("destroy", async () => {
  assert(await os.destroy(), "destroy");
  const err = await rejects(jsm.streams.info("OBJ_JSNODE"), "info of a destroyed store's stream");
  assert(/stream not found/i.test(err.message), `error ${err.message}`);
});

await nc.close();
finish();
