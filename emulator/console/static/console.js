// The console's only script: live updates, graph selection and try-it forms.
// Pages render on the server; this swaps the parts marked data-live when the emulator changes.
"use strict";

(function () {
  const base = document.body.dataset.base || "/_emulator/console/";
  const indicator = document.querySelector("[data-live-indicator]");
  let inFlight = false;
  let again = false;

  function setStatus(text, kind) {
    if (indicator) {
      indicator.textContent = text;
      indicator.dataset.state = kind;
    }
  }

  async function refresh(reason) {
    const parts = document.querySelectorAll("[data-live][id]");
    const wanted = Array.from(parts).filter(
      (el) => reason === "change" || el.dataset.live === "tick");
    if (!wanted.length) return;
    if (inFlight) { again = true; return; }
    inFlight = true;
    try {
      const answer = await fetch(window.location.href, {
        headers: { "X-Console-Live": "1" }, credentials: "same-origin" });
      if (!answer.ok) return;
      const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
      for (const el of wanted) {
        const next = fresh.getElementById(el.id);
        if (next && next.innerHTML !== el.innerHTML) {
          el.innerHTML = next.innerHTML;
          for (const name of ["data-status", "class"]) {
            if (next.hasAttribute(name)) el.setAttribute(name, next.getAttribute(name));
          }
        }
      }
      applySelection();
      document.dispatchEvent(new CustomEvent("console:updated"));
    } catch (error) {
      setStatus("offline", "off");
    } finally {
      inFlight = false;
      if (again) { again = false; refresh("change"); }
    }
  }

  function listen() {
    if (!window.EventSource || !document.querySelector("[data-live]")) return;
    // "since": the state this page shows, so a change made before the stream opens is seen.
    const since = encodeURIComponent(document.body.dataset.changes || "");
    const source = new EventSource(base + "events?since=" + since);
    source.addEventListener("open", () => setStatus("live", "on"));
    source.addEventListener("change", () => refresh("change"));
    source.addEventListener("tick", () => refresh("tick"));
    source.addEventListener("error", () => setStatus("reconnecting", "off"));
  }

  // -- graphs: a click on a state shows its details -------------------------------------------

  function selected() {
    const match = /(?:^|&)state=([^&]*)/.exec(window.location.hash.slice(1));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function applySelection() {
    const name = selected();
    document.querySelectorAll("[data-node]").forEach((node) => {
      node.classList.toggle("selected", node.dataset.node === name);
    });
    const panels = document.querySelectorAll("[data-details]");
    if (!panels.length) return;
    let shown = false;
    panels.forEach((panel) => {
      const match = panel.dataset.details === name;
      panel.hidden = !match;
      shown = shown || match;
    });
    const hint = document.querySelector("[data-details-hint]");
    if (hint) hint.hidden = shown;
  }

  document.addEventListener("click", (event) => {
    const node = event.target.closest && event.target.closest("[data-node]");
    if (node && node.closest(".graph") && document.querySelector("[data-details]")) {
      window.location.hash = "state=" + encodeURIComponent(node.dataset.node);
    }
  });
  window.addEventListener("hashchange", applySelection);

  // -- forms --------------------------------------------------------------------------------

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-tryit")) {
      event.preventDefault();
      tryIt(form);
    }
  });

  // Send a request to an invoke URL from the browser and show the answer.
  async function tryIt(form) {
    const out = form.querySelector("[data-tryit-result]") ||
      document.querySelector(form.dataset.tryit);
    const data = new FormData(form);
    let url = String(data.get("url") || "");
    const method = String(data.get("method") || "GET").toUpperCase();
    const headers = {};
    String(data.get("headers") || "").split("\n").forEach((line) => {
      const at = line.indexOf(":");
      if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    });
    form.querySelectorAll("[data-param]").forEach((input) => {
      if (!input.value) return;
      const where = input.dataset.in;
      if (where === "path") {
        const name = input.dataset.param;
        const value = name === "proxy" ? input.value : encodeURIComponent(input.value);
        url = url.replace("{" + name + "+}", value).replace("{" + name + "}", value);
      }
      else if (where === "query") url += (url.includes("?") ? "&" : "?") +
        encodeURIComponent(input.dataset.param) + "=" + encodeURIComponent(input.value);
      else if (where === "header") headers[input.dataset.param] = input.value;
    });
    const init = { method: method, headers: headers };
    const body = data.get("body");
    if (body && !["GET", "HEAD"].includes(method)) init.body = String(body);
    const began = performance.now();
    out.hidden = false;
    out.textContent = "sending …";
    try {
      const answer = await fetch(url, init);
      const text = await answer.text();
      const lines = [`${answer.status} ${answer.statusText}  (${Math.round(performance.now() - began)} ms)`];
      answer.headers.forEach((value, name) => lines.push(`${name}: ${value}`));
      out.textContent = lines.join("\n") + "\n\n" + text;
      out.dataset.status = String(answer.status);
    } catch (error) {
      out.textContent = "request failed: " + error;
      out.dataset.status = "error";
    }
  }

  // Sample events fill the test-event box.
  document.addEventListener("change", (event) => {
    const picker = event.target;
    if (!picker.matches || !picker.matches("[data-sample-target]")) return;
    const option = picker.selectedOptions[0];
    const target = document.querySelector(picker.dataset.sampleTarget);
    if (target && option && option.dataset.sample) target.value = option.dataset.sample;
  });

  applySelection();
  listen();
})();
