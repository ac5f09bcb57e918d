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
