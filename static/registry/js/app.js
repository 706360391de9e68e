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

  // Copy the value of an input: <button data-copy-value="#input-id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-value]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy-value"));
    if (!source) return;
    source.select();
    if (navigator.clipboard) navigator.clipboard.writeText(source.value);
  });

  // Escape closes the inline Add alias input (the Cancel link does the same).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (event.target.closest && event.target.closest("#global-search, #search-live")) return;
    var cancel = document.activeElement && document.activeElement.closest("form")
      && document.activeElement.closest("form").querySelector("[data-cancel]");
    if (cancel) cancel.click();
  });

  // The live-search popover: Escape and a click outside close it; arrow keys move through
  // its results (and back up to the bar); Enter on a result follows it.
  function livePanel() { return document.getElementById("search-live"); }
  function liveLinks() {
    var panel = livePanel();
    return panel ? Array.prototype.slice.call(panel.querySelectorAll("a[href]")) : [];
  }
  function closeLive(refocus) {
    var panel = livePanel();
    if (!panel || !panel.firstChild) return false;
    panel.innerHTML = "";
    if (refocus) document.getElementById("global-search").focus();
    return true;
  }
  document.addEventListener("keydown", function (event) {
    var inBar = event.target.id === "global-search";
    var panel = livePanel();
    var inPanel = panel && panel.contains(event.target);
    if (!inBar && !inPanel) return;
    if (event.key === "Escape") {
      if (closeLive(inPanel)) event.preventDefault();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var links = liveLinks();
    if (!links.length) return;
    event.preventDefault();
    var at = links.indexOf(event.target);
    if (event.key === "ArrowDown") {
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (at <= 0) {
      document.getElementById("global-search").focus();
    } else {
      links[at - 1].focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("form[role=search]")) closeLive(false);
  });

  // The app's own confirmation (a <dialog>) instead of the browser's confirm(): for htmx
  // requests with hx-confirm and for plain forms with data-confirm.
  function ask(question, buttonLabel) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(question));
    }
    document.getElementById("confirm-dialog-message").textContent = question;
    document.getElementById("confirm-dialog-ok").textContent = buttonLabel || "Confirm";
    var opener = document.activeElement;
    return new Promise(function (resolve) {
      dialog.returnValue = "";
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        var ok = dialog.returnValue === "ok";
        if (!ok && opener && document.contains(opener)) opener.focus();
        resolve(ok);
      });
      dialog.showModal();
    });
  }
  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;
    event.preventDefault();
    var label = event.detail.elt.getAttribute("data-confirm-button");
    ask(event.detail.question, label).then(function (ok) {
      if (ok) event.detail.issueRequest(true);
    });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (!question || form.dataset.confirmed === "1") return;
    event.preventDefault();
    ask(question, form.getAttribute("data-confirm-button")).then(function (ok) {
      if (!ok) return;
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(event.submitter || undefined);
      else form.submit();
    });
  });

  // After htmx replaces a part of the page, focus must not fall back to <body>: it goes to
  // a chip that was just added, else the part's autofocus input, else the control marked
  // data-focus, else its + button, else its first control.
  var namesBefore = null;
  function chipNames(root) {
    return Array.prototype.map.call(root.querySelectorAll(".chip-name"), function (el) {
      return el.textContent.trim().toLowerCase();
    });
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    namesBefore = target && target.id ? { id: target.id, names: chipNames(target) } : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var root = (target && target.id && document.getElementById(target.id)) || target;
    if (!root || !document.contains(root) || root.id === "search-live") return;
    var focus = null;
    if (namesBefore && namesBefore.id === root.id) {
      var chips = root.querySelectorAll(":scope > ul .chip");
      for (var i = 0; i < chips.length && !focus; i++) {
        var name = chips[i].querySelector(".chip-name");
        if (name && namesBefore.names.indexOf(name.textContent.trim().toLowerCase()) < 0) {
          focus = chips[i];
        }
      }
    }
    if (focus) {
      focus.setAttribute("tabindex", "-1");
    } else {
      focus = root.querySelector("[autofocus]") || root.querySelector("[data-focus]")
        || root.querySelector(".add-button")
        || root.querySelector("input:not([type=hidden]), button, a[href], select, textarea");
    }
    if (focus) focus.focus();
  });
})();
