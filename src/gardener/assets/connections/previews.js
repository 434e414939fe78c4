/* Hover previews of links to other pages of the garden: title, date, authors and summary, read
   from one data file (assets/gardener/previews.json) fetched the first time they are needed. */
(function () {
  "use strict";

  var ROOT = new URL("../../", document.currentScript.src);
  var DATA = new URL("assets/gardener/previews.json", ROOT).href;
  var DELAY = 250;
  var data = null;
  var loading = null;
  var card = null;
  var timer = null;
  var shownFor = null;

  function load() {
    if (!loading) {
      loading = fetch(DATA).then(function (response) {
        if (!response.ok) throw new Error("previews: HTTP " + response.status);
        return response.json();
      }).then(function (json) { data = json; return json; });
    }
    return loading;
  }

  /* The data file's key for a link: its path below the site root, without "index.html". */
  function keyOf(href) {
    var url = new URL(href, window.location.href);
    if (url.origin !== ROOT.origin || url.pathname.indexOf(ROOT.pathname) !== 0) return null;
    return url.pathname.slice(ROOT.pathname.length).replace(/index\.html$/, "");
  }

  function candidate(target) {
    var link = target && target.closest ? target.closest(".md-content a[href]") : null;
    if (!link || link.classList.contains("headerlink") || link.hasAttribute("data-gd-own-tip")) return null;
    if (link.title || link.closest(".gd-graph")) return null;
    var key = keyOf(link.href);
    if (key === null || key === keyOf(window.location.href)) return null;
    return { link: link, key: key };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  }

  function show(found) {
    var entry = data && data[found.key];
    if (!entry) return;
    hide();
    card = element("div", "gd-preview", "");
    card.setAttribute("role", "tooltip");
    card.appendChild(element("div", "gd-preview__title", entry.t));
    var meta = [entry.k === "c" ? "概念" : entry.d || "", entry.a || ""].filter(Boolean).join(" · ");
    if (meta) card.appendChild(element("div", "gd-preview__meta", meta));
    if (entry.s) card.appendChild(element("div", "gd-preview__summary", entry.s));
    document.body.appendChild(card);
    place(card, found.link);
    shownFor = found.link;
  }

  /* Below the link, or above it when there is no room; never past the window's edges. */
  function place(box, link) {
    var rect = link.getClientRects()[0] || link.getBoundingClientRect();
    var width = box.offsetWidth;
    var left = Math.min(Math.max(8, rect.left), window.innerWidth - width - 8);
    var top = rect.bottom + 6;
    if (top + box.offsetHeight > window.innerHeight && rect.top > box.offsetHeight + 6) {
      top = rect.top - box.offsetHeight - 6;
    }
    box.style.left = left + window.scrollX + "px";
    box.style.top = top + window.scrollY + "px";
  }

  function hide() {
    if (card) card.remove();
    card = null;
    shownFor = null;
  }

  function enter(event) {
    var found = candidate(event.target);
    if (!found || found.link === shownFor) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      load().then(function () { show(found); }).catch(function () { /* no previews, plain links */ });
    }, DELAY);
  }

  function leave(event) {
    var found = candidate(event.target);
    if (!found) return;
    if (event.relatedTarget && found.link.contains(event.relatedTarget)) return;
    clearTimeout(timer);
    hide();
  }

  function init() {
    // Links that carry their own tooltip (concept links) keep it; Material takes the title
    // attribute away while it shows the tooltip, so they are marked before anyone hovers.
    document.querySelectorAll(".md-content a[title]").forEach(function (link) {
      link.setAttribute("data-gd-own-tip", "");
    });
  }

  document.addEventListener("mouseover", enter);
  document.addEventListener("mouseout", leave);
  document.addEventListener("focusin", enter);
  document.addEventListener("focusout", leave);
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
  window.addEventListener("scroll", function () { if (card && shownFor) place(card, shownFor); }, { passive: true });
  init();
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
})();
