// onramp's service worker: it keeps the courses a learner has opened, so their
// lessons open with no connection. Served at /sw.js (scope: the whole site);
// learn.js registers it. Pages work the same without it.
//
// - /static/ files with a ?v= version: from the cache first (they never change).
// - Pages and pictures under /courses/: from the network first, the kept copy
//   when the network fails or is very slow.
// - When a course or lesson page is opened, every step of every lesson of the
//   course, the done pages and the pictures are fetched and kept (the list
//   comes from /courses/{slug}/offline, fetched again when its version moves).
// - Never kept: anything but GET, /api/, sign-in and sign-out, any page outside
//   /courses/ and /static/, feedback pages (?answered=...).
// The cache names carry the version the server writes into this file; caches
// of other versions are deleted when this one takes over.
"use strict";

const VERSION = "__ONRAMP_SW_VERSION__";
const STATIC = "onramp-static-" + VERSION;
const PAGES = "onramp-pages-" + VERSION;
const SLOW = 6000; // ms to wait for the network before a kept page is shown
const checked = new Map(); // course and person -> last check, in ms

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys
      .filter((k) => k.startsWith("onramp-") && k !== STATIC && k !== PAGES)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// keepable: a course page, step, done page or picture; a step only in its
// plain form (?step=N), never with an answer in the address.
function keepable(url) {
  if (url.origin !== self.location.origin || !url.pathname.startsWith("/courses/")) return false;
  if (url.pathname.endsWith("/offline")) return false;
  return url.search === "" || /^\?step=\d+$/.test(url.search);
}

function keyOf(url) {
  return url.origin + url.pathname + url.search;
}

function storable(res) {
  return res && res.status === 200 && res.type === "basic" && !res.redirected;
}

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET" || req.headers.has("range")) return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) {
    e.respondWith(cacheFirst(req));
  } else if (keepable(url)) {
    e.respondWith(networkFirst(e, req, keyOf(url)));
  }
});

async function cacheFirst(req) {
  const cache = await caches.open(STATIC);
  const hit = await cache.match(req, { ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(req);
  if (storable(res)) await cache.put(req, res.clone());
  return res;
}

async function networkFirst(e, req, key) {
  const cache = await caches.open(PAGES);
  const kept = await cache.match(key, { ignoreVary: true });
  const net = fetch(req).then(async (res) => {
    if (storable(res)) await cache.put(key, res.clone());
    return res;
  });
  e.waitUntil(net.catch(() => {}));
  if (!kept) return net;
  const slow = new Promise((resolve) => setTimeout(() => resolve(kept), SLOW));
  return Promise.race([net, slow]).catch(() => kept);
}

// A page tells which course it belongs to; the course is kept for offline use.
self.addEventListener("message", (e) => {
  const d = e.data || {};
  if (d.type === "course" && /^[a-z0-9-]{1,100}$/.test(d.slug)) {
    e.waitUntil(keepCourse(d.slug, String(d.key || "")).catch(() => {}));
  }
});

async function keepCourse(slug, key) {
  const id = slug + "|" + key;
  if (Date.now() - (checked.get(id) || 0) < 60000) return;
  checked.set(id, Date.now());
  const listURL = "/courses/" + slug + "/offline";
  const res = await fetch(listURL, { credentials: "same-origin", cache: "no-store" });
  if (!res.ok) return;
  const list = await res.clone().json();
  const cache = await caches.open(PAGES);
  const old = await cache.match(listURL);
  if (old && (await old.json()).version === list.version) return;
  const urls = (list.urls || []).filter((u) => keepable(new URL(u, self.location.origin)));
  let failed = 0;
  for (let i = 0; i < urls.length; i += 4) { // four at a time: gentle on a slow line
    await Promise.all(urls.slice(i, i + 4).map(async (u) => {
      try {
        const r = await fetch(u, { credentials: "same-origin" });
        if (storable(r)) await cache.put(keyOf(new URL(u, self.location.origin)), r);
        else failed++;
      } catch (err) {
        failed++;
      }
    }));
  }
  // The list is kept last, and only when everything came: it marks the course
  // as kept, and a course kept in part is fetched again next time.
  if (failed === 0) await cache.put(listURL, res);
  else checked.delete(id);
}
