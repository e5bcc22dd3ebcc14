// HTTP streaming lab: live demos wired by data- attributes (the CSP forbids inline script).
// Without this file the page still explains each technique and links to the raw endpoints.
(function () {
  "use strict";

  var strings = {};

  function t(key) {
    return strings[key] || key;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function ms(value) {
    return value === null || value === undefined ? "–" : value.toFixed(1) + " ms";
  }

  // Bytes as readable text, like the server's show_bytes: \r and \n visible, others as \xNN.
  function showBytes(bytes, limit) {
    var out = [];
    var end = Math.min(bytes.length, limit || 2048);
    for (var i = 0; i < end; i++) {
      var b = bytes[i];
      if (b === 13) out.push("\\r");
      else if (b === 10) out.push("\\n\n");
      else if (b === 9) out.push("\\t");
      else if (b >= 32 && b < 127) out.push(String.fromCharCode(b));
      else out.push("\\x" + (b < 16 ? "0" : "") + b.toString(16));
    }
    if (bytes.length > end) out.push("… (+" + (bytes.length - end) + " " + t("bytes") + ")");
    return out.join("");
  }

  function showText(text) {
    return text.replace(/\r/g, "\\r").replace(/\n/g, "\\n\n");
  }

  function utf8Length(text) {
    return new TextEncoder().encode(text).length;
  }

  function logLine(list, text, className) {
    var item = el("li", className, text);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    return item;
  }

  function randomHex(bytes) {
    var data = new Uint8Array(bytes);
    crypto.getRandomValues(data);
    return Array.prototype.map.call(data, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function formParams(form, names) {
    var params = new URLSearchParams();
    names.forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input && input.value !== "") params.set(name, input.value);
    });
    return params;
  }

  async function errorText(response) {
    try {
      var data = await response.json();
      if (data && data.error) return response.status + ": " + data.error;
    } catch (e) { /* not JSON */ }
    return t("status") + " " + response.status;
  }

  // --- The wire view: render the JSON of /api/labs/streaming/wire/ ------------------------------

  // The headers that tell the story; the full set is in the raw bytes of the first read.
  var WIRE_HEADERS = ["transfer-encoding", "content-type", "content-length", "content-range",
    "accept-ranges", "etag", "cache-control", "x-accel-buffering", "x-lab-warning"];

  function renderWire(container, data) {
    container.replaceChildren();
    data.exchanges.forEach(function (exchange) {
      var block = el("div", "wire-exchange");
      block.appendChild(el("h4", null, exchange.label));
      block.appendChild(el("pre", "log wire-bytes request", showText(exchange.request)));
      if (exchange.status_line) {
        var shown = exchange.headers.filter(function (h) { return WIRE_HEADERS.indexOf(h[0].toLowerCase()) >= 0; });
        var head = [exchange.status_line].concat(shown.map(function (h) { return h[0] + ": " + h[1]; }));
        block.appendChild(el("pre", "log wire-bytes", head.join("\n")));
      }
      if (exchange.error) block.appendChild(el("p", "fail", exchange.ended + ": " + exchange.error));
      var table = el("table", "arrivals");
      var thead = el("thead");
      var row = el("tr");
      [t("read"), "+ms", t("bytes"), ""].forEach(function (label, i) {
        var th = el("th", i === 1 || i === 2 ? "num" : null, label);
        row.appendChild(th);
      });
      thead.appendChild(row);
      table.appendChild(thead);
      var tbody = el("tbody");
      exchange.arrivals.forEach(function (arrival, index) {
        var tr = el("tr");
        tr.appendChild(el("td", null, index + 1));
        tr.appendChild(el("td", "num", arrival.at_ms.toFixed(1)));
        tr.appendChild(el("td", "num", arrival.size));
        var cell = el("td");
        cell.appendChild(el("pre", "wire-bytes inline", arrival.text));
        tr.appendChild(cell);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      var scroll = el("div", "table-scroll");
      scroll.appendChild(table);
      block.appendChild(scroll);
      if (exchange.chunked) {
        var chunks = el("ol", "chunk-list");
        exchange.chunked.chunks.forEach(function (chunk) {
          chunks.appendChild(el("li", null, t("chunk") + " " + chunk.size_line + " (" + chunk.size + " " + t("bytes") + ") " + ms(chunk.at_ms)));
        });
        block.appendChild(chunks);
        if (!exchange.events) {
          block.appendChild(el("p", "small", t("payload") + ":"));
          block.appendChild(el("pre", "log wire-bytes" + (exchange.chunked.double_framing ? " wrong" : ""), exchange.chunked.payload_text));
        }
        if (exchange.chunked.double_framing) {
          block.appendChild(el("p", "fail", t("double") + ": " + exchange.chunked.double_framing.inner_size_lines.join(", ")));
        }
      }
      if (exchange.events) {
        var events = el("ol", "event-list");
        exchange.events.forEach(function (event) {
          events.appendChild(el("li", null, "event: " + event.type + "  id: " + (event.last_event_id || "–") + "  data: " + event.data));
        });
        block.appendChild(events);
      }
      if (exchange.parts && exchange.parts.length) {
        var parts = el("ul", "part-list");
        exchange.parts.forEach(function (part) {
          parts.appendChild(el("li", null, "Content-Range: " + part.content_range + " (" + part.bytes + " " + t("bytes") + ")"));
        });
        block.appendChild(parts);
      }
      if (exchange.explanation) block.appendChild(el("p", "small", exchange.explanation));
      container.appendChild(block);
    });
  }

  async function recordWire(container, url) {
    url += "&lang=" + encodeURIComponent(document.documentElement.lang);
    container.replaceChildren(el("p", "small muted", t("recording")));
    try {
      var response = await fetch(url, { cache: "no-store" });
      if (!response.ok) {
        container.replaceChildren(el("p", "fail", await errorText(response)));
        return null;
      }
      var data = await response.json();
      renderWire(container, data);
      return data;
    } catch (error) {
      container.replaceChildren(el("p", "fail", t("failed") + ": " + error));
      return null;
    }
  }

  // --- 1. Chunked ----------------------------------------------------------------------------

  function initChunked(panel) {
    var form = panel.querySelector("[data-chunked-form]");
    var log = panel.querySelector("[data-chunked-log]");
    var stats = panel.querySelector("[data-chunked-stats]");
    var wrong = panel.querySelector("[data-chunked-wrong]");
    var wire = panel.querySelector("[data-wire-output='chunked']");
    var button = form.querySelector("[data-start]");

    form.addEventListener("submit", async function (event) {
      if (event.submitter && event.submitter.name === "demo") return; // the JSON link: navigate
      event.preventDefault();
      var params = formParams(form, ["chunks", "interval_ms", "chunk_bytes"]);
      var url = (wrong.checked ? panel.dataset.urlWrong : panel.dataset.urlChunked) + "?" + params;
      var wireParams = formParams(form, ["chunks", "interval_ms"]);
      wireParams.set("demo", wrong.checked ? "chunked-wrong" : "chunked");
      log.replaceChildren();
      stats.replaceChildren();
      button.disabled = true;
      button.textContent = t("running");
      panel.dataset.state = "running";
      var wireDone = recordWire(wire, panel.dataset.urlWire + "?" + wireParams);
      var started = performance.now();
      var reads = 0;
      var total = 0;
      try {
        var response = await fetch(url, { cache: "no-store" });
        if (!response.ok) {
          logLine(log, await errorText(response), "fail");
        } else {
          var reader = response.body.getReader();
          for (;;) {
            var result = await reader.read();
            if (result.done) break;
            reads += 1;
            total += result.value.length;
            var item = logLine(log, "");
            item.appendChild(el("span", "at", "+" + (performance.now() - started).toFixed(0) + " ms"));
            item.appendChild(el("span", "size", t("read") + " " + reads + ": " + result.value.length + " " + t("bytes")));
            item.appendChild(el("code", "bytes", showBytes(result.value, 200)));
          }
          [[reads, t("read")], [total, t("bytes")], [(performance.now() - started).toFixed(0) + " ms", t("done")]].forEach(function (pair) {
            var li = el("li");
            li.appendChild(el("span", "value", pair[0]));
            li.appendChild(el("span", "label", pair[1]));
            stats.appendChild(li);
          });
        }
      } catch (error) {
        logLine(log, t("failed") + ": " + error, "fail");
      }
      await wireDone;
      button.disabled = false;
      button.textContent = t("start");
      panel.dataset.state = "done";
    });
  }

  // --- 2. Server-sent events -------------------------------------------------------------------

  function initSse(panel) {
    var form = panel.querySelector("[data-sse-form]");
    var log = panel.querySelector("[data-sse-log]");
    var dropButton = panel.querySelector("[data-sse-drop]");
    var closeButton = panel.querySelector("[data-sse-stop]");
    var wire = panel.querySelector("[data-wire-output='sse']");
    var out = {
      connections: panel.querySelector("[data-sse-connections]"),
      lastId: panel.querySelector("[data-sse-last-id]"),
      received: panel.querySelector("[data-sse-received]"),
      missing: panel.querySelector("[data-sse-missing]"),
    };
    var source = null;
    var token = null;
    var state = null;

    function missingIds() {
      var missing = 0;
      for (var id = 1; id <= state.highest; id++) if (!state.ids.has(id)) missing += 1;
      return missing;
    }

    function update() {
      out.connections.textContent = state.connections;
      out.lastId.textContent = state.highest || "–";
      out.received.textContent = state.ids.size;
      out.missing.textContent = missingIds();
    }

    function finish(text, className) {
      if (source) source.close();
      source = null;
      logLine(log, text, className);
      dropButton.disabled = true;
      closeButton.disabled = true;
      panel.dataset.state = "done";
    }

    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.name === "demo") return;
      event.preventDefault();
      if (source) source.close();
      var params = formParams(form, ["count", "interval_ms", "retry_ms"]);
      var count = Number(params.get("count"));
      var interval = Number(params.get("interval_ms"));
      token = randomHex(16);
      params.set("stream", token);
      state = { connections: 0, ids: new Set(), highest: 0, count: count };
      log.replaceChildren();
      update();
      panel.dataset.state = "running";
      source = new EventSource(panel.dataset.urlEvents + "?" + params);
      source.addEventListener("open", function () {
        state.connections += 1;
        update();
      });
      source.addEventListener("hello", function (event) {
        var hello = JSON.parse(event.data);
        logLine(log, t("connection") + " " + state.connections + ": " + t("sent_last_id") + " " +
          (hello.last_event_id === null ? t("none") : hello.last_event_id) + " → " + t("resume_from") + " " + hello.resume_from, "hello");
      });
      source.addEventListener("tick", function (event) {
        var tick = JSON.parse(event.data);
        state.ids.add(tick.n);
        state.highest = Math.max(state.highest, tick.n);
        var lag = Date.now() - tick.sent_ms;
        logLine(log, "id: " + event.lastEventId + "  event: tick  data.n: " + tick.n + "/" + tick.count + "  (" + lag.toFixed(0) + " ms)");
        update();
      });
      source.addEventListener("error", function () {
        if (!source) return;
        if (source.readyState === EventSource.CLOSED) {
          if (state.ids.size >= state.count) finish(t("stopped204"), "pass");
          else finish(t("refused"), "fail");
        } else {
          logLine(log, t("reconnecting"), "muted");
        }
      });
      dropButton.disabled = false;
      closeButton.disabled = false;
      if ((count - 1) * interval <= 10000) {
        var wireParams = formParams(form, ["count", "interval_ms"]);
        wireParams.set("demo", "sse");
        recordWire(wire, panel.dataset.urlWire + "?" + wireParams);
      }
    });

    dropButton.addEventListener("click", async function () {
      if (!token) return;
      var response = await fetch(panel.dataset.urlDrop, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ stream: token }),
      });
      logLine(log, response.ok ? t("dropped") : await errorText(response), response.ok ? "muted" : "fail");
    });

    closeButton.addEventListener("click", function () {
      finish(t("closed"), "muted");
    });

    initBroadcast(panel);
  }

  function initBroadcast(panel) {
    var form = panel.querySelector("[data-broadcast-form]");
    var log = panel.querySelector("[data-broadcast-log]");
    var subscribe = panel.querySelector("[data-broadcast-subscribe]");
    var source = null;

    subscribe.addEventListener("click", function () {
      if (source) return;
      source = new EventSource(panel.dataset.urlBroadcast);
      subscribe.disabled = true;
      source.addEventListener("hello", function () { logLine(log, t("subscribed"), "muted"); panel.dataset.subscribed = "yes"; });
      source.addEventListener("broadcast", function (event) {
        var data = JSON.parse(event.data);
        logLine(log, "SSE  " + data.time + "  " + data.sender + ": " + data.message, "broadcast");
      });
    });

    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var input = form.elements.namedItem("message");
      var token = form.elements.namedItem("csrfmiddlewaretoken").value;
      var response = await fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ message: input.value }),
        credentials: "same-origin",
      });
      if (response.ok) {
        logLine(log, t("broadcast_sent"), "muted");
        input.value = "";
      } else {
        logLine(log, await errorText(response), "fail");
      }
    });
  }

  // --- 3. WebSocket ---------------------------------------------------------------------------

  function wsUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  // RFC 6455 §5.2: 2 header bytes, 2 or 8 more for lengths over 125 or 65535, 4 for the mask.
  function wireLength(payload, masked) {
    var header = 2 + (payload > 65535 ? 8 : payload > 125 ? 2 : 0) + (masked ? 4 : 0);
    return header + payload;
  }

  function initWebSocket(panel) {
    var frames = panel.querySelector("[data-frame-log]");
    var messages = panel.querySelector("[data-ws-messages]");
    var lang = panel.dataset.lang;

    function frame(direction, socketName, opcode, payload, content) {
      var masked = direction === "→";
      var tr = el("tr", direction === "→" ? "out" : "in");
      [direction, socketName, opcode, masked ? t("masked") : t("unmasked")].forEach(function (v) { tr.appendChild(el("td", null, v)); });
      tr.appendChild(el("td", "num", payload));
      tr.appendChild(el("td", "num", wireLength(payload, masked)));
      tr.appendChild(el("td", null, content.length > 80 ? content.slice(0, 80) + "…" : content));
      frames.appendChild(tr);
      frames.parentElement.parentElement.scrollTop = frames.parentElement.parentElement.scrollHeight;
    }

    function closeFrame(socketName, event) {
      var reason = event.reason || "";
      if (event.code === 1006) {
        // No Close frame arrived: the TCP connection was dropped. 1006 is the API's report of that.
        var tr = el("tr", "in dropped");
        tr.appendChild(el("td", null, "×"));
        tr.appendChild(el("td", null, socketName));
        var cell = el("td", null, t("dropped_tcp"));
        cell.colSpan = 5;
        tr.appendChild(cell);
        frames.appendChild(tr);
      } else {
        frame("←", socketName, "close", event.code === 1005 ? 0 : 2 + utf8Length(reason), t("code") + " " + event.code + (reason ? " " + reason : ""));
      }
      logLine(messages, socketName + ": " + t("closed") + ", " + t("code") + " " + event.code + (event.wasClean ? "" : " (unclean)"), "muted");
    }

    // Echo
    var echoForm = panel.querySelector("[data-echo-form]");
    var echo = null;
    var echoButtons = {
      connect: panel.querySelector("[data-echo-connect]"),
      send: panel.querySelector("[data-echo-send]"),
      big: panel.querySelector("[data-echo-big]"),
      close: panel.querySelector("[data-echo-close]"),
    };

    function echoOpen(open) {
      echoButtons.connect.disabled = open;
      echoButtons.send.disabled = !open;
      echoButtons.big.disabled = !open;
      echoButtons.close.disabled = !open;
    }

    echoButtons.connect.addEventListener("click", function () {
      echo = new WebSocket(wsUrl(panel.dataset.urlEcho));
      echo.addEventListener("open", function () {
        echoOpen(true);
        panel.dataset.echo = "open";
        logLine(messages, "echo: " + t("connected"), "muted");
      });
      echo.addEventListener("message", function (event) {
        frame("←", "echo", "text", utf8Length(event.data), event.data);
        logLine(messages, "echo ← " + (event.data.length > 80 ? event.data.slice(0, 80) + "…" : event.data));
      });
      echo.addEventListener("close", function (event) {
        closeFrame("echo", event);
        echoOpen(false);
        panel.dataset.echo = "closed:" + event.code;
        echo = null;
      });
    });

    echoForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!echo || echo.readyState !== WebSocket.OPEN) return;
      var text = echoForm.elements.namedItem("text").value;
      echo.send(text);
      frame("→", "echo", "text", utf8Length(text), text);
    });

    echoButtons.big.addEventListener("click", function () {
      if (!echo) return;
      var text = "x".repeat(70 * 1024);
      echo.send(text);
      frame("→", "echo", "text", text.length, "x × " + text.length);
    });

    echoButtons.close.addEventListener("click", function () {
      if (echo) {
        frame("→", "echo", "close", 2, t("code") + " 1000");
        echo.close(1000);
      }
    });

    // Room
    var roomForm = panel.querySelector("[data-room-form]");
    var room = null;
    var roomName = "";
    var roomButtons = {
      join: panel.querySelector("[data-room-join]"),
      send: panel.querySelector("[data-room-send]"),
      invalid: panel.querySelector("[data-room-invalid]"),
      leave: panel.querySelector("[data-room-leave]"),
    };

    function roomOpen(open) {
      roomButtons.join.disabled = open;
      roomButtons.send.disabled = !open;
      roomButtons.invalid.disabled = !open;
      roomButtons.leave.disabled = !open;
    }

    function roomSend(text) {
      room.send(text);
      frame("→", roomName, "text", utf8Length(text), text);
    }

    roomButtons.join.addEventListener("click", function () {
      var input = roomForm.elements.namedItem("room");
      if (!input.checkValidity()) { input.reportValidity(); return; }
      roomName = input.value;
      room = new WebSocket(wsUrl(panel.dataset.urlRoom + encodeURIComponent(roomName) + "/?lang=" + encodeURIComponent(lang)));
      room.addEventListener("open", function () { roomOpen(true); });
      room.addEventListener("message", function (event) {
        frame("←", roomName, "text", utf8Length(event.data), event.data);
        var data = JSON.parse(event.data);
        if (data.type === "joined") {
          logLine(messages, roomName + ": " + t("connected") + " (" + data.you + ")", "muted");
          panel.dataset.room = "joined";
        } else if (data.type === "message") {
          logLine(messages, roomName + "  " + data.time + "  " + data.sender + ": " + data.message);
        } else if (data.type === "broadcast") {
          logLine(messages, "WS broadcast  " + data.time + "  " + data.sender + ": " + data.message, "broadcast");
        } else if (data.type === "error") {
          logLine(messages, roomName + ": " + data.error, "fail");
        }
      });
      room.addEventListener("close", function (event) {
        closeFrame(roomName, event);
        roomOpen(false);
        panel.dataset.room = "closed:" + event.code;
        room = null;
      });
    });

    roomForm.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!room || room.readyState !== WebSocket.OPEN) return;
      roomSend(JSON.stringify({ message: roomForm.elements.namedItem("message").value }));
    });

    roomButtons.invalid.addEventListener("click", function () {
      if (room) roomSend("{\"message\": oops");
    });

    roomButtons.leave.addEventListener("click", function () {
      if (room) {
        frame("→", roomName, "close", 2, t("code") + " 1000");
        room.close(1000);
      }
    });
  }

  // --- 4. Range requests ------------------------------------------------------------------------

  function toHex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function initRange(panel) {
    var log = panel.querySelector("[data-range-log]");
    var progress = panel.querySelector("[data-range-progress]");
    var verdict = panel.querySelector("[data-range-verdict]");
    var first = panel.querySelector("[data-range-first]");
    var resume = panel.querySelector("[data-range-resume]");
    var reset = panel.querySelector("[data-range-reset]");
    var size = Number(panel.dataset.size);
    var half = Number(panel.dataset.half);
    var pieces = [];
    var received = 0;
    var validator = null;

    async function rangeRequest(headers, label) {
      var response = await fetch(panel.dataset.urlFile, { headers: headers, cache: "no-store" });
      var body = new Uint8Array(await response.arrayBuffer());
      var line = label + ": " + Object.keys(headers).map(function (k) { return k + ": " + headers[k]; }).join(", ") +
        " → " + response.status + (response.headers.get("Content-Range") ? ", Content-Range: " + response.headers.get("Content-Range") : "") +
        ", " + body.length + " " + t("bytes");
      logLine(log, line);
      return { response: response, body: body };
    }

    function setProgress() {
      progress.value = received;
    }

    first.addEventListener("click", async function () {
      pieces = [];
      received = 0;
      verdict.textContent = "";
      verdict.className = "";
      log.replaceChildren();
      var result = await rangeRequest({ Range: "bytes=0-" + (half - 1) }, t("first_half"));
      if (result.response.status === 206) {
        pieces.push(result.body);
        received = result.body.length;
        validator = result.response.headers.get("ETag");
        resume.disabled = false;
        reset.disabled = false;
        first.disabled = true;
        panel.dataset.state = "half";
      }
      setProgress();
    });

    resume.addEventListener("click", async function () {
      var headers = { Range: "bytes=" + received + "-" };
      if (validator) headers["If-Range"] = validator;
      var result = await rangeRequest(headers, t("resumed"));
      if (result.response.status === 200) {
        pieces = [result.body]; // the file changed: the server sent all of the new one
        received = result.body.length;
      } else if (result.response.status === 206) {
        pieces.push(result.body);
        received += result.body.length;
      }
      setProgress();
      resume.disabled = true;
      var whole = new Uint8Array(received);
      var offset = 0;
      pieces.forEach(function (piece) { whole.set(piece, offset); offset += piece.length; });
      if (!window.crypto || !crypto.subtle) {
        verdict.textContent = t("no_subtle");
        return;
      }
      var digest = toHex(await crypto.subtle.digest("SHA-256", whole));
      var ok = digest === panel.dataset.sha256 && received === size;
      verdict.replaceChildren(el("span", ok ? "pass" : "fail", ok ? t("checksum_ok") : t("checksum_bad")), el("br"), el("code", "digest", digest));
      panel.dataset.state = ok ? "verified" : "mismatch";
    });

    reset.addEventListener("click", function () {
      pieces = [];
      received = 0;
      setProgress();
      log.replaceChildren();
      verdict.replaceChildren();
      first.disabled = false;
      resume.disabled = true;
      reset.disabled = true;
      panel.dataset.state = "";
    });

    var form = panel.querySelector("[data-range-form]");
    var wire = panel.querySelector("[data-wire-output='range']");
    panel.querySelector("[data-range-send]").addEventListener("click", async function () {
      var rangeValue = form.elements.namedItem("range").value.trim();
      var ifRange = form.elements.namedItem("if_range").value.trim();
      var headers = {};
      if (rangeValue) headers.Range = rangeValue;
      if (ifRange) headers["If-Range"] = ifRange;
      try {
        await rangeRequest(headers, "fetch()");
      } catch (error) {
        logLine(log, t("failed") + ": " + error, "fail");
      }
      var params = new URLSearchParams({ demo: "range" });
      if (rangeValue) params.set("range", rangeValue);
      if (ifRange) params.set("if_range", ifRange);
      recordWire(wire, panel.dataset.urlWire + "?" + params);
    });
  }

  // A 400 from the Range preview carries the message: swap it in like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.detail.target.id === "range-results") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    document.querySelectorAll("[data-strings] [data-key]").forEach(function (node) {
      strings[node.dataset.key] = node.textContent;
    });
    var inits = [
      ["[data-chunked-panel]", initChunked],
      ["[data-sse-panel]", initSse],
      ["[data-ws-panel]", initWebSocket],
      ["[data-range-panel]", initRange],
    ];
    inits.forEach(function (pair) {
      var panel = document.querySelector(pair[0]);
      if (panel) pair[1](panel);
    });
  });
})();
