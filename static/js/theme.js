// Runs before first paint (loaded synchronously in <head>) so a remembered theme never flashes.
(function () {
  try {
    var saved = localStorage.getItem("kb-theme");
    if (saved === "light" || saved === "dark") {
      document.documentElement.setAttribute("data-theme", saved);
    }
  } catch (e) {
    /* storage may be disabled; the OS preference still applies */
  }
})();
