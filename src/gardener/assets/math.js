// Formulas on gardener pages: pymdownx.arithmatex (generic mode) leaves each one, LaTeX intact,
// in an element of class "arithmatex": a span holding \(...\) inline, a div holding \[...\] or
// \begin{...}...\end{...} on a line of its own. KaTeX, shipped with the site, typesets them.
(function () {
  "use strict";

  function source(element) {
    var tex = element.textContent.trim();
    var match = /^\\[([]([\s\S]*)\\[)\]]$/.exec(tex);
    return match ? match[1] : tex;
  }

  function typeset(root) {
    var formulas = root.querySelectorAll(".arithmatex");
    for (var i = 0; i < formulas.length; i++) {
      var element = formulas[i];
      if (element.querySelector(".katex")) continue; // already typeset
      // A formula KaTeX cannot read is shown as written, marked, instead of breaking the page.
      katex.render(source(element), element, {
        displayMode: element.tagName === "DIV",
        throwOnError: false,
      });
    }
  }

  if (typeof katex === "undefined") return;
  // Material's instant navigation swaps pages without a reload and announces each on document$.
  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(function () { typeset(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { typeset(document); });
  } else {
    typeset(document);
  }
})();
