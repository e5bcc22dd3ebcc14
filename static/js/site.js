// Site-wide behaviour, wired by data- attributes (the CSP forbids inline script).
(function () {
  "use strict";

  function effectiveTheme() {
    var set = document.documentElement.getAttribute("data-theme");
    if (set === "light" || set === "dark") return set;
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function labelToggle(button) {
    var next = effectiveTheme() === "dark" ? "light" : "dark";
    button.setAttribute("aria-pressed", effectiveTheme() === "dark" ? "true" : "false");
    button.title = next === "dark" ? button.dataset.labelDark : button.dataset.labelLight;
  }

  function initThemeToggle(root) {
    root.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      labelToggle(button);
      button.addEventListener("click", function () {
        var next = effectiveTheme() === "dark" ? "light" : "dark";
        document.documentElement.setAttribute("data-theme", next);
        try { localStorage.setItem("kb-theme", next); } catch (e) { /* not remembered */ }
        labelToggle(button);
      });
    });
  }

  // Copy buttons on rendered code blocks.
  function initCopyButtons(root) {
    root.querySelectorAll(".prose .codehilite").forEach(function (block) {
      if (block.querySelector(".copy-button")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      var labels = document.documentElement.lang === "en"
        ? { copy: "Copy", done: "Copied" } : { copy: "复制", done: "已复制" };
      button.textContent = labels.copy;
      button.setAttribute("aria-label", labels.copy);
      button.addEventListener("click", function () {
        var code = block.querySelector("code");
        var text = code ? code.innerText : block.innerText;
        var finish = function () {
          button.textContent = labels.done;
          button.classList.add("copied");
          setTimeout(function () { button.textContent = labels.copy; button.classList.remove("copied"); }, 1600);
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(finish, finish);
        } else {
          var area = document.createElement("textarea");
          area.value = text; document.body.appendChild(area); area.select();
          try { document.execCommand("copy"); } catch (e) { /* ignore */ }
          document.body.removeChild(area); finish();
        }
        block.dataset.copied = text.length;
      });
      block.appendChild(button);
    });
  }

  // A box that scrolls (a long code line, a wide table, a full log) must take keyboard focus,
  // or keyboard users cannot scroll it (WCAG 2.1.1). Only boxes that overflow right now get a
  // tab stop; the check runs again when the layout can change (htmx swaps, resizes).
  var SCROLL_BOXES = "pre, .table-scroll, .diagram-scroll, .log, .prose table";

  function scrolls(box) {
    var style = getComputedStyle(box);
    var sideways = /auto|scroll/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
    var down = /auto|scroll/.test(style.overflowY) && box.scrollHeight > box.clientHeight + 1;
    return sideways || down;
  }

  function hasFocusableContent(box) {
    return !!box.querySelector("a[href], button, input, select, textarea, summary, [tabindex]");
  }

  function updateScrollFocus() {
    document.querySelectorAll(SCROLL_BOXES).forEach(function (box) {
      var marked = box.hasAttribute("data-scroll-focus");
      if (scrolls(box) && !hasFocusableContent(box)) {
        if (!marked && !box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("data-scroll-focus", "");
        }
      } else if (marked) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    });
  }

  var scrollFocusTimer = null;
  function scheduleScrollFocus() {
    clearTimeout(scrollFocusTimer);
    scrollFocusTimer = setTimeout(updateScrollFocus, 150);
  }

  // When an htmx swap removes the focused element (a link or a button without an id, which
  // htmx cannot find again), focus would fall back to <body> and a keyboard user would start
  // over at the top of the page. Put it on the swapped region instead, where Tab continues.
  var focusWasSwappedAway = false;

  document.addEventListener("htmx:beforeSwap", function (event) {
    var focused = document.activeElement;
    var target = event.detail.target;
    focusWasSwappedAway = !!(target && focused && focused !== document.body && target.contains(focused));
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!focusWasSwappedAway) return;
    focusWasSwappedAway = false;
    var focused = document.activeElement;
    var target = event.detail.target;
    if (focused && focused !== document.body) return; // htmx or the page's script placed it
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id); // outerHTML
    if (!target || !target.isConnected) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
  });

  function init(root) {
    initCopyButtons(root);
  }

  // The header's live search results close on Escape and on a click elsewhere.
  function initSearchPopover() {
    var popover = document.getElementById("site-search-results");
    if (!popover) return;
    var close = function () { popover.innerHTML = ""; };
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".site-search")) close();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initThemeToggle(document);
    initSearchPopover();
    init(document);
    updateScrollFocus();
  });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  document.addEventListener("htmx:afterSettle", scheduleScrollFocus);
  window.addEventListener("load", updateScrollFocus); // images and fonts can change widths
  window.addEventListener("resize", scheduleScrollFocus);
})();
