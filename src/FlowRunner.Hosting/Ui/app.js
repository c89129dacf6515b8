// FlowRunner's page: flows with their diagnostics, each drawn, its instances, and an instance's path on its
// diagram, refreshed while it moves. Plain DOM, no framework; every control is a button, link or input.
"use strict";

const state = { token: sessionStorage.getItem("flowrunner.token"), flow: null, instance: null, timer: null, listTimer: null,
  view: null, full: null, viewKey: null, highlight: null, drag: null };
const $ = (id) => document.getElementById(id);

function say(text) { $("status").textContent = text; }

function flowPath(id) { return "/flows/" + id.split("/").map(encodeURIComponent).join("/"); }

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.token) headers["Authorization"] = "Bearer " + state.token;
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401 || response.status === 403) {
    say(response.status === 401 ? "Your sign-in has expired or is missing: sign in again." : "This account may not use the API: sign in as an administrator.");
    throw new Error("HTTP " + response.status);
  }
  if (!response.ok) {
    let detail = response.statusText;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not JSON */ }
    say("The server refused: " + detail);
    throw new Error(detail);
  }
  return response;
}

function setToken(token) {
  state.token = token;
  if (token) sessionStorage.setItem("flowrunner.token", token); else sessionStorage.removeItem("flowrunner.token");
  $("signin").hidden = !!token;
  $("who").hidden = !token;
  $("who-text").textContent = token ? "Signed in." : "";
  if (token) loadFlows(); else { $("flows").replaceChildren(); $("flow").hidden = true; $("empty").hidden = false; stopTimers(); }
}

async function signIn(event) {
  event.preventDefault();
  say("Signing in…");
  const response = await fetch("/api/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: $("email").value, password: $("password").value }),
  });
  $("password").value = "";
  const body = await response.json().catch(() => ({}));
  if (response.ok && body.access_token) { say("Signed in."); setToken(body.access_token); return; }
  if (response.ok && body.require_2fa) { say("This account uses two-factor sign-in: get a token through the API and paste it below."); return; }
  say(body.error_description || body.detail || "Sign-in failed.");
}

async function loadFlows() {
  const flows = await (await api("/flows")).json();
  const list = $("flows");
  list.replaceChildren(...flows.map((flow) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.flow = flow.id;
    button.append(flow.id);
    const counts = document.createElement("span");
    counts.className = "counts";
    counts.textContent = ` ${flow.errors} error(s), ${flow.warnings} warning(s)${flow.runnable ? "" : ", not runnable"}`;
    button.append(document.createElement("br"), counts);
    button.addEventListener("click", () => selectFlow(flow.id));
    item.append(button);
    return item;
  }));
  $("empty").hidden = flows.length > 0;
  say(`${flows.length} flow(s).`);
}

function markCurrent(container, attribute, value) {
  for (const button of container.querySelectorAll("button")) {
    button.setAttribute("aria-current", String(button.dataset[attribute] === value));
  }
}

async function selectFlow(id) {
  stopTimers();
  state.flow = id;
  state.instance = null;
  markCurrent($("flows"), "flow", id);
  const flow = await (await api(flowPath(id))).json();
  $("flow").hidden = false;
  $("empty").hidden = true;
  $("flow-title").textContent = id;
  $("path").textContent = "The flow as written; choose an instance to see its path.";
  state.highlight = null;
  $("diagnostics").replaceChildren(...(flow.diagnostics.length === 0 ? [text("li", "No problems.")] : flow.diagnostics.map((d) => {
    // Each diagnostic is a button: choosing it highlights the node or edge written on its line.
    const item = document.createElement("li");
    const button = text("button", `${d.line}:${d.column} ${d.severity} ${d.id}: ${d.message}${d.hint ? " (" + d.hint + ")" : ""}`);
    button.type = "button";
    button.dataset.line = String(d.line);
    button.addEventListener("click", () => { state.highlight = String(d.line); applyHighlight(); });
    item.className = d.severity;
    item.append(button);
    return item;
  })));
  await showDiagram(flowPath(id) + "/diagram.svg", "flow:" + id);
  await loadInstances();
  state.listTimer = setInterval(() => loadInstances().catch(() => {}), 3000);
  say(`Showing ${id}.`);
}

