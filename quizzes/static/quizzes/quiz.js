// Quiz pages: small additions to htmx, wired by data- attributes (the CSP forbids inline script).
// - A 400 from a quiz form is a fragment with the message next to the question: swap it in
//   (htmx leaves 4xx responses unswapped by default).
// - A 429 (rate limit) is a full page: show its message in the form's status line instead.
// - After a swap, move focus to the verdict of the answer, for keyboard and screen readers.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (!detail.elt || !detail.elt.closest("[data-quiz]")) return;
    var status = detail.xhr.status;
    if (status === 400) {
      detail.shouldSwap = true;
      detail.isError = false;
    } else if (status === 429) {
      var doc = new DOMParser().parseFromString(detail.xhr.responseText, "text/html");
      var notice = doc.querySelector("main .notice");
      var line = detail.elt.closest("[data-quiz]").querySelector("[data-quiz-status]");
      if (line && notice) line.textContent = notice.textContent.trim();
      detail.shouldSwap = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var root = (target && target.id && document.getElementById(target.id)) || null;
    if (!root) return;
    var focus = root.querySelector("[data-focus]") || root.querySelector(".errorlist, .quiz-error");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
      focus.focus({ preventScroll: true });
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      root.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
    }
  });
})();
