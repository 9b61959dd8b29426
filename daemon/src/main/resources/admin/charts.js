// Small hand-drawn SVG charts for the dashboard: no library, every label goes in as text.
// Each chart is an <svg> the page already has; drawing replaces its children and sets data-points
// (how many values it shows) so a test or a curious operator can see what it holds.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const W = 600;
  const H = 160;
  const PAD = { left: 40, right: 10, top: 10, bottom: 22 };
  const WINDOW_MS = 10 * 60 * 1000; // running/queued over the last ten minutes
  const samples = []; // { t, running, queued }
  const limitSamples = []; // { t, utilization }

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function reset(svg, points) {
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.dataset.points = String(points);
    svg.replaceChildren();
  }

  // a round top for an axis: 1, 2, 5 times a power of ten
  function niceMax(v) {
    if (v <= 1) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  function yAxis(svg, max, format) {
    const plotH = H - PAD.top - PAD.bottom;
    for (const f of [0, 0.5, 1]) {
      const y = PAD.top + plotH * (1 - f);
      svg.append(el("line", { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y, class: "grid" }));
      svg.append(el("text", { x: PAD.left - 4, y: y + 4, class: "axis", "text-anchor": "end" }, format(max * f)));
    }
  }

  function seconds(ms) {
    if (ms < 1000) return Math.round(ms) + "ms";
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + "s";
    if (ms < 3600000) return Math.round(ms / 60000) + "m";
    return (ms / 3600000).toFixed(1) + "h";
  }

  function tokens(n) {
    if (n < 1000) return String(Math.round(n));
    if (n < 1e6) return (n / 1000).toFixed(n < 10000 ? 1 : 0) + "k";
    return (n / 1e6).toFixed(1) + "M";
  }

  // how much time the x axis spans: what there is, at least a minute, at most ten
  function span(points, now) {
    return Math.min(WINDOW_MS, Math.max(60 * 1000, now - points[0].t));
  }

  // a step line (and its area) through points of one field, over the last `ms` milliseconds
  function stepPath(points, field, now, max, ms) {
    const plotW = W - PAD.left - PAD.right;
    const plotH = H - PAD.top - PAD.bottom;
    const x = (t) => Math.max(PAD.left, PAD.left + plotW * (1 - (now - t) / ms));
    const y = (v) => PAD.top + plotH * (1 - v / max);
    let d = "";
    points.forEach((p, i) => {
      d += i === 0 ? "M" + x(p.t).toFixed(1) + "," + y(p[field]).toFixed(1)
        : "H" + x(p.t).toFixed(1) + "V" + y(p[field]).toFixed(1);
    });
    d += "H" + (W - PAD.right);
    const area = d + "V" + (PAD.top + plotH) + "H" + x(points[0].t).toFixed(1) + "Z";
    return { line: d, area };
  }

  function timeAxis(svg, ms) {
    const m = Math.round(ms / 60000);
    svg.append(el("text", { x: PAD.left, y: H - 6, class: "axis" }, "−" + m + " min"));
    svg.append(el("text", { x: W - PAD.right, y: H - 6, class: "axis", "text-anchor": "end" }, "now"));
  }

  // running and queued requests over time: the daemon's own history when it sends one (so the chart
  // shows what happened before the page opened), else what this page has seen
  function load(svg, status, runningNow) {
    const now = Date.parse(status.now) || Date.now();
    let points;
    if (Array.isArray(status.load) && status.load.length > 0) {
      points = status.load.map((p) => ({ t: p.t, running: p.running, queued: p.queued }));
    } else {
      samples.push({ t: now, running: runningNow, queued: status.queued });
      while (samples.length > 2 && samples[1].t < now - WINDOW_MS) samples.shift();
      points = samples;
    }
    reset(svg, points.length);
    svg.dataset.last = runningNow + "," + status.queued;
    const max = niceMax(Math.max(1, ...points.map((s) => Math.max(s.running, s.queued))));
    yAxis(svg, max, (v) => (Number.isInteger(v) ? String(v) : ""));
    const ms = span(points, now);
    for (const [field, cls] of [["queued", "s-queued"], ["running", "s-running"]]) {
      const p = stepPath(points, field, now, max, ms);
      svg.append(el("path", { d: p.area, class: "area " + cls }));
      svg.append(el("path", { d: p.line, class: "line " + cls }));
    }
    timeAxis(svg, ms);
  }

  // how long each recently finished request took, oldest left; failed ones in the failure colour
  function durations(svg, recent) {
    const items = recent.slice().reverse();
    reset(svg, items.length);
    if (items.length === 0) {
      svg.append(el("text", { x: W / 2, y: H / 2, class: "axis", "text-anchor": "middle" }, "nothing finished yet"));
      return;
    }
    const max = niceMax(Math.max(...items.map((r) => r.millis)));
    yAxis(svg, max, seconds);
    const plotW = W - PAD.left - PAD.right;
    const plotH = H - PAD.top - PAD.bottom;
    const slot = plotW / Math.max(items.length, 10);
    items.forEach((r, i) => {
      const h = Math.max(1, (plotH * r.millis) / max);
      const bar = el("rect", {
        x: (PAD.left + i * slot + slot * 0.15).toFixed(1), y: (PAD.top + plotH - h).toFixed(1),
        width: (slot * 0.7).toFixed(1), height: h.toFixed(1), class: "bar " + (r.ok ? "ok" : "bad"),
      });
      bar.dataset.id = r.id;
      bar.append(el("title", {}, r.id + " " + (r.client || r.profile) + ": " + seconds(r.millis) + ", " + r.exit));
      svg.append(bar);
    });
  }

  // tokens per client (input, output, cache read, cache creation), the largest first; only when the
  // daemon reports usage
  function usage(svg, clients) {
    const kinds = [["inputTokens", "k-in"], ["outputTokens", "k-out"], ["cacheReadTokens", "k-cread"],
      ["cacheCreationTokens", "k-cmake"]];
    const total = (c) => kinds.reduce((n, [k]) => n + (c[k] || 0), 0);
    const rows = clients.slice().sort((a, b) => total(b) - total(a)).slice(0, 8);
    const rowH = 18;
    const height = Math.max(40, rows.length * rowH + 24);
    svg.setAttribute("viewBox", "0 0 " + W + " " + height);
    svg.dataset.points = String(rows.length);
    svg.replaceChildren();
    const labelW = 170;
    const max = niceMax(Math.max(1, ...rows.map(total)));
    rows.forEach((c, i) => {
      const y = 6 + i * rowH;
      const name = (c.client || "–") + (c.profile ? " · " + c.profile : "");
      svg.append(el("text", { x: labelW - 6, y: y + 12, class: "axis", "text-anchor": "end" }, name.slice(0, 28)));
      let x = labelW;
      for (const [k, cls] of kinds) {
        const w = ((W - labelW - 120) * (c[k] || 0)) / max;
        if (w > 0) {
          const r = el("rect", { x: x.toFixed(1), y, width: w.toFixed(1), height: rowH - 5, class: "bar " + cls });
          r.append(el("title", {}, name + ": " + tokens(c[k]) + " " + k.replace("Tokens", " tokens")));
          svg.append(r);
          x += w;
        }
      }
      const cost = typeof c.costUsd === "number" ? " · $" + c.costUsd.toFixed(2) : "";
      svg.append(el("text", { x: x + 6, y: y + 12, class: "axis" }, tokens(total(c)) + cost));
    });
  }

  // the login's rate-limit utilisation over time (0–100 %), with its status; only when reported
  function rateLimit(svg, limit, nowIso) {
    const now = Date.parse(nowIso) || Date.now();
    const u = typeof limit.utilization === "number" ? limit.utilization : 0;
    const pct = u <= 1 ? u * 100 : u; // a fraction or a percentage
    limitSamples.push({ t: now, utilization: pct });
    while (limitSamples.length > 2 && limitSamples[1].t < now - WINDOW_MS) limitSamples.shift();
    reset(svg, limitSamples.length);
    svg.dataset.last = String(Math.round(pct));
    yAxis(svg, 100, (v) => Math.round(v) + "%");
    const ms = span(limitSamples, now);
    const p = stepPath(limitSamples, "utilization", now, 100, ms);
    const cls = limit.status && limit.status !== "allowed" ? "s-limited" : "s-limit";
    svg.append(el("path", { d: p.area, class: "area " + cls }));
    svg.append(el("path", { d: p.line, class: "line " + cls }));
    // the latest value as a dot, so a first sample shows before there is a line
    const plotH = H - PAD.top - PAD.bottom;
    svg.append(el("circle", { cx: W - PAD.right, cy: (PAD.top + plotH * (1 - pct / 100)).toFixed(1), r: 4, class: "dot " + cls }));
    const reset_ = limit.resetsAt ? ", resets " + new Date(limit.resetsAt).toLocaleTimeString([], { hourCycle: "h23" }) : "";
    svg.append(el("text", { x: W - PAD.right, y: PAD.top + 12, class: "axis", "text-anchor": "end" },
      (limit.status || "unknown") + " · " + Math.round(pct) + "%" + reset_));
    timeAxis(svg, ms);
  }

  return { load, durations, usage, rateLimit };
})();