function text(tag, value) { const element = document.createElement(tag); element.textContent = value; return element; }

async function showDiagram(path, key) {
  // The stylesheet inside the SVG is /ui/diagram.css: the page's policy allows no inline styles, so it is
  // dropped before parsing (parsing would already try to apply it).
  const source = (await (await api(path)).text()).replace(/<style>[\s\S]*?<\/style>/g, "");
  const parsed = new DOMParser().parseFromString(source, "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.nodeName !== "svg" || parsed.getElementsByTagName("parsererror").length > 0) { say("The diagram could not be read."); return; }
  for (const element of svg.querySelectorAll("style, script, foreignObject")) element.remove();
  const width = Number(svg.getAttribute("width")), height = Number(svg.getAttribute("height"));
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  state.full = [0, 0, width, height];
  if (key !== state.viewKey) { state.viewKey = key; state.view = state.full.slice(); } // a new picture opens fitted; a refresh keeps the view
  $("diagram").replaceChildren(document.importNode(svg, true));
  applyView();
  applyHighlight();
}

// The view is the SVG's viewBox: fit shows the whole picture in the panel; zoom scales it around a point; pan moves it.
function applyView() {
  const svg = $("diagram").querySelector("svg");
  if (svg && state.view) svg.setAttribute("viewBox", state.view.map((v) => Math.round(v * 100) / 100).join(" "));
}

function fit() { if (state.full) { state.view = state.full.slice(); applyView(); } }

function zoom(factor, cx, cy) {
  if (!state.view) return;
  const [x, y, w, h] = state.view;
  const nw = Math.min(Math.max(w / factor, 50), state.full[2] * 4), nh = nw * h / w;
  const px = cx === undefined ? x + w / 2 : cx, py = cy === undefined ? y + h / 2 : cy;
  state.view = [px - (px - x) * nw / w, py - (py - y) * nh / h, nw, nh];
  applyView();
}

function pan(dx, dy) { if (state.view) { state.view[0] += dx; state.view[1] += dy; applyView(); } }

// Screen pixels to picture units, for the pointer: the scale of a viewBox shown with "meet".
function unitsPerPixel() {
  const svg = $("diagram").querySelector("svg");
  return svg && state.view ? Math.max(state.view[2] / svg.clientWidth, state.view[3] / svg.clientHeight) : 1;
}

function pointAt(event) {
  const svg = $("diagram").querySelector("svg");
  const point = svg.createSVGPoint();
  point.x = event.clientX;
  point.y = event.clientY;
  return point.matrixTransform(svg.getScreenCTM().inverse());
}

function applyHighlight() {
  for (const element of $("diagram").querySelectorAll(".highlight")) element.classList.remove("highlight");
  if (state.highlight === null) return;
  for (const element of $("diagram").querySelectorAll(`g.node[data-line="${state.highlight}"], g.edge[data-line="${state.highlight}"]`)) element.classList.add("highlight");
}

function wireDiagram() {
  const diagram = $("diagram");
  $("zoom-fit").addEventListener("click", fit);
  $("zoom-in").addEventListener("click", () => zoom(1.25));
  $("zoom-out").addEventListener("click", () => zoom(1 / 1.25));
  diagram.addEventListener("wheel", (event) => {
    if (!diagram.querySelector("svg")) return;
    event.preventDefault();
    const at = pointAt(event);
    zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, at.x, at.y);
  }, { passive: false });
  diagram.addEventListener("keydown", (event) => {
    const step = state.view ? state.view[2] / 10 : 0;
    const keys = { "+": () => zoom(1.25), "=": () => zoom(1.25), "-": () => zoom(1 / 1.25), "0": fit,
      ArrowLeft: () => pan(-step, 0), ArrowRight: () => pan(step, 0), ArrowUp: () => pan(0, -step), ArrowDown: () => pan(0, step) };
    if (keys[event.key]) { event.preventDefault(); keys[event.key](); }
  });
  diagram.addEventListener("pointerdown", (event) => { state.drag = { x: event.clientX, y: event.clientY }; diagram.setPointerCapture(event.pointerId); });
  diagram.addEventListener("pointermove", (event) => {
    if (!state.drag) return;
    const scale = unitsPerPixel();
    pan((state.drag.x - event.clientX) * scale, (state.drag.y - event.clientY) * scale);
    state.drag = { x: event.clientX, y: event.clientY };
  });
  diagram.addEventListener("pointerup", () => { state.drag = null; });
}

