// The case page (#15): which sections a person had open is remembered per case for the
// browser session, and a link to a closed section ("Ganze Stellungnahme lesen") opens it.
(function () {
  "use strict";
  var key = "case-parts:" + window.location.pathname;

  function parts() {
    return Array.prototype.slice.call(document.querySelectorAll("details[data-case-part]"));
  }

  function remember() {
    var open = parts().filter(function (d) { return d.open; }).map(function (d) {
      return d.dataset.casePart;
    });
    try { window.sessionStorage.setItem(key, JSON.stringify(open)); } catch (e) { /* private mode */ }
  }

  function openPart(name) {
    var part = document.querySelector('details[data-case-part="' + name + '"]');
    if (part) { part.open = true; }
    return part;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var saved = [];
    try { saved = JSON.parse(window.sessionStorage.getItem(key) || "[]"); } catch (e) { saved = []; }
    saved.forEach(openPart);
    if (window.location.hash.indexOf("#teil-") === 0) { openPart(window.location.hash.slice(6)); }
    parts().forEach(function (d) { d.addEventListener("toggle", remember); });
    document.querySelectorAll("[data-opens-part]").forEach(function (link) {
      link.addEventListener("click", function () { openPart(link.dataset.opensPart); });
    });
  });
})();
