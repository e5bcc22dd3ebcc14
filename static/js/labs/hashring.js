// Consistent-hashing lab: let htmx show the server's 400 page (the message next to the
// field) instead of ignoring it, and say so when a request fails for another reason; in the
// live room, empty the "add a node" form once its message is sent. Wired by data-
// attributes (data-hashring-lab, data-reset-after-send); the pages work without this file.
(function () {
  "use strict";

  function lab(element) {
    return element && element.closest ? element.closest("[data-hashring-lab]") : null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!lab(event.detail.target)) return;
    if (event.detail.xhr.status === 400) {
      // A 400 carries the controls with the problem marked: show it like any result.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function showFailure(event) {
    var container = lab(event.detail.target || event.target);
    if (!container) return;
    var status = container.querySelector("#hashring-busy");
    if (status) {
      status.textContent = container.dataset.errorMessage;
      status.classList.add("failed");
    }
  }

  document.addEventListener("htmx:responseError", showFailure);
  document.addEventListener("htmx:sendError", showFailure);

  document.addEventListener("htmx:wsAfterSend", function (event) {
    var form = event.target;
    if (form && form.matches && form.matches("form[data-reset-after-send]")) form.reset();
  });
})();
