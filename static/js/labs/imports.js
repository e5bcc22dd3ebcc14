// Python import lab: let htmx swap the lab's own 400 and 429 answers.
// They carry the message to show (a step the lab refuses, a busy sandbox), and htmx 2
// leaves 4xx responses unswapped by default. Only targets marked data-imports-errors opt in.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 429) && target && target.hasAttribute("data-imports-errors")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
