// Keyboard triage on the worklist (templates/workflows/worklist.html). A separate file because
// the Content-Security-Policy allows no inline scripts. Keys act on the row that has the focus:
// j/↓ next, k/↑ previous, b affected, n reason field for "not affected" (Enter there sends it),
// x select for the decision on several papers, v preview. After a decision the next open row
// gets the focus; the decision sends the next row's id so the answer brings its preview along.
(function () {
  "use strict";

  var pendingFocus = null;

  function openRows() {
    return Array.prototype.slice.call(
      document.querySelectorAll("tr[data-review]:not([data-decided])")
    );
  }

  function rowOf(element) {
    return element && element.closest ? element.closest("tr[data-review]") : null;
  }

  function neighbour(row, step) {
    var all = Array.prototype.slice.call(document.querySelectorAll("tr[data-review]"));
    var index = all.indexOf(row);
    for (var i = index + step; i >= 0 && i < all.length; i += step) {
      if (!all[i].hasAttribute("data-decided")) {
        return all[i];
      }
    }
    return null;
  }

  function focusRow(row) {
    if (row) {
      row.focus();
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function click(row, selector) {
    var element = row && row.querySelector(selector);
    if (element) {
      element.click();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (!document.querySelector("[data-worklist]") || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = event.target;
    var row = rowOf(target);
    if (target.matches("input[type=text], select, textarea")) {
      if (event.key === "Escape" && row) {
        focusRow(row);
      }
      return; // typing a reason: letters are letters; Enter submits "not affected"
    }
    if (!row) {
      if (event.key === "j" || event.key === "ArrowDown") {
        event.preventDefault();
        focusRow(openRows()[0]);
      }
      return;
    }
    switch (event.key) {
      case "j":
      case "ArrowDown":
        event.preventDefault();
        focusRow(neighbour(row, 1));
        break;
      case "k":
      case "ArrowUp":
        event.preventDefault();
        focusRow(neighbour(row, -1));
        break;
      case "b":
        event.preventDefault();
        click(row, "button[data-decision=relevant]");
        break;
      case "n":
        event.preventDefault();
        var reason = row.querySelector(".worklist-reason");
        if (reason) {
          reason.focus();
        }
        break;
      case "x":
        event.preventDefault();
        click(row, ".worklist-select");
        break;
      case "v":
        event.preventDefault();
        click(row, ".worklist-preview-button");
        break;
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var row = rowOf(event.detail.elt);
    if (!row || !event.detail.elt.matches("form.worklist-decision")) {
      return;
    }
    var next = neighbour(row, 1) || neighbour(row, -1);
    pendingFocus = next ? next.getAttribute("data-review") : null;
    if (pendingFocus) {
      event.detail.parameters.next = pendingFocus;
    }
  });

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var row = event.detail.target;
    if (!row || !row.matches || !row.matches("tr[data-review]")) {
      return;
    }
    // The swapped element is the new row (the old one is gone from the document).
    var current = document.getElementById(row.id);
    if (current && !current.hasAttribute("data-decided")) {
      var field = current.querySelector(".worklist-reason");
      window.setTimeout(function () {
        (field || current).focus(); // refused: stay on the row and show why
      }, 0);
      return;
    }
    if (pendingFocus) {
      // After htmx has put the focus back on the element it had before the swap.
      var next = document.getElementById("sichtung-" + pendingFocus);
      pendingFocus = null;
      window.setTimeout(function () {
        focusRow(next);
      }, 0);
    }
  });

  // Focus the first open row when the page opens, so the keys work at once.
  document.addEventListener("DOMContentLoaded", function () {
    focusRow(openRows()[0]);
  });
})();
