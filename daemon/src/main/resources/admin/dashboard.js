// The claude-bridge dashboard: renders the status report that /api/events pushes (server-sent events).
// Plain DOM, no framework, no build step; every value goes in with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function badge(text, cls) {
  const td = document.createElement("td");
  const span = document.createElement("span");
  span.className = cls;
  span.textContent = text;
  td.append(span);
  return td;
}

function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + "s";
  if (s < 3600) return Math.floor(s / 60) + "m " + (s % 60) + "s";
  if (s < 86400) return Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
  return Math.floor(s / 86400) + "d " + Math.floor((s % 86400) / 3600) + "h";
}

function bytes(n) {
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
  if (n < 1024 * 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + " MiB";
  return (n / 1024 / 1024 / 1024).toFixed(2) + " GiB";
}

function clock(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
}

// the client's name when it sent one, else the peer's credentials (the socket path is in the header)
function caller(r) {
  return r.client || r.peer.replace(/^\S+\s*/, "") || "–";
}

function fill(tableId, emptyId, items, row) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren(...items.map(row));
  if (emptyId) $(emptyId).hidden = items.length > 0;
}

function tile(id, n, cls) {
  const el = $(id);
  el.textContent = String(n);
  if (cls) el.parentElement.classList.toggle(cls, n > 0);
}

function render(s) {
  const ready = $("ready");
  ready.textContent = s.ready ? "ready" : "not ready";
  ready.className = "pill " + (s.ready ? "ok" : "bad");
  $("version").textContent = s.version;
  $("uptime").textContent = duration(s.uptimeSeconds * 1000);
  $("claude").textContent = s.claude.answering ? s.claude.version + " (" + s.claude.path + ")"
    : s.claude.found ? "not answering (" + s.claude.path + ")" : "not found";
  $("listeners").textContent = s.listeners.length === 0 ? "none"
    : s.listeners.map((l) => l.address + (l.profile ? " → " + l.profile : "")).join(", ");
  document.title = (s.running.length > 0 ? "(" + s.running.length + ") " : "") + "claude-bridge" + (s.ready ? "" : " – not ready");

  const running = s.running.filter((r) => r.state !== "queued").length;
  tile("n-running", running, "busy");
  tile("n-queued", s.queued, "wait");
  tile("n-finished", s.totals.finished, null);
  tile("n-failed", s.totals.failed, "bad");

  const failing = s.checks.filter((c) => !c.ok);
  $("checks").hidden = failing.length === 0;
  $("check-list").replaceChildren(...failing.map((c) => {
    const li = document.createElement("li");
    li.textContent = c.name + ": " + c.detail;
    return li;
  }));

  fill("running", "running-empty", s.running, (r) => {
    const tr = document.createElement("tr");
    tr.dataset.id = r.id;
    tr.append(cell(r.id, "id"), cell(r.profile), cell(caller(r), "who"), badge(r.state, "state " + r.state), cell(duration(r.millis)),
      cell(r.argv, "cmd"), cell(r.cwd, "cmd"), cell(bytes(r.bytesOut) + " / " + bytes(r.bytesErr)));
    return tr;
  });

  fill("profiles", null, s.profiles, (p) => {
    const tr = document.createElement("tr");
    tr.dataset.profile = p.name;
    tr.append(cell(p.name), cell(String(p.running)), cell(String(p.queued)), cell(String(p.finished)), cell(String(p.failed)));
    if (p.failed > 0) tr.lastChild.className = "bad";
    return tr;
  });

  fill("failures", "failures-empty", s.failures, (r) => {
    const tr = document.createElement("tr");
    tr.dataset.id = r.id;
    tr.append(cell(clock(r.ended)), cell(r.id, "id"), cell(r.profile), cell(r.argv, "cmd"), badge(r.exit, "result bad"),
      cell(r.detail));
    return tr;
  });

  fill("recent", "recent-empty", s.recent, (r) => {
    const tr = document.createElement("tr");
    tr.dataset.id = r.id;
    if (!r.ok) tr.className = "failed";
    tr.append(cell(clock(r.ended)), cell(r.id, "id"), cell(r.profile), cell(r.argv, "cmd"),
      badge(r.exit, "result " + (r.ok ? "ok" : "bad")), cell(duration(r.millis)), cell(bytes(r.bytesOut) + " / " + bytes(r.bytesErr)));
    return tr;
  });
}

function connect() {
  const live = $("live");
  const events = new EventSource("api/events");
  events.addEventListener("status", (e) => {
    live.textContent = "live";
    live.className = "live on";
    render(JSON.parse(e.data));
  });
  events.addEventListener("error", () => {
    // EventSource reconnects by itself (the server asks for 2 s); say so meanwhile
    live.textContent = "reconnecting…";
    live.className = "live off";
  });
}

connect();
