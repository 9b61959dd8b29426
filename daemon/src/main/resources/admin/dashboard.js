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

// Operator controls: shown once a token is entered and the daemon accepts it. The token is kept in
// sessionStorage (this tab only) and sent as a Bearer header, never as a cookie, so no other page can
// make the browser use it.
const control = {
  token: sessionStorage.getItem("claude-bridge-token") || "",
  operator: sessionStorage.getItem("claude-bridge-operator") || "",
  unlocked: false,
  confirmId: "", // the request whose End was clicked once
  confirmUntil: 0,
};
let lastStatus = null;

function say(text, bad) {
  const m = $("control-msg");
  m.textContent = text;
  m.className = "msg" + (bad ? " bad" : "");
}

async function act(path) {
  let r;
  try {
    r = await fetch(path, {
      method: "POST",
      headers: { "Authorization": "Bearer " + control.token, "Content-Type": "application/json" },
      body: JSON.stringify({ operator: control.operator || "dashboard" }),
      cache: "no-store",
    });
  } catch (e) {
    return { ok: false, status: 0, message: "the daemon did not answer" };
  }
  let body = {};
  try { body = await r.json(); } catch (e) { /* not JSON: use the status */ }
  return { ok: r.ok, status: r.status, message: body.message || ("HTTP " + r.status) };
}

function showControls() {
  $("control-login").hidden = control.unlocked;
  $("control-actions").hidden = !control.unlocked;
  $("control-who").textContent = control.unlocked ? "acting as " + (control.operator || "dashboard") : "";
  if (lastStatus) render(lastStatus);
}

async function unlock() {
  control.token = $("token").value.trim();
  control.operator = $("operator").value.trim();
  const r = await act("api/operator");
  control.unlocked = r.ok;
  if (r.ok) {
    sessionStorage.setItem("claude-bridge-token", control.token);
    sessionStorage.setItem("claude-bridge-operator", control.operator);
    $("token").value = "";
    say("controls unlocked", false);
  } else {
    sessionStorage.removeItem("claude-bridge-token");
    say(r.message, true);
  }
  showControls();
}

function lock() {
  control.token = "";
  control.unlocked = false;
  sessionStorage.removeItem("claude-bridge-token");
  say("", false);
  showControls();
}

async function endRequest(id) {
  if (control.confirmId !== id || Date.now() > control.confirmUntil) {
    control.confirmId = id; // a second click within five seconds ends it
    control.confirmUntil = Date.now() + 5000;
    if (lastStatus) render(lastStatus);
    return;
  }
  control.confirmId = "";
  const r = await act("api/requests/" + encodeURIComponent(id) + "/end");
  say(r.message, !r.ok);
  if (r.status === 401) lock();
}

async function drain(on) {
  const r = await act(on ? "api/drain" : "api/resume");
  say(r.message, !r.ok);
  if (r.status === 401) lock();
}

function endButton(r) {
  const td = document.createElement("td");
  td.className = "ctl";
  if (r.state === "running") {
    const b = document.createElement("button");
    b.type = "button";
    const confirming = control.confirmId === r.id && Date.now() <= control.confirmUntil;
    b.className = "end" + (confirming ? " confirm" : "");
    b.textContent = confirming ? "Confirm end" : "End";
    b.dataset.id = r.id;
    b.addEventListener("click", () => endRequest(r.id));
    td.append(b);
  }
  return td;
}

function render(s) {
  lastStatus = s;
  const ready = $("ready");
  const state = s.state || "serving";
  ready.textContent = state !== "serving" ? state : s.ready ? "ready" : "not ready";
  ready.className = "pill " + (state !== "serving" ? "wait" : s.ready ? "ok" : "bad");
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

  Charts.load($("chart-load"), s, running);
  Charts.durations($("chart-durations"), s.recent);
  const clients = s.usage && Array.isArray(s.usage.clients) ? s.usage.clients : null;
  $("fig-usage").hidden = !clients || clients.length === 0;
  if (clients && clients.length > 0) Charts.usage($("chart-usage"), clients);
  $("fig-ratelimit").hidden = !s.rateLimit;
  if (s.rateLimit) Charts.rateLimit($("chart-ratelimit"), s.rateLimit, s.now);

  $("drain").hidden = !control.unlocked || state !== "serving";
  $("resume").hidden = !control.unlocked || state !== "draining";
  document.querySelectorAll("th.ctl").forEach((th) => { th.hidden = !control.unlocked; });

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
    if (control.unlocked) tr.append(endButton(r));
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

$("control-open").addEventListener("click", () => { $("control").hidden = !$("control").hidden; });
$("unlock").addEventListener("click", unlock);
$("token").addEventListener("keydown", (e) => { if (e.key === "Enter") unlock(); });
$("lock").addEventListener("click", lock);
$("drain").addEventListener("click", () => drain(true));
$("resume").addEventListener("click", () => drain(false));
if (control.token) {
  // a reload of this tab: check the kept token again before showing the controls
  act("api/operator").then((r) => {
    control.unlocked = r.ok;
    if (r.ok) $("control").hidden = false;
    showControls();
  });
}

connect();