async function loadInstances() {
  if (!state.flow) return;
  const instances = await (await api(flowPath(state.flow) + "/instances")).json();
  $("instances").replaceChildren(...(instances.length === 0 ? [text("li", "No instances yet.")] : instances.map((instance) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.instance = instance.id;
    button.textContent = `${instance.id.slice(0, 12)}… ${instance.status} (version ${instance.version})`;
    button.setAttribute("aria-label", `Instance ${instance.id}, ${instance.status}`);
    button.addEventListener("click", () => selectInstance(instance.id));
    item.append(button);
    return item;
  })));
  markCurrent($("instances"), "instance", state.instance);
}

async function startInstance() {
  if (!state.flow) return;
  const started = await (await api(flowPath(state.flow) + "/instances", { method: "POST" })).json();
  say(`Started instance ${started.instanceId}.`);
  await loadInstances();
  await selectInstance(started.instanceId);
}

async function selectInstance(id) {
  if (state.timer) clearInterval(state.timer);
  state.instance = id;
  markCurrent($("instances"), "instance", id);
  await refreshInstance();
  state.timer = setInterval(() => refreshInstance().catch(() => {}), 1000);
}

async function refreshInstance() {
  const id = state.instance;
  if (!id) return;
  const read = await (await api("/instances/" + encodeURIComponent(id))).json();
  if (state.instance !== id) return;
  await showDiagram("/instances/" + encodeURIComponent(id) + "/diagram.svg", "instance:" + id);
  const instance = read.instance;
  // The list says what the summary says: this instance's entry is updated from the same read.
  const entry = $("instances").querySelector(`button[data-instance="${id}"]`);
  if (entry) {
    entry.textContent = `${id.slice(0, 12)}… ${instance.status} (version ${instance.version})`;
    entry.setAttribute("aria-label", `Instance ${id}, ${instance.status}`);
  }
  const waits = instance.waitingAt.map((w) => `${w.node} (${w.label})`).join(", ");
  $("path").textContent = `Instance ${id}: ${instance.status}` + (waits ? `, waiting at ${waits}` : "")
    + (instance.incident ? `, faulted at ${instance.incident.nodeId}: ${instance.incident.message}` : "")
    + `. Path: ${instance.path.join(" → ")}.`;
  if (instance.status === "completed" || instance.status === "faulted") { clearInterval(state.timer); state.timer = null; }
}

function stopTimers() {
  if (state.timer) clearInterval(state.timer);
  if (state.listTimer) clearInterval(state.listTimer);
  state.timer = state.listTimer = null;
}

document.addEventListener("DOMContentLoaded", () => {
  $("signin").addEventListener("submit", (event) => signIn(event).catch((e) => say(String(e.message || e))));
  $("use-token").addEventListener("click", () => { const token = $("token").value.trim(); $("token").value = ""; if (token) setToken(token); });
  $("signout").addEventListener("click", () => setToken(null));
  $("start").addEventListener("click", () => startInstance().catch(() => {}));
  wireDiagram();
  setToken(state.token);
});
