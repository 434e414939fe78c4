// Timeline page: filter events by concept or tag; switch between oldest and newest first.
(function () {
  "use strict";

  function matches(event, value) {
    if (!value) return true;
    var split = value.indexOf(":");
    var kind = value.slice(0, split);
    var token = value.slice(split + 1);
    var attr = kind === "tag" ? "data-tags" : "data-concepts";
    return (event.getAttribute(attr) || "").split(" ").indexOf(token) >= 0;
  }

  function filter(root, value) {
    root.querySelectorAll(".gd-event").forEach(function (event) {
      event.hidden = !matches(event, value);
    });
    // A month or year with nothing left to show should not leave an empty heading behind.
    root.querySelectorAll(".gd-month, .gd-year").forEach(function (section) {
      section.hidden = !section.querySelector(".gd-event:not([hidden])");
    });
  }

  function reverse(root) {
    var parents = [root].concat(Array.prototype.slice.call(
      root.querySelectorAll(".gd-year, .gd-month")));
    parents.forEach(function (parent) {
      var items = Array.prototype.filter.call(parent.children, function (child) {
        return child.matches(".gd-year, .gd-month, .gd-event");
      });
      // Re-appending in reverse keeps each section's heading, which is not an item, on top.
      items.reverse().forEach(function (item) { parent.appendChild(item); });
    });
  }

  function init() {
    var root = document.querySelector(".gd-timeline");
    var bar = document.querySelector(".gd-timeline-filter");
    if (!root || !bar || bar.getAttribute("data-ready")) return;
    bar.setAttribute("data-ready", "1");
    var select = bar.querySelector("select");
    var button = bar.querySelector(".gd-timeline-order");
    select.addEventListener("change", function () { filter(root, select.value); });
    button.addEventListener("click", function () {
      var newest = button.getAttribute("aria-pressed") !== "true";
      reverse(root);
      button.setAttribute("aria-pressed", newest ? "true" : "false");
      button.textContent = newest ? "最早的在前" : "最新的在前";
    });
    // A browser may restore the select's value when the page is revisited.
    filter(root, select.value);
    bar.hidden = false;
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);  // Material's instant navigation swaps pages in place
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
