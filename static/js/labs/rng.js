// The RNG lab's behaviour beyond htmx, wired by data- attributes (the CSP forbids inline script).
// - 400 answers still swap in, so an error shows next to its field;
// - the battery's Cancel button closes the SSE stream (the server then stops the battery), and a
//   refused stream (429, 400) stops instead of reconnecting forever;
// - the time-seed panel can fill in a token from the browser's CSPRNG.
(function () {
  "use strict";

  function text(key) {
    var node = document.querySelector("[data-rng-strings] [data-key='" + key + "']");
    return node ? node.textContent.trim() : key;
  }

  function notice(message, extraClass) {
    var p = document.createElement("p");
    p.className = "notice" + (extraClass ? " " + extraClass : "");
    p.setAttribute("role", "status");
    p.textContent = message;
    return p;
  }

  // Swap the stream element out through htmx: its cleanup closes the EventSource, and closing
  // it is what tells the server (http.disconnect) to stop the battery.
  function endStream(stream, message, marker, extraClass) {
    if (!stream || !stream.isConnected) return;
    stream.removeAttribute("sse-connect"); // no reconnect attempt may find it again
    var replacement = notice(message, extraClass);
    replacement.setAttribute(marker, "");
    htmx.swap(stream, replacement.outerHTML, { swapStyle: "outerHTML" });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (event.detail.xhr.status === 400 && target && target.closest("[data-rng-lab]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-battery-cancel]");
    if (cancel) {
      endStream(cancel.closest("[data-battery-stream]"), text("cancelled"), "data-battery-cancelled");
      return;
    }
    var secretsButton = event.target.closest("[data-secrets-token]");
    if (secretsButton) {
      var form = secretsButton.closest("form");
      var input = form && form.querySelector("input[name='token']");
      if (!input || !window.crypto) return;
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      input.value = Array.prototype.map.call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      input.focus();
    }
  });

  document.addEventListener("htmx:sseError", function (event) {
    var stream = event.target.closest ? event.target.closest("[data-battery-stream]") : null;
    if (!stream) return;
    // The battery is short: an error means the stream was refused or cut. Reconnecting would
    // start a new battery, so stop and say so.
    endStream(stream, text("refused"), "data-battery-refused", "error");
  });
})();
