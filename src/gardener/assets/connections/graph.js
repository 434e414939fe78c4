/* The garden's graph: the whole garden on the graph page, a page's neighbours on its own page.
   Both read one data file (assets/gardener/graph.json); the drawing library is fetched only when
   a graph is about to be shown. */
(function () {
  "use strict";

  var ROOT = new URL("../../", document.currentScript.src);
  var DATA = new URL("assets/gardener/graph.json", ROOT).href;
  var LIBRARY = new URL("assets/gardener/force-graph.min.js", ROOT).href;
  var LOCAL_LIMIT = 150; // a hub's neighbourhood is cut to its best-connected pages
  var LARGE = 2000; // above this many nodes the layout settles sooner and labels wait for zoom
  var RELATIVE_SIZE = 2.5;
  var loaded = {};

  /* A node's area grows with the square root of its links, so hubs stand out but do not cover
     their neighbours. */
  function nodeSize(n) {
    return 1 + Math.sqrt(n.deg);
  }

  function once(name, start) {
    if (!loaded[name]) loaded[name] = start();
    return loaded[name];
  }

  function graphData() {
    return once("data", function () {
      return fetch(DATA).then(function (response) {
        if (!response.ok) throw new Error("graph data: HTTP " + response.status);
        return response.json();
      }).then(index);
    });
  }

  function library() {
    if (window.ForceGraph) return Promise.resolve();
    return once("library", function () {
      return new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = LIBRARY;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("cannot load " + LIBRARY)); };
        document.head.appendChild(script);
      });
    });
  }

  /* Neighbour lists and degrees, and a lookup by URL. */
  function index(data) {
    data.byId = {};
    data.nodes.forEach(function (node, i) {
      node.i = i;
      node.nb = [];
      data.byId[node.id] = node;
    });
    data.related = data.related || [];
    data.links.concat(data.related).forEach(function (pair) {
      data.nodes[pair[0]].nb.push(pair[1]);
      data.nodes[pair[1]].nb.push(pair[0]);
    });
    return data;
  }

  function palette(element) {
    var style = getComputedStyle(element);
    function read(name) { return style.getPropertyValue(name).trim(); }
    return { a: read("--gd-graph-article"), c: read("--gd-graph-concept"),
             link: read("--gd-graph-link"), label: read("--gd-graph-label"),
             focus: read("--gd-graph-focus"), dim: read("--gd-graph-dim") };
  }

  /* Copies of the chosen nodes (the layout writes positions into them) and their links. */
  function subgraph(data, chosen) {
    var copies = {};
    var nodes = chosen.map(function (i) {
      var n = data.nodes[i];
      copies[i] = { id: n.id, t: n.t, k: n.k, g: n.g || [], i: i, deg: n.nb.length };
      return copies[i];
    });
    var links = [];
    [data.links, data.related].forEach(function (pairs, kind) {
      pairs.forEach(function (pair) {
        if (copies[pair[0]] && copies[pair[1]]) links.push({ source: pair[0], target: pair[1], r: kind === 1 });
      });
    });
    links.forEach(function (link) { link.source = copies[link.source].id; link.target = copies[link.target].id; });
    return { nodes: nodes, links: links };
  }

  function draw(container, graph, options) {
    var canvas = container.querySelector(".gd-graph__canvas");
    var colours = palette(container);
    var large = graph.nodes.length > LARGE;
    var remembered = options.version ? recall(graph, options.version) : false;
    var chart = window.ForceGraph()(canvas)
      .width(canvas.clientWidth)
      .height(canvas.clientHeight)
      .nodeId("id")
      .nodeRelSize(RELATIVE_SIZE)
      .nodeVal(nodeSize)
      .nodeLabel(function (n) { return escapeHtml(n.t); })
      .nodeColor(function (n) { return colourOf(n); })
      .linkColor(function (l) { return l.r && large ? colours.dim : colours.link; })
      // Dashes cost too much to draw for tens of thousands of links: large graphs draw the
      // links between similar articles lighter instead.
      .linkLineDash(function (l) { return l.r && !large ? [2, 2] : null; })
      // No link reacts to the pointer, so none is painted on the hidden hit-testing canvas.
      .linkPointerAreaPaint(function () {})
      .nodeCanvasObjectMode(function () { return "after"; })
      .nodeCanvasObject(function (n, ctx, scale) { label(n, ctx, scale); })
      .onNodeClick(function (n) { window.location.href = new URL(n.id, ROOT).href; })
      // A large garden settles in fewer, coarser steps: every step costs time in proportion to
      // its size, and the reader waits for the layout to stop before it is smooth to move.
      .cooldownTicks(remembered ? 0 : large ? 40 : 300)
      .d3AlphaDecay(large ? 0.08 : 0.0228)
      .onEngineStop(function () {
        if (options.version && !remembered) remember(graph, options.version);
        if (!container.dataset.gdFitted) {
          container.dataset.gdFitted = "1";
          chart.zoomToFit(400, 30, function (n) { return options.visible(n); });
        }
      })
      .graphData(graph);
    chart.d3Force("charge").strength(large ? -25 : -45);
    if (large) chart.d3Force("charge").theta(1.5).distanceMax(400);
    chart.d3Force("gravity", gravity(large ? 0.08 : 0.04));
    chart.d3Force("link").distance(options.local ? 45 : 35);
    chart.nodeVisibility(function (n) { return options.visible(n); });
    chart.linkVisibility(function (l) { return options.visible(l.source) && options.visible(l.target); });

    function colourOf(n) {
      if (options.focus(n)) return colours.focus;
      if (options.dimmed(n)) return colours.dim;
      return n.k === "c" ? colours.c : colours.a;
    }

    function label(n, ctx, scale) {
      var always = options.focus(n) || options.labelled(n);
      if (!always && (scale < (large ? 4 : 2.5) || options.dimmed(n))) return;
      var size = Math.max(10 / scale, 1.5);
      ctx.font = size + "px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.fillStyle = colours.label;
      var radius = Math.sqrt(nodeSize(n)) * RELATIVE_SIZE;
      ctx.fillText(shorten(n.t), n.x, n.y + radius + 1);
    }

    function recolour() {
      colours = palette(container);
      chart.nodeColor(chart.nodeColor()).linkColor(chart.linkColor());
    }

    new MutationObserver(recolour).observe(document.body, { attributes: true,
      attributeFilter: ["data-md-color-scheme", "data-md-color-primary", "data-md-color-accent"] });
    window.addEventListener("resize", function () {
      chart.width(canvas.clientWidth).height(canvas.clientHeight);
    });
    container.gdGraph = chart; // reachable for scripts and tests that drive the page
    container.dataset.gdNodes = String(graph.nodes.length);
    container.dataset.gdReady = "1";
    return chart;
  }

  /* A pull towards the centre, stronger far out: pages without links stay near the rest
     instead of drifting to a distant ring. */
  function gravity(strength) {
    var nodes = [];
    function force(alpha) {
      nodes.forEach(function (n) {
        n.vx -= n.x * strength * alpha;
        n.vy -= n.y * strength * alpha;
      });
    }
    force.initialize = function (all) { nodes = all; };
    return force;
  }

  /* The whole garden's layout is kept in the browser for the same data file, so coming back
     to the graph page shows it at once instead of laying it out again. */
  var LAYOUT_KEY = "gardener-graph-layout";

  function recall(graph, version) {
    try {
      var saved = JSON.parse(window.localStorage.getItem(LAYOUT_KEY) || "null");
      if (!saved || saved.v !== version) return false;
      graph.nodes.forEach(function (n) {
        var at = saved.at[n.id];
        if (at) { n.x = at[0]; n.y = at[1]; }
      });
      return true;
    } catch (error) {
      return false; // storage may be off or full: lay the graph out as usual
    }
  }

  function remember(graph, version) {
    var at = {};
    graph.nodes.forEach(function (n) { at[n.id] = [Math.round(n.x), Math.round(n.y)]; });
    try {
      window.localStorage.setItem(LAYOUT_KEY, JSON.stringify({ v: version, at: at }));
    } catch (error) { /* the next visit lays it out again */ }
  }

  function shorten(text) {
    return text.length > 24 ? text.slice(0, 23) + "…" : text;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function status(container, text) {
    var element = container.querySelector(".gd-graph__status");
    if (element) element.textContent = text;
  }

  /* ---- the whole garden ---- */

  function showGlobal(container, data) {
    var filter = container.querySelector(".gd-graph__filter");
    var search = container.querySelector(".gd-graph__search");
    var shown = null; // indices of the pages the filter keeps, or null for all
    var matches = {};
    fillFilter(filter, data);
    var hub = hubDegree(data);
    var chart = draw(container, subgraph(data, data.nodes.map(function (n) { return n.i; })), {
      visible: function (n) { return shown === null || shown[n.i]; },
      focus: function (n) { return matches[n.i]; },
      dimmed: function (n) { return Object.keys(matches).length > 0 && !matches[n.i]; },
      labelled: function (n) { return n.deg >= hub; },
      version: data.v
    });
    status(container, data.nodes.length + " 个页面，" + data.links.length + " 条连接，"
      + data.related.length + " 对相似文章（虚线）");
    filter.addEventListener("change", function () {
      shown = choose(data, filter.value);
      var count = shown ? Object.keys(shown).length : data.nodes.length;
      status(container, filter.value ? "显示 " + count + " 个页面" : data.nodes.length + " 个页面");
      refresh(chart);
      chart.zoomToFit(400, 30, function (n) { return shown === null || shown[n.i]; });
    });
    search.addEventListener("input", function () {
      matches = {};
      var query = search.value.trim().toLowerCase();
      var first = null;
      if (query) {
        chart.graphData().nodes.forEach(function (n) {
          if (n.t.toLowerCase().indexOf(query) >= 0) {
            matches[n.i] = true;
            if (!first) first = n;
          }
        });
      }
      status(container, query ? Object.keys(matches).length + " 个页面符合" : "");
      refresh(chart);
      if (first) chart.centerAt(first.x, first.y, 400);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      var first = chart.graphData().nodes.find(function (n) { return matches[n.i]; });
      if (first) window.location.href = new URL(first.id, ROOT).href;
    });
  }

  /* The degree from which a node is among the best-connected 3%: those are always named. */
  function hubDegree(data) {
    var degrees = data.nodes.map(function (n) { return n.nb.length; }).sort(function (a, b) { return b - a; });
    return Math.max(3, degrees[Math.floor(degrees.length * 0.03)] || 0);
  }

  function refresh(chart) {
    chart.nodeVisibility(chart.nodeVisibility()).nodeColor(chart.nodeColor());
  }

  function fillFilter(select, data) {
    var tags = {};
    data.nodes.forEach(function (n) { (n.g || []).forEach(function (t) { tags[t] = (tags[t] || 0) + 1; }); });
    var concepts = data.nodes.filter(function (n) { return n.k === "c" && n.nb.length; })
      .sort(function (a, b) { return b.nb.length - a.nb.length; });
    addGroup(select, "概念", concepts.map(function (n) { return ["c:" + n.i, n.t + "（" + n.nb.length + "）"]; }));
    addGroup(select, "标签", Object.keys(tags).sort(function (a, b) { return tags[b] - tags[a]; })
      .map(function (t) { return ["t:" + t, t + "（" + tags[t] + "）"]; }));
  }

  function addGroup(select, name, options) {
    if (!options.length) return;
    var group = document.createElement("optgroup");
    group.label = name;
    options.forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      group.appendChild(option);
    });
    select.appendChild(group);
  }

  /* A concept with every page linked to it, or every page with a tag. */
  function choose(data, value) {
    if (!value) return null;
    var kept = {};
    if (value.slice(0, 2) === "c:") {
      var concept = data.nodes[Number(value.slice(2))];
      kept[concept.i] = true;
      concept.nb.forEach(function (i) { kept[i] = true; });
    } else {
      var tag = value.slice(2);
      data.nodes.forEach(function (n) { if ((n.g || []).indexOf(tag) >= 0) kept[n.i] = true; });
    }
    return kept;
  }

  /* ---- one page's neighbourhood ---- */

  function neighbourhood(data, start, depth) {
    var seen = {};
    seen[start.i] = 0;
    var frontier = [start.i];
    var order = [start.i];
    for (var step = 1; step <= depth && order.length < LOCAL_LIMIT; step++) {
      var next = [];
      frontier.forEach(function (i) {
        data.nodes[i].nb.forEach(function (j) {
          if (seen[j] === undefined) { seen[j] = step; next.push(j); }
        });
      });
      next.sort(function (a, b) { return data.nodes[b].nb.length - data.nodes[a].nb.length; });
      next = next.slice(0, LOCAL_LIMIT - order.length);
      order = order.concat(next);
      frontier = next;
    }
    return order;
  }

  function showLocal(container, data) {
    var start = data.byId[container.dataset.gdNode];
    if (!start) {
      status(container, "本页不在关系图中。");
      return;
    }
    var depth = 1;
    var options = {
      local: true,
      visible: function () { return true; },
      focus: function (n) { return n.i === start.i; },
      dimmed: function () { return false; },
      labelled: function () { return true; }
    };
    var chart = draw(container, subgraph(data, neighbourhood(data, start, depth)), options);
    report();
    container.querySelectorAll('input[name="gd-depth"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        depth = Number(radio.value);
        delete container.dataset.gdFitted;
        var graph = subgraph(data, neighbourhood(data, start, depth));
        container.dataset.gdNodes = String(graph.nodes.length);
        chart.graphData(graph);
        report();
      });
    });

    function report() {
      var count = chart.graphData().nodes.length - 1;
      status(container, count ? count + " 个相连的页面" : "还没有与本页相连的页面。");
    }
  }

  function fail(container, error) {
    status(container, "关系图无法加载。");
    container.dataset.gdError = String(error && error.message || error);
  }

  function start(container) {
    Promise.all([graphData(), library()]).then(function (results) {
      if (container.dataset.gdGraph === "global") showGlobal(container, results[0]);
      else showLocal(container, results[0]);
    }).catch(function (error) { fail(container, error); });
  }

  function init() {
    var containers = document.querySelectorAll(".gd-graph:not([data-gd-started])");
    var watcher = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          watcher.unobserve(entry.target);
          start(entry.target);
        }
      });
    }, { rootMargin: "200px" }) : null;
    containers.forEach(function (container) {
      container.dataset.gdStarted = "1";
      // A page's own graph waits until the reader scrolls near it; the graph page starts at once.
      if (container.dataset.gdGraph === "local" && watcher) watcher.observe(container);
      else start(container);
    });
  }

  init();
  // With Material's instant navigation, pages arrive without a reload: start their graphs too.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
})();
