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
  });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
