
"use strict";
// Natrix dashboard: polls the monitoring endpoints of the listener that served this page and draws what they say.
// Everything reaches the page as text (textContent, never as markup): connection names are chosen by clients.
(() => {
  const params = new URLSearchParams(location.search);
  const refreshSeconds = Number(params.get("refresh"));
  const REFRESH_MS = Number.isFinite(refreshSeconds) && refreshSeconds > 0
    ? Math.min(Math.max(refreshSeconds * 1000, 250), 60000) : 2000;
  const WINDOW_MS = 5 * 60 * 1000; // what the charts keep; they span less until they have had that long
  const MIN_SPAN_MS = Math.max(30000, 15 * REFRESH_MS);
  const TIMEOUT_MS = Math.max(5000, REFRESH_MS);
  const CONN_LIMIT = 100;
  const SVG = "http://www.w3.org/2000/svg";
  const W = 300, H = 100;

  const $ = (id) => document.getElementById(id);
  const samples = []; // {t, inMsgs, outMsgs, inBytes, outBytes, conns}: rates per second at client time t
  let previous = null; // {serverId, at, in_msgs, out_msgs, in_bytes, out_bytes}
  let lastOk = 0;
  let updates = 0;

  // ------------------------------------------------------------------ formatting

  const intFmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const int = (n) => (n === undefined || n === null || !Number.isFinite(Number(n)) ? "–" : intFmt.format(n));
  function rate(n) {
    if (n === null || n === undefined) return "–";
    if (n === 0) return "0";
    if (n < 10) return n.toFixed(1);
    return compact(n);
  }
  function compact(n) {
    const units = [[1e9, "G"], [1e6, "M"], [1e3, "k"]];
    for (const [size, unit] of units) {
      if (n >= size) {
        const v = n / size;
        return (v >= 100 ? v.toFixed(0) : v.toFixed(1)) + unit;
      }
    }
    return intFmt.format(n);
  }
  function bytes(n) {
    if (n === null || n === undefined || !Number.isFinite(Number(n))) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let v = Number(n);
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (i === 0 ? v.toFixed(0) : v.toFixed(v >= 100 ? 0 : 1)) + " " + units[i];
  }
  const byteRate = (n) => (n === null || n === undefined ? "–" : bytes(n) + "/s");
  // Go durations as /connz writes them ("1.054776ms", "634µs", "1m2.5s") in three figures at most.
  function goDuration(s) {
    if (typeof s !== "string" || s === "") return "";
    const unit = { h: 3600e3, m: 60e3, s: 1e3, ms: 1, "µs": 1e-3, "us": 1e-3, "μs": 1e-3, ns: 1e-6 };
    let ms = 0;
    let rest = s;
    const part = /^(\d+(?:\.\d+)?)(h|ms|m|s|µs|μs|us|ns)/;
    while (rest.length) {
      const m = part.exec(rest);
      if (!m) return s;
      ms += Number(m[1]) * unit[m[2]];
      rest = rest.slice(m[0].length);
    }
    const fig = (n) => (n >= 1000 ? String(Math.round(n)) : String(Number(n.toPrecision(3))));
    if (ms === 0) return "0";
    if (ms >= 1000) return fig(ms / 1000) + " s";
    if (ms >= 1) return fig(ms) + " ms";
    if (ms >= 1e-3) return fig(ms * 1000) + " µs";
    return fig(ms * 1e6) + " ns";
  }
  function span(ms) {
    return ms >= 60000 ? `−${Math.round(ms / 60000)} min` : `−${Math.round(ms / 1000)} s`;
  }
  const clock = (ms) => new Date(ms).toLocaleTimeString("en-GB", { hour12: false });
  function dateTime(s) {
    const ms = Date.parse(s);
    return Number.isFinite(ms) ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "–";
  }

  // ------------------------------------------------------------------ DOM helpers

  function text(id, value, raw) {
    const node = $(id);
    node.textContent = value;
    if (raw !== undefined) node.dataset.value = raw === null ? "" : String(raw);
  }
  function cell(value, cls) {
    const td = document.createElement("td");
    td.textContent = value === undefined || value === null || value === "" ? "–" : String(value);
    if (cls) td.className = cls;
    return td;
  }
  function fillTable(tableId, emptyId, rows, toCells, key) {
    const body = $(tableId).tBodies[0];
    const trs = rows.map((row) => {
      const tr = document.createElement("tr");
      if (key) tr.dataset.key = String(key(row));
      tr.append(...toCells(row));
      return tr;
    });
    body.replaceChildren(...trs);
    $(tableId).hidden = rows.length === 0;
    $(emptyId).hidden = rows.length !== 0;
  }
  function showError(id, error) {
    const node = $(id);
    node.hidden = !error;
    node.textContent = error ? String(error.message || error) : "";
  }

  // ------------------------------------------------------------------ fetching

  async function getJson(path) {
    const name = "/" + path.split("?")[0];
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    let response;
    let body;
    try {
      response = await fetch(path, { signal: controller.signal, cache: "no-store" });
      body = await response.text();
    } catch (e) {
      throw new Error(e.name === "AbortError" ? `${name}: no answer within ${TIMEOUT_MS / 1000} s`
        : `${name}: server unreachable`);
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) {
      const detail = body.trim().slice(0, 200);
      throw new Error(`${name}: HTTP ${response.status}${detail ? " – " + detail : ""}`);
    }
    try {
      return JSON.parse(body);
    } catch (e) {
      throw new Error(`${name}: the answer is not JSON`);
    }
  }

  // ------------------------------------------------------------------ charts

  const charts = [
    { id: "chart-msgs", title: "Messages / s", series: [["inMsgs", "in", "s-in"], ["outMsgs", "out", "s-out"]],
      fmt: rate, scale: (v) => niceCeil(v, 1, [1, 2, 2.5, 5, 10]) },
    { id: "chart-bytes", title: "Bytes / s", series: [["inBytes", "in", "s-in"], ["outBytes", "out", "s-out"]],
      fmt: byteRate, scale: niceBytes },
    { id: "chart-conns", title: "Connections", series: [["conns", "open", "s-conns"]], fmt: int, area: true,
      scale: (v) => niceCeil(v, 2, [1, 2, 4, 10]) },
  ];

  function svgNode(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  function buildCharts() {
    const host = $("charts");
    for (const chart of charts) {
      const figure = document.createElement("figure");
      figure.className = "chart";
      figure.id = chart.id;
      const caption = document.createElement("figcaption");
      const title = document.createElement("span");
      title.className = "title";
      title.textContent = chart.title;
      const legend = document.createElement("span");
      legend.className = "legend";
      chart.values = {};
      for (const [key, label, cls] of chart.series) {
        const item = document.createElement("span");
        const swatch = document.createElement("i");
        swatch.className = cls;
        const value = document.createElement("b");
        value.dataset.series = key;
        value.textContent = "–";
        item.append(swatch, label + " ", value);
        legend.append(item);
        chart.values[key] = value;
      }
      caption.append(title, legend);
      const plot = document.createElement("div");
      plot.className = "plot";
      const svg = svgNode("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img",
        "aria-label": chart.title + " over the last five minutes" });
      const grid = svgNode("g", { class: "grid" });
      for (const y of [0, 0.25, 0.5, 0.75, 1]) {
        grid.append(svgNode("line", { x1: 0, x2: W, y1: y * H, y2: y * H }));
      }
      svg.append(grid);
      chart.paths = {};
      for (const [key, , cls] of chart.series) {
        const area = svgNode("path", { class: "area " + cls, d: "" });
        const line = svgNode("path", { class: "line " + cls, d: "", "data-series": key });
        svg.append(area, line);
        chart.paths[key] = { area, line };
      }
      chart.top = document.createElement("span");
      chart.top.className = "label top";
      chart.mid = document.createElement("span");
      chart.mid.className = "label mid";
      plot.append(svg, chart.top, chart.mid);
      const axis = document.createElement("div");
      axis.className = "xaxis";
      const from = document.createElement("span");
      from.textContent = span(MIN_SPAN_MS);
      chart.from = from;
      const to = document.createElement("span");
      to.textContent = "now";
      axis.append(from, to);
      figure.append(caption, plot, axis);
      host.append(figure);
      chart.svg = svg;
    }
  }

  // The smallest "round" number (a step times a power of ten) at least v, and at least min.
  function niceCeil(v, min, steps) {
    if (!(v > min)) return min;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of steps) if (m * p >= v) return m * p;
    return 10 * p;
  }
  // The same in the binary unit the value is shown in (500 KiB/s rather than 488 KiB/s); at least 1 KiB/s.
  function niceBytes(v) {
    let unit = 1;
    while (v / unit >= 1024) unit *= 1024;
    return Math.max(1024, niceCeil(v / unit, 1, [1, 2, 2.5, 5, 10]) * unit);
  }

  function drawCharts(now) {
    // The charts span the last five minutes, or less while the page has not been open that long.
    const first = samples.find((s) => s.t >= now - WINDOW_MS);
    const width = Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, first ? now - first.t : 0));
    const from = now - width;
    const visible = samples.filter((s) => s.t >= from);
    const gap = Math.max(3 * REFRESH_MS, 5000);
    for (const chart of charts) {
      let max = 0;
      for (const s of visible) for (const [key] of chart.series) if (s[key] !== null) max = Math.max(max, s[key]);
      const top = chart.scale(max);
      chart.svg.dataset.max = String(top);
      chart.from.textContent = span(width);
      chart.top.textContent = chart.fmt(top);
      chart.mid.textContent = chart.fmt(top / 2);
      for (const [key, , ] of chart.series) {
        let line = "";
        let area = "";
        let run = [];
        const flush = () => {
          if (run.length === 0) return;
          const pts = run.map(([x, y]) => `${x.toFixed(2)},${y.toFixed(2)}`);
          line += "M" + pts.join("L");
          area += `M${run[0][0].toFixed(2)},${H}L` + pts.join("L") + `L${run[run.length - 1][0].toFixed(2)},${H}Z`;
          run = [];
        };
        let lastT = null;
        for (const s of visible) {
          const v = s[key];
          if (v === null || (lastT !== null && s.t - lastT > gap)) flush();
          if (v !== null) run.push([(s.t - from) / width * W, H - (v / top) * (H - 2) - 1]);
          lastT = s.t;
        }
        flush();
        chart.paths[key].line.setAttribute("d", line);
        chart.paths[key].area.setAttribute("d", chart.area || chart.series[0][0] === key ? area : "");
        chart.paths[key].line.dataset.points = String(visible.filter((s) => s[key] !== null).length);
      }
    }
  }

  // ------------------------------------------------------------------ panels

  function renderVarz(v, receivedAt) {
    document.title = `Natrix · ${v.server_name || v.server_id || ""}`;
    text("server-name", v.server_name && v.server_name !== v.server_id ? v.server_name : "");
    text("server-id", v.server_id || "–");
    text("version", v.natrix_version ? `${v.natrix_version} (nats-server ${v.version})` : String(v.version || "–"));
    text("uptime", v.uptime || "–");
    text("stat-connections", int(v.connections), v.connections);
    text("stat-total-connections", int(v.total_connections));
    text("stat-subscriptions", int(v.subscriptions), v.subscriptions);
    text("stat-slow-consumers", int(v.slow_consumers));
    text("stat-in-msgs", int(v.in_msgs), v.in_msgs);
    text("stat-out-msgs", int(v.out_msgs), v.out_msgs);
    text("stat-in-bytes", bytes(v.in_bytes));
    text("stat-out-bytes", bytes(v.out_bytes));
    text("stat-mem", bytes(v.mem));
    text("stat-cpu", v.cpu === undefined ? "–" : `${v.cpu}%`);

    // Rates from the server's own clock when it is readable (no network jitter), else from this page's.
    const serverAt = Date.parse(v.now);
    const at = Number.isFinite(serverAt) ? serverAt : receivedAt;
    const current = { serverId: v.server_id, at, in_msgs: v.in_msgs, out_msgs: v.out_msgs, in_bytes: v.in_bytes,
      out_bytes: v.out_bytes };
    let r = null;
    if (previous && previous.serverId === current.serverId && at > previous.at) {
      const dt = (at - previous.at) / 1000;
      const d = (k) => current[k] - previous[k];
      if (d("in_msgs") >= 0 && d("out_msgs") >= 0 && d("in_bytes") >= 0 && d("out_bytes") >= 0) {
        r = { inMsgs: d("in_msgs") / dt, outMsgs: d("out_msgs") / dt, inBytes: d("in_bytes") / dt,
          outBytes: d("out_bytes") / dt };
      }
    }
    if (!previous || at > previous.at || previous.serverId !== current.serverId) previous = current;
    samples.push({ t: receivedAt, conns: v.connections, inMsgs: r && r.inMsgs, outMsgs: r && r.outMsgs,
      inBytes: r && r.inBytes, outBytes: r && r.outBytes });
    while (samples.length && samples[0].t < receivedAt - WINDOW_MS - 60000) samples.shift();

    const round = (n) => (r ? Math.round(n * 100) / 100 : null);
    text("stat-in-msgs-rate", r ? rate(r.inMsgs) : "–", r && round(r.inMsgs));
    text("stat-out-msgs-rate", r ? rate(r.outMsgs) : "–", r && round(r.outMsgs));
    text("stat-in-bytes-rate", r ? byteRate(r.inBytes) : "–", r && round(r.inBytes));
    text("stat-out-bytes-rate", r ? byteRate(r.outBytes) : "–", r && round(r.outBytes));
    for (const chart of charts) {
      for (const [key] of chart.series) {
        const value = key === "conns" ? v.connections : r && r[key];
        chart.values[key].textContent = value === null || value === undefined ? "–" : chart.fmt(value);
      }
    }
  }

  function renderConnz(c) {
    const list = Array.isArray(c.connections) ? c.connections : [];
    const total = Number.isFinite(c.total) ? c.total : list.length;
    text("connections-count", list.length < total ? `${list.length} of ${int(total)}` : int(list.length));
    fillTable("connections-table", "connections-empty", list, (x) => [
      cell(int(x.cid), "num"),
      cell(x.name, "name"),
      cell([x.lang, x.version].filter(Boolean).join(" ")),
      cell(x.ip === undefined ? "" : `${x.ip}:${x.port}`, "mono"),
      cell(int(x.subscriptions), "num"),
      cell(int(x.in_msgs), "num"),
      cell(int(x.out_msgs), "num"),
      cell(bytes(x.in_bytes), "num"),
      cell(bytes(x.out_bytes), "num"),
      cell(bytes(x.pending_bytes), "num"),
      cell(goDuration(x.rtt), "num"),
      cell(x.uptime, "num"),
      cell(x.idle, "num"),
    ], (x) => x.cid);
  }

  function renderAccstatz(a) {
    const list = (Array.isArray(a.account_statz) ? a.account_statz : [])
      .slice().sort((x, y) => String(x.acc).localeCompare(String(y.acc)));
    text("accounts-count", int(list.length));
    const sent = (x) => x.sent || {};
    const received = (x) => x.received || {};
    fillTable("accounts-table", "accounts-empty", list, (x) => [
      cell(x.acc, "name"),
      cell(int(x.conns), "num"),
      cell(int(x.total_conns), "num"),
      cell(int(x.num_subscriptions), "num"),
      cell(int(received(x).msgs), "num"),
      cell(bytes(received(x).bytes), "num"),
      cell(int(sent(x).msgs), "num"),
      cell(bytes(sent(x).bytes), "num"),
      cell(int(x.slow_consumers), "num"),
    ], (x) => x.acc);
  }

  function renderJsz(j) {
    const status = $("jetstream-status");
    const enabled = j && j.disabled !== true && j.config !== undefined;
    $("jetstream-panel").dataset.enabled = String(enabled);
    $("jetstream-details").hidden = !enabled;
    if (!enabled) {
      status.textContent = "JetStream disabled";
      status.className = "disabled";
      return;
    }
    const config = j.config || {};
    status.className = "muted";
    status.textContent = `JetStream enabled${config.store_dir ? " · store " + config.store_dir : ""}` +
      (j.meta_cluster && j.meta_cluster.leader ? ` · meta leader ${j.meta_cluster.leader}` : "");
    const api = j.api || {};
    text("js-streams", int(j.streams));
    text("js-consumers", int(j.consumers));
    text("js-messages", int(j.messages));
    text("js-bytes", bytes(j.bytes));
    text("js-memory", bytes(j.memory));
    text("js-storage", bytes(j.storage));
    text("js-max-memory", config.max_memory > 0 ? bytes(config.max_memory) : "unlimited");
    text("js-max-storage", config.max_storage > 0 ? bytes(config.max_storage) : "unlimited");
    text("js-api-total", int(api.total));
    text("js-api-errors", int(api.errors));
    const streams = [];
    const consumers = [];
    for (const account of Array.isArray(j.account_details) ? j.account_details : []) {
      for (const stream of Array.isArray(account.stream_detail) ? account.stream_detail : []) {
        streams.push({ account: account.name, stream });
        for (const consumer of Array.isArray(stream.consumer_detail) ? stream.consumer_detail : []) {
          consumers.push({ account: account.name, stream: stream.name, consumer });
        }
      }
    }
    fillTable("streams-table", "streams-empty", streams, ({ account, stream }) => {
      const state = stream.state || {};
      return [cell(account, "name"), cell(stream.name, "name"), cell(int(state.messages), "num"),
        cell(bytes(state.bytes), "num"), cell(int(state.first_seq), "num"), cell(int(state.last_seq), "num"),
        cell(int(state.consumer_count), "num"), cell(dateTime(stream.created))];
    }, ({ account, stream }) => `${account}/${stream.name}`);
    fillTable("consumers-table", "consumers-empty", consumers, ({ account, stream, consumer }) => {
      const delivered = consumer.delivered || {};
      const ackFloor = consumer.ack_floor || {};
      return [cell(account, "name"), cell(stream, "name"), cell(consumer.name, "name"),
        cell(int(consumer.num_pending), "num"), cell(int(consumer.num_ack_pending), "num"),
        cell(int(consumer.num_redelivered), "num"), cell(int(consumer.num_waiting), "num"),
        cell(int(delivered.stream_seq), "num"), cell(int(ackFloor.stream_seq), "num")];
    }, ({ account, stream, consumer }) => `${account}/${stream}/${consumer.name}`);
  }

  // ------------------------------------------------------------------ the loop

  const panels = [
    { path: "varz", render: renderVarz, error: "varz-error", stale: "main" },
    { path: `connz?limit=${CONN_LIMIT}`, render: renderConnz, error: "connections-error", stale: "connections-panel" },
    { path: "accstatz?unused=1", render: renderAccstatz, error: "accounts-error", stale: "accounts-panel" },
    { path: "jsz?accounts=1&streams=1&consumers=1", render: renderJsz, error: "jetstream-error",
      stale: "jetstream-panel" },
  ];

  function setStatus(state, message) {
    const node = $("status");
    node.dataset.state = state;
    node.textContent = message;
  }

  async function tick() {
    const results = await Promise.allSettled(panels.map((p) => getJson(p.path)));
    const receivedAt = Date.now();
    const failures = [];
    results.forEach((result, i) => {
      const panel = panels[i];
      let error = result.status === "rejected" ? result.reason : null;
      if (!error) {
        try {
          panel.render(result.value, receivedAt);
        } catch (e) {
          error = new Error(`/${panel.path.split("?")[0]}: unexpected answer (${e.message})`);
        }
      }
      showError(panel.error, error);
      if (panel.stale !== "main") $(panel.stale).classList.toggle("stale", Boolean(error));
      if (error) failures.push(error);
    });
    const varzFailed = results[0].status === "rejected" || !$("varz-error").hidden;
    document.querySelector(".cards").classList.toggle("stale", varzFailed);
    if (varzFailed) {
      previous = null; // rates start again from the next good sample
      samples.push({ t: receivedAt, conns: null, inMsgs: null, outMsgs: null, inBytes: null, outBytes: null });
      setStatus("error", lastOk ? `no data since ${clock(lastOk)}` : "no data");
    } else {
      lastOk = receivedAt;
      updates++;
      document.body.dataset.updates = String(updates);
      setStatus(failures.length ? "stale" : "live",
        `${failures.length ? "partly updated" : "live"} · ${clock(receivedAt)}`);
    }
    drawCharts(receivedAt);
    setTimeout(tick, REFRESH_MS);
  }

  text("refresh", String(REFRESH_MS / 1000));
  buildCharts();
  drawCharts(Date.now());
  tick();
})();
