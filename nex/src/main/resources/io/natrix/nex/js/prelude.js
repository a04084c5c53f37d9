// Natrix Nex: the set-up every JavaScript function context runs before the function's own file.
// It is a function of the Java host bridge (JsHost) and gives back the invoker the node calls per trigger.
// It defines what Nex v0 functions rely on: TextEncoder/TextDecoder (UTF-8) when the engine lacks them, and the
// global `hostServices` (reached as `this.hostServices` from a top-level arrow function).
(function (host) {
  'use strict';

  // Host byte arrays arrive as foreign arrays of 0..255; functions see Uint8Array.
  const toU8 = (p) => {
    if (p === null || p === undefined) {
      return null;
    }
    const n = p.length;
    const u = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      u[i] = p[i];
    }
    return u;
  };

  const encodeUtf8 = (s) => toU8(host.utf8Encode(String(s)));

  if (typeof globalThis.TextEncoder === 'undefined') {
    globalThis.TextEncoder = class TextEncoder {
      get encoding() { return 'utf-8'; }
      encode(s = '') { return encodeUtf8(s); }
    };
  }
  if (typeof globalThis.TextDecoder === 'undefined') {
    globalThis.TextDecoder = class TextDecoder {
      constructor(label = 'utf-8') {
        if (!/^utf-?8$/i.test(String(label))) {
          throw new RangeError('TextDecoder: only utf-8 is supported, not ' + label);
        }
      }
      get encoding() { return 'utf-8'; }
      decode(b) {
        if (b === undefined || b === null) {
          return '';
        }
        return host.utf8Decode(bytes(b));
      }
    };
  }

  // What a host service stores: bytes as given, strings as UTF-8, anything else as JSON.
  const bytes = (v) => {
    if (v instanceof Uint8Array) {
      return v;
    }
    if (v instanceof ArrayBuffer) {
      return new Uint8Array(v);
    }
    if (ArrayBuffer.isView(v)) {
      return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    }
    if (typeof v === 'string') {
      return encodeUtf8(v);
    }
    return encodeUtf8(JSON.stringify(v));
  };

  // v0's http service: {status, headers, response} where response is a Uint8Array.
  const http = (method) => (url, body) => {
    const answer = host.http(method, String(url), body === undefined || body === null ? null : bytes(body));
    return { status: answer.status(), headers: JSON.parse(answer.headers()), response: toU8(answer.body()) };
  };

  const hostServices = Object.freeze({
    kv: Object.freeze({
      get: (key) => toU8(host.kvGet(String(key))),
      set: (key, value) => { host.kvSet(String(key), bytes(value)); },
      delete: (key) => { host.kvDelete(String(key)); },
      keys: () => JSON.parse(host.kvKeys()),
    }),
    messaging: Object.freeze({
      publish: (subject, value) => { host.publish(String(subject), bytes(value === undefined ? '' : value)); },
      request: (subject, value) => toU8(host.request(String(subject), bytes(value === undefined ? '' : value))),
    }),
    objectStore: Object.freeze({
      get: (name) => toU8(host.objectGet(String(name))),
      put: (name, value) => { host.objectPut(String(name), bytes(value)); },
      delete: (name) => { host.objectDelete(String(name)); },
      list: () => JSON.parse(host.objectList()),
    }),
    http: Object.freeze({
      get: http('GET'), post: http('POST'), put: http('PUT'), patch: http('PATCH'), delete: http('DELETE'),
      head: http('HEAD'),
    }),
  });
  Object.defineProperty(globalThis, 'hostServices', { value: hostServices, writable: false, enumerable: false });

  return Object.freeze({
    // Runs the function once; the reply is its result as JSON (strings come back quoted), or null for undefined.
    invoke: (fn, subject, payload) => {
      const result = fn.call(globalThis, subject, toU8(payload));
      if (result === undefined) {
        return null;
      }
      const json = JSON.stringify(result);
      return json === undefined ? null : json;
    },
  });
})
