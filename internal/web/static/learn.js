// Read aloud on the lesson player: the button stays hidden unless the browser
// can speak and has a voice for the lesson's language, so nobody is offered a
// button that does nothing. It reads the step (#step .step-body) with the
// browser's own speech synthesis; nothing leaves the device. Pages work the
// same without this script.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var button = document.getElementById("read-aloud");
  var step = document.getElementById("step");
  if (!synth || !button || !step || typeof window.SpeechSynthesisUtterance !== "function") return;
  var body = step.querySelector(".step-body") || step;
  var holder = body.closest("[lang]") || document.documentElement;
  var lang = (holder.getAttribute("lang") || "en").toLowerCase();
  var voice = null;
  var reading = false;

  // voiceFor finds a voice for lang: the exact tag first, then any voice of
  // the same language ("ru" for "ru-RU"), preferring one on the device.
  function voiceFor(tag) {
    var base = tag.split("-")[0];
    var exact = null, same = null;
    synth.getVoices().forEach(function (v) {
      var vl = (v.lang || "").toLowerCase().replace("_", "-");
      if (vl === tag && (!exact || v.localService)) exact = v;
      else if (vl.split("-")[0] === base && (!same || (v.localService && !same.localService))) same = v;
    });
    return exact || same;
  }

  function offer() {
    if (voice) return;
    voice = voiceFor(lang);
    if (voice) button.parentNode.hidden = false;
  }

  // textOf is what a reader would read: the step without the number lists
  // of an order question (their options would be read out one by one).
  function textOf(el) {
    var copy = el.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("select, script, [hidden]"), function (n) {
      n.parentNode.removeChild(n);
    });
    return copy.textContent || "";
  }

  // chunks splits the text into paragraphs and sentences of modest length:
  // some engines stop a long utterance part-way.
  function chunks(text) {
    var out = [];
    text.split(/\n+/).forEach(function (para) {
      para = para.replace(/\s+/g, " ").trim();
      while (para.length > 220) {
        var cut = para.lastIndexOf(". ", 220);
        if (cut < 60) cut = para.lastIndexOf(" ", 220);
        if (cut < 1) cut = 220;
        out.push(para.slice(0, cut + 1));
        para = para.slice(cut + 1).trim();
      }
      if (para) out.push(para);
    });
    return out;
  }

  function setReading(on) {
    reading = on;
    button.textContent = on ? button.getAttribute("data-stop") : button.getAttribute("data-read");
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  button.addEventListener("click", function () {
    if (reading) {
      synth.cancel();
      setReading(false);
      return;
    }
    synth.cancel();
    var parts = chunks(textOf(body));
    if (!parts.length) return;
    setReading(true);
    parts.forEach(function (part, i) {
      var u = new SpeechSynthesisUtterance(part);
      u.lang = voice.lang || lang;
      u.voice = voice;
      u.rate = 0.9;
      if (i === parts.length - 1) {
        u.addEventListener("end", function () { setReading(false); });
      }
      u.addEventListener("error", function () { setReading(false); });
      synth.speak(u);
    });
  });

  // Leaving the page stops the voice: it must not read one step over the next.
  addEventListener("pagehide", function () { synth.cancel(); });

  offer();
  if (!voice && typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", offer);
  }
})();

// Offline lessons: registers /sw.js and names the course, which it keeps.
// Offline, a signed-in learner's Next queues (app.js) what the server would
// record (learn_step.go) and opens the next step from the cache; an answer is
// queued as its form (only the server grades). Online the forms post as ever;
// an answer carries a fresh sid: sent twice, it is recorded once.
(function () {
  "use strict";
  const status = document.getElementById("offline-status");
  const sw = navigator.serviceWorker;
  if (!status) return;
  const course = status.getAttribute("data-course");
  const lang = document.documentElement.lang;
  if (sw && course) {
    sw.register("/sw.js", { scope: "/" }).then(() => sw.ready).then((reg) => {
      const key = lang + "|" + status.getAttribute("data-user");
      if (navigator.onLine) reg.active.postMessage({ type: "course", slug: course, key: key });
    }).catch(() => {});
  }
  const app = window.onramp;
  const step = document.getElementById("step");
  if (!app || !step) return;
  const lesson = step.getAttribute("data-lesson");
  const idx = Number(step.getAttribute("data-step"));
  const total = Number(step.getAttribute("data-steps"));
  const base = "/courses/" + course + "/lessons/" + lesson;
  const urlOf = (n) => (n > 1 ? base + "?step=" + n : base); // n from 1
  const mine = app.user + " " + course + "/" + lesson;

  // Was the lesson begun on this device? (mark: it is now.)
  function started(mark) {
    try {
      const list = JSON.parse(localStorage.getItem("onramp.started")) || [];
      const seen = list.indexOf(mine) >= 0;
      if (mark && !seen) localStorage.setItem("onramp.started", JSON.stringify(list.concat(mine).slice(-500)));
      return seen;
    } catch (e) {
      return false;
    }
  }

  function notice(form, attr, ok) {
    let box = document.getElementById("feedback");
    if (!box) {
      box = form.parentNode.insertBefore(document.createElement("div"), form.nextSibling);
      box.id = "feedback";
      box.tabIndex = -1;
    }
    box.className = "notice feedback" + (ok ? "" : " wrong");
    box.textContent = "";
    box.appendChild(document.createElement("p")).textContent = form.getAttribute(attr);
    box.focus();
  }

  // What the answer lacks, as the server would say it.
  function lacks(form) {
    const v = Array.prototype.map.call(form.querySelectorAll("select"), (s) => s.value);
    if (!v.length) return form.querySelector("[name=answer]:checked") ? "" : "data-required";
    if (v.indexOf("") >= 0) return "data-order-missing";
    return new Set(v).size < v.length ? "data-order-repeat" : "";
  }

  async function offline(action, form) {
    const here = idx + 1;
    const key = course + "/" + lesson + "/" + idx;
    if (action === "back") {
      location.href = here > 1 ? urlOf(here - 1) : "/courses/" + course;
    } else if (action === "answer") {
      if (lacks(form)) return notice(form, lacks(form), false);
      const body = new URLSearchParams(new FormData(form));
      body.set("offline", "1");
      await app.queue.add([{ id: body.get("sid"), kind: "form", step: key, url: form.getAttribute("action"), body: body.toString() }]);
      notice(form, "data-saved", true);
    } else if (action === "next") {
      const at = new Date().toISOString();
      const sts = [];
      const record = (verb, n) => sts.push({ id: app.uuid7(), verb: verb, timestamp: at, context: { lang: lang, offline: true },
        object: n === undefined ? { course: course, lesson: lesson } : { course: course, lesson: lesson, step: n } });
      if (idx === 0 && !started(true)) record("started");
      record("experienced", idx);
      if (here === total) record("completed");
      await app.queue.add(sts.map((st) => ({ id: st.id, kind: "st", step: key, st: st })));
      location.href = here === total ? base + "/done" : urlOf(here + 1);
    }
  }

  let pressed = null;
  document.addEventListener("click", (e) => { pressed = e.target.closest("button"); }, true);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-step]"), (form) => {
    form.addEventListener("submit", (e) => {
      const b = e.submitter || pressed;
      const action = b && b.name === "action" ? b.value : form.elements.namedItem("action").value;
      if (action === "answer") form.querySelector("[name=sid]").value = app.uuid7();
      if (!navigator.onLine) {
        e.preventDefault();
        offline(action, form);
      } else if (action === "next" && idx === 0) started(true);
    });
  });
})();
