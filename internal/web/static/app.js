// A signed-in page must never come back from the browser's back/forward cache:
// after signing out on a shared computer, Back would show the last person's
// page as it was (Chromium keeps Cache-Control: no-store pages there and does
// not drop them when the session cookie is cleared). Such a page is hidden as
// it is left and loaded again from the server if it is ever restored, which
// then answers for whoever is signed in now. Pages work without this script.
addEventListener("pagehide", function (e) {
  if (e.persisted) document.documentElement.classList.add("bfcache-hidden");
});
addEventListener("pageshow", function (e) {
  if (e.persisted) location.reload();
});

// The offline queue, filled by learn.js: learning records (for POST
// /api/statements, ids made here) and answers (the step's form, posted again
// so the server grades it). Kept in IndexedDB (else localStorage); sent on
// page load, when the browser comes online and every 30 s while some wait.
// An item belongs to the person whose page made it (data-user, hashed): only
// a learning page of that person sends it, never as someone else's. Signing
// out clears the site's storage: it sends first, then asks.
(function () {
  "use strict";
  const status = document.getElementById("offline-status");
  const lang = document.documentElement.lang || "en";
  const name = status && status.getAttribute("data-user");
  const user = name ? hash(name) : "";
  const texts = loadTexts();
  let state = ""; // "sending", "signin" or ""
  let sent = false; // by this page
  let busy = null;

  function hash(s) { // FNV-1a
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(16);
  }

  function uuid7() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    for (let i = 5, t = Date.now(); i >= 0; i--, t = Math.floor(t / 256)) b[i] = t % 256;
    b[6] = 0x70 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    const h = Array.prototype.map.call(b, (x) => (x + 256).toString(16).slice(1)).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // Texts come as data- attributes of a lesson page, kept for other pages.
  function loadTexts() {
    let kept = {};
    try {
      kept = JSON.parse(localStorage.getItem("onramp.texts")) || {};
      if (status && status.hasAttribute("data-offline")) {
        kept[lang] = {};
        for (const a of status.attributes) kept[lang][a.name.replace("data-", "")] = a.value;
        localStorage.setItem("onramp.texts", JSON.stringify(kept));
      }
    } catch (e) { /* none kept */ }
    return kept[lang] || kept[Object.keys(kept)[0]] || {};
  }

  // The text rendered for a sample count (1, 2, 5, 0) of n's plural
  // category, with n in place of the sample.
  function plural(key, n) {
    const p = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : { select: (k) => (k === 1 ? "one" : "other") };
    const s = [1, 2, 5, 0].find((k) => texts[key + "-" + k] && p.select(k) === p.select(n));
    return s === undefined ? "" : texts[key + "-" + s].replace(String(s), String(n));
  }

  let useLS = !window.indexedDB;
  let db = null;
  function tx(mode, fn) {
    db = db || new Promise((resolve, reject) => {
      const r = indexedDB.open("onramp", 1);
      r.onupgradeneeded = () => r.result.createObjectStore("queue", { keyPath: "id" });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return db.then((d) => new Promise((resolve, reject) => {
      const t = d.transaction("queue", mode);
      const req = fn(t.objectStore("queue"));
      t.oncomplete = () => resolve(req && req.result);
      t.onerror = t.onabort = () => reject(t.error);
    }));
  }
  const lsGet = () => JSON.parse(localStorage.getItem("onramp.queue") || "[]");
  const lsSet = (a) => localStorage.setItem("onramp.queue", JSON.stringify(a));
  async function run(mode, fn, lsFn) {
    if (!useLS) {
      try { return await tx(mode, fn); } catch (e) { useLS = true; }
    }
    return lsFn();
  }
  const all = () => run("readonly", (s) => s.getAll(), lsGet).then((a) => a || []);
  const drop = (ids) => run("readwrite", (s) => { ids.forEach((id) => s.delete(id)); },
    () => lsSet(lsGet().filter((x) => ids.indexOf(x.id) < 0)));
  const mine = () => all().then((a) => a.filter((i) => i.u === user));
  const steps = (items) => new Set(items.map((i) => i.u + " " + i.step)).size;

  async function add(items) {
    items.forEach((i) => { i.u = user; });
    await run("readwrite", (s) => { items.forEach((i) => s.put(i)); },
      () => lsSet(lsGet().filter((x) => !items.some((i) => i.id === x.id)).concat(items)));
    render();
  }

  async function render() {
    if (!status) return;
    const n = steps(await mine());
    let text = sent ? texts.saved : "";
    if (!navigator.onLine) text = n ? plural("queued", n) : texts.offline;
    else if (n) text = state === "sending" ? texts.sending : state === "signin" ? texts.signin : plural("waiting", n);
    status.textContent = "";
    status.className = text ? "notice" : "";
    if (text) status.appendChild(document.createElement("p")).textContent = text;
  }

  const post = (url, type, body, redirect) => fetch(url, { method: "POST", credentials: "same-origin",
    redirect: redirect, headers: { "Content-Type": type }, body: body });

  // Records go in batches. 409 names ids that can never be stored, 400 the
  // items that are not valid: those are dropped, the rest sent again.
  async function sendRecords(items) {
    for (let i = 0; i < items.length; i += 100) {
      let batch = items.slice(i, i + 100);
      for (let tries = 0; batch.length; tries++) {
        const res = await post("/api/statements", "application/json", JSON.stringify(batch.map((x) => x.st)), "follow");
        if (res.ok) {
          await drop(batch.map((x) => x.id));
          sent = true;
          break;
        }
        if (res.status === 401) throw res;
        const body = await res.json().catch(() => ({}));
        const bad = res.status === 409 ? body.ids || [] : (body.items || []).map((x) => x.id);
        if (res.status > 409 || !bad.length || tries > 2) throw res;
        await drop(bad);
        batch = batch.filter((x) => bad.indexOf(x.id) < 0);
      }
    }
  }

  // An answer's form is posted again; the server grades it, records it under
  // its sid and redirects. Another 4xx (the lesson changed) never succeeds.
  async function sendAnswer(item) {
    const res = await post(item.url, "application/x-www-form-urlencoded", item.body, "manual");
    const ok = res.type === "opaqueredirect" || res.ok;
    if (!ok && (res.status < 400 || res.status > 499 || res.status === 401 || res.status === 408 || res.status === 429)) throw res;
    await drop([item.id]);
    sent = sent || ok;
  }

  async function send() {
    const items = await mine();
    if (items.length && navigator.onLine) {
      state = "sending";
      render();
      try {
        await sendRecords(items.filter((i) => i.kind === "st"));
        for (const f of items.filter((i) => i.kind === "form")) await sendAnswer(f);
        state = "";
      } catch (e) {
        state = e && e.status === 401 ? "signin" : "";
      }
    }
    return render();
  }

  function flush() {
    if (user && !busy) busy = send().catch(() => {}).then(() => { busy = null; });
    return busy || Promise.resolve();
  }

  window.onramp = { uuid7: uuid7, user: user, queue: { add: add, all: all, flush: flush } };

  if (user) {
    flush();
    addEventListener("online", flush);
    addEventListener("offline", render);
    setInterval(() => mine().then((a) => a.length && flush()), 30000);
  }

  const out = document.querySelector('form[action="/logout"]');
  if (out) {
    out.addEventListener("submit", (e) => {
      e.preventDefault();
      (async () => {
        if ((await all()).length) await flush();
        const left = await all();
        return !left.length || confirm(plural("confirm", steps(left)));
      })().then((go) => go && out.submit(), () => out.submit());
    });
  }
})();
