// FlowRunner's page: flows with their diagnostics, each drawn, its instances, and an instance's path on its
// diagram, refreshed while it moves. Plain DOM, no framework; every control is a button, link or input.
"use strict";

const state = { token: sessionStorage.getItem("flowrunner.token"), flow: null, instance: null, timer: null, listTimer: null };
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
  $("diagnostics").replaceChildren(...(flow.diagnostics.length === 0 ? [text("li", "No problems.")] : flow.diagnostics.map((d) => {
    const item = text("li", `${d.line}:${d.column} ${d.severity} ${d.id}: ${d.message}${d.hint ? " (" + d.hint + ")" : ""}`);
    item.className = d.severity;
    return item;
  })));
  await showDiagram(flowPath(id) + "/diagram.svg");
  await loadInstances();
  state.listTimer = setInterval(() => loadInstances().catch(() => {}), 3000);
  say(`Showing ${id}.`);
}

function text(tag, value) { const element = document.createElement(tag); element.textContent = value; return element; }

async function showDiagram(path) {
  // The stylesheet inside the SVG is /ui/diagram.css: the page's policy allows no inline styles, so it is
  // dropped before parsing (parsing would already try to apply it).
  const source = (await (await api(path)).text()).replace(/<style>[\s\S]*?<\/style>/g, "");
  const parsed = new DOMParser().parseFromString(source, "image/svg+xml");
  const svg = parsed.documentElement;
  if (svg.nodeName !== "svg" || parsed.getElementsByTagName("parsererror").length > 0) { say("The diagram could not be read."); return; }
  for (const element of svg.querySelectorAll("style, script, foreignObject")) element.remove();
  $("diagram").replaceChildren(document.importNode(svg, true));
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
  await showDiagram("/instances/" + encodeURIComponent(id) + "/diagram.svg");
  const instance = read.instance;
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
  setToken(state.token);
});
