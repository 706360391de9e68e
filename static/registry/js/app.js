// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // "/" focuses the global search bar (unless the user is typing somewhere already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var el = document.activeElement;
    var typing = el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    if (typing) return;
    var search = document.getElementById("global-search");
    if (!search) return;
    event.preventDefault();
    search.focus();
    search.select();
  });

  // Copy buttons: <button data-copy="#element-id">. The text stays selectable without JS.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      var label = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  // Escape closes the inline Add alias input (the Cancel link does the same).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var cancel = document.activeElement && document.activeElement.closest("form")
      && document.activeElement.closest("form").querySelector("[data-cancel]");
    if (cancel) cancel.click();
  });
})();
