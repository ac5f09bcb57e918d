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
