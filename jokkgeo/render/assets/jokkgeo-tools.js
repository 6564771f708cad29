/* jokkgeo map tools: background (context layers, place labels), SWEREF 99 TM coordinates,
 * fullscreen, measure, search, overview map, link to the view (URL hash), print, raster values.
 * Plain Leaflet, written for jokkgeo (no plugins, no network). Label and search strings arrive
 * HTML-escaped from Python; every other text is set with textContent. Wired by
 * jokkgeo/render/web_tools.py. */
(function () {
  "use strict";
  var J = (window.jokkgeo = window.jokkgeo || { maps: {} });

  // --- SWEREF 99 TM (EPSG:3006): GRS 80, central meridian 15° E, scale 0.9996, false easting 500 km.
  // Gauss-Krüger series as published by Lantmäteriet ("Gauss conformal projection", millimetre accuracy).
  var TM = (function () {
    var a = 6378137.0, f = 1 / 298.257222101, k0 = 0.9996, lon0 = 15.0 * Math.PI / 180, fe = 500000.0;
    var e2 = f * (2 - f), n = f / (2 - f);
    var aRoof = a / (1 + n) * (1 + n * n / 4 + n * n * n * n / 64);
    var A = e2, B = (5 * e2 * e2 - e2 * e2 * e2) / 6, C = (104 * Math.pow(e2, 3) - 45 * Math.pow(e2, 4)) / 120;
    var D = (1237 * Math.pow(e2, 4)) / 1260;
    var b1 = n / 2 - 2 * n * n / 3 + 5 * Math.pow(n, 3) / 16 + 41 * Math.pow(n, 4) / 180;
    var b2 = 13 * n * n / 48 - 3 * Math.pow(n, 3) / 5 + 557 * Math.pow(n, 4) / 1440;
    var b3 = 61 * Math.pow(n, 3) / 240 - 103 * Math.pow(n, 4) / 140;
    var b4 = 49561 * Math.pow(n, 4) / 161280;
    function atanh(x) { return 0.5 * Math.log((1 + x) / (1 - x)); }
    return {
      // [easting, northing] in metres from latitude/longitude in degrees
      forward: function (lat, lon) {
        var phi = lat * Math.PI / 180, dl = lon * Math.PI / 180 - lon0;
        var s = Math.sin(phi), s2 = s * s;
        var phiStar = phi - s * Math.cos(phi) * (A + B * s2 + C * s2 * s2 + D * s2 * s2 * s2);
        var xi = Math.atan(Math.tan(phiStar) / Math.cos(dl));
        var eta = atanh(Math.cos(phiStar) * Math.sin(dl));
        var north = k0 * aRoof * (xi + b1 * Math.sin(2 * xi) * Math.cosh(2 * eta) +
          b2 * Math.sin(4 * xi) * Math.cosh(4 * eta) + b3 * Math.sin(6 * xi) * Math.cosh(6 * eta) +
          b4 * Math.sin(8 * xi) * Math.cosh(8 * eta));
        var east = k0 * aRoof * (eta + b1 * Math.cos(2 * xi) * Math.sinh(2 * eta) +
          b2 * Math.cos(4 * xi) * Math.sinh(4 * eta) + b3 * Math.cos(6 * xi) * Math.sinh(6 * eta) +
          b4 * Math.cos(8 * xi) * Math.sinh(8 * eta)) + fe;
        return [east, north];
      }
    };
  })();
  J.tm = TM;

  function state(map) {
    var id = map.getContainer().id;
    if (!J.maps[id]) { J.maps[id] = { map: map, overlays: [], bases: [], ready: false }; }
    var st = J.maps[id];
    st.context = st.context || [];
    st.contextData = st.contextData || [];
    st.rasters = st.rasters || [];
    return st;
  }
  J.toolState = state;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function pane(map, name, z) {
    var p = map.getPane(name) || map.createPane(name);
    p.style.zIndex = String(z);
    return p;
  }

  function numberFormat(lang, digits) {
    return new Intl.NumberFormat(lang === "en" ? "en-GB" : "sv-SE",
      { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  }

  // --- context layers: under every analysis layer (own pane between tiles and overlays), not interactive
  J.context = function (map, cfg, data) {
    var st = state(map);
    pane(map, "jg-context", 250).style.pointerEvents = "none";
    if (!st.contextRenderer) { st.contextRenderer = L.canvas({ pane: "jg-context", padding: 0.5 }); }
    var s = cfg.style;
    var layer = L.geoJSON(data, {
      pane: "jg-context", renderer: st.contextRenderer, interactive: false,
      style: function () {
        return { color: s.color, weight: s.weight, opacity: s.opacity, fillColor: s.fillColor,
          fillOpacity: s.fillOpacity, stroke: s.weight > 0 };
      }
    });
    layer.addTo(map);
    st.context.push({ id: cfg.id, title: cfg.title, layer: layer });
    st.contextData.push({ data: data, style: s });
    return layer;
  };

  // --- permanent place labels: rank 0 always, rank 1 from cfg.minZoom[1]
  J.labels = function (map, cfg) {
    var st = state(map);
    pane(map, "jg-labels", 450).style.pointerEvents = "none";
    var groups = cfg.minZoom.map(function () { return L.layerGroup(); });
    cfg.items.forEach(function (it) {
      var icon = L.divIcon({ className: "jg-label jg-label-r" + it[3], html: "<span>" + it[2] + "</span>",
        iconSize: null, iconAnchor: [-6, 9] });
      L.marker([it[0], it[1]], { icon: icon, interactive: false, keyboard: false, pane: "jg-labels" })
        .addTo(groups[Math.min(it[3], groups.length - 1)]);
    });
    var all = L.layerGroup();
    function update() {
      var z = map.getZoom();
      groups.forEach(function (g, i) {
        if (z >= cfg.minZoom[i]) { all.addLayer(g); } else { all.removeLayer(g); }
      });
    }
    map.on("zoomend", update);
    map.whenReady(update);
    all.addTo(map);
    st.context.push({ id: "labels", title: cfg.title, layer: all });
    st.labels = cfg.items;
    return all;
  };

  // --- raster values: a coarse grid in EPSG:3006 answering clicks on an image layer
  J.rasterValues = function (map, key, grid) {
    var st = state(map);
    st.rasterGrids = st.rasterGrids || {};
    st.rasterGrids[key] = grid;
  };

  function rasterPopup(map, st, cfg, e) {
    var grids = st.rasterGrids || {};
    var rows = [];
    st.overlays.forEach(function (o) {
      var g = grids[o.id];
      if (!g || !map.hasLayer(o.layer)) { return; }
      var xy = TM.forward(e.latlng.lat, e.latlng.lng);
      var c = Math.floor((xy[0] - g.x0) / g.dx), r = Math.floor((g.y1 - xy[1]) / g.dy);
      var v = (c >= 0 && r >= 0 && c < g.cols && r < g.rows) ? g.v[r * g.cols + c] : null;
      var text = (v === null || v === undefined) ? cfg.text.noValue : numberFormat(cfg.lang, g.digits).format(v);
      rows.push([o.title, text, g.note]);
    });
    if (!rows.length) { return false; }
    var box = el("div", "jg-popup");
    rows.forEach(function (r) {
      box.appendChild(el("div", "jg-popup-title", r[0]));
      var t = el("table"), tr = el("tr");
      tr.appendChild(el("th", null, cfg.text.value));
      tr.appendChild(el("td", null, r[1]));
      t.appendChild(tr);
      box.appendChild(t);
      box.appendChild(el("div", "jg-note", r[2]));
    });
    L.popup({ maxWidth: 320 }).setLatLng(e.latlng).setContent(box).openOn(map);
    return true;
  }

  // --- controls -------------------------------------------------------------------------------
  function control(map, node, position) {
    var Ctl = L.Control.extend({ onAdd: function () { return node; } });
    var c = new Ctl({ position: position });
    c.addTo(map);
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
    return c;
  }

  // tool icons: inline SVG (no icon font, no emoji font needed)
  var ICONS = {
    fullscreen: '<path d="M3 7V3h4M13 3h4v4M17 13v4h-4M7 17H3v-4"/>',
    search: '<circle cx="8.5" cy="8.5" r="5"/><path d="M12.2 12.2 17 17"/>',
    measure: '<path d="M2.5 13.5 13.5 2.5l4 4-11 11z"/><path d="M6 10l1.5 1.5M8.5 7.5 10 9M11 5l1.5 1.5"/>',
    minimap: '<rect x="2.5" y="2.5" width="15" height="15"/><rect x="8" y="8" width="6" height="5"/>',
    link: '<path d="M8.5 11.5a3 3 0 0 0 4.2 0l3-3a3 3 0 0 0-4.2-4.2l-1 1"/><path d="M11.5 8.5a3 3 0 0 0-4.2 0l-3 3a3 3 0 0 0 4.2 4.2l1-1"/>',
    print: '<path d="M5.5 7.5v-5h9v5M5.5 14.5h-3v-7h15v7h-3"/><rect x="5.5" y="11.5" width="9" height="6"/>'
  };

  function button(bar, cls, title, icon, onClick) {
    var b = el("a", "jg-tool " + cls);
    b.innerHTML = '<svg viewBox="0 0 20 20" width="18" height="18" fill="none" stroke="currentColor" ' +
      'stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">' + ICONS[icon] + "</svg>";
    b.href = "#";
    b.title = title;
    b.setAttribute("role", "button");
    b.setAttribute("aria-label", title);
    b.addEventListener("click", function (ev) { ev.preventDefault(); onClick(b); });
    bar.appendChild(b);
    return b;
  }

  function coordinates(map, cfg) {
    var box = el("div", "jg-coords");
    box.title = cfg.text.coordinates;
    var fmt = numberFormat(cfg.lang, 0);
    function show(ll) {
      var xy = TM.forward(ll.lat, ll.lng);
      box.textContent = cfg.text.coordinates + "  N " + fmt.format(Math.round(xy[1])) + "  E " + fmt.format(Math.round(xy[0]));
    }
    map.on("mousemove", function (e) { show(e.latlng); });
    map.on("moveend", function () { show(map.getCenter()); });
    control(map, box, "bottomleft");
    map.whenReady(function () { show(map.getCenter()); });
  }

  function fullscreen(map, bar, cfg) {
    var container = map.getContainer();
    button(bar, "jg-tool-fullscreen", cfg.text.fullscreen, "fullscreen", function () {
      var doc = document;
      if (doc.fullscreenElement) {
        doc.exitFullscreen().catch(function () { /* ignore */ });
        return;
      }
      if (container.classList.contains("jg-fullscreen")) {
        container.classList.remove("jg-fullscreen");
        map.invalidateSize();
        return;
      }
      var done = function () { map.invalidateSize(); };
      if (container.requestFullscreen) {
        container.requestFullscreen().then(done).catch(function () {
          container.classList.add("jg-fullscreen");  // fallback: fill the window
          done();
        });
      } else {
        container.classList.add("jg-fullscreen");
        done();
      }
    });
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
  }

  function printView(map, bar, cfg) {
    button(bar, "jg-tool-print", cfg.text.print, "print", function () { window.print(); });
    window.addEventListener("beforeprint", function () { map.invalidateSize({ pan: false }); });
    window.addEventListener("afterprint", function () { map.invalidateSize({ pan: false }); });
  }

  function hashLink(map, bar, cfg, st) {
    function write() {
      var c = map.getCenter();
      var h = "#" + map.getZoom() + "/" + c.lat.toFixed(5) + "/" + c.lng.toFixed(5);
      try { history.replaceState(null, "", h); } catch (err) { /* file:// in some browsers */ }
    }
    st.applyHash = function () {
      var m = /^#(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(window.location.hash || "");
      if (m) { map.setView([parseFloat(m[2]), parseFloat(m[3])], parseInt(m[1], 10), { animate: false }); }
      map.on("moveend", write);
    };
    button(bar, "jg-tool-link", cfg.text.link, "link", function (b) {
      write();
      b.title = cfg.text.linkCopied;
      var url = window.location.href;
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).catch(function () { /* not allowed: the address bar has it */ });
      }
    });
  }

  function measure(map, bar, cfg) {
    var st = state(map);
    pane(map, "jg-measure", 620);
    var panel = el("div", "jg-box jg-measure-panel");
    panel.style.display = "none";
    var hint = el("div", "jg-note", cfg.text.measureHint);
    var out = el("div", "jg-measure-out");
    var clear = el("a", "jg-measure-clear", cfg.text.measureClear);
    clear.href = "#";
    panel.appendChild(el("div", "jg-h", cfg.text.measure));
    panel.appendChild(hint);
    panel.appendChild(out);
    panel.appendChild(clear);
    var pts = [], closed = false, done = false;  // done: a finished line; closed: a finished area
    var group = L.layerGroup().addTo(map);
    var fmt1 = numberFormat(cfg.lang, 1), fmt2 = numberFormat(cfg.lang, 2);
    function tmLength(list) {
      var s = 0;
      for (var i = 1; i < list.length; i++) {
        var p = TM.forward(list[i - 1].lat, list[i - 1].lng), q = TM.forward(list[i].lat, list[i].lng);
        s += Math.sqrt((q[0] - p[0]) * (q[0] - p[0]) + (q[1] - p[1]) * (q[1] - p[1]));
      }
      return s;
    }
    function tmArea(list) {
      var s = 0, xy = list.map(function (ll) { return TM.forward(ll.lat, ll.lng); });
      for (var i = 0; i < xy.length; i++) {
        var j = (i + 1) % xy.length;
        s += xy[i][0] * xy[j][1] - xy[j][0] * xy[i][1];
      }
      return Math.abs(s) / 2;
    }
    function draw() {
      group.clearLayers();
      var opts = { pane: "jg-measure", color: "#d6336c", weight: 2.5, dashArray: "6 4", interactive: false };
      if (closed && pts.length >= 3) {
        L.polygon(pts, L.extend({ fillOpacity: 0.12 }, opts)).addTo(group);
      } else if (pts.length >= 2) {
        L.polyline(pts, opts).addTo(group);
      }
      pts.forEach(function (p) {
        L.circleMarker(p, { pane: "jg-measure", radius: 3.5, color: "#d6336c", fillColor: "#fff",
          fillOpacity: 1, weight: 2, interactive: false }).addTo(group);
      });
      var dist = tmLength(closed ? pts.concat([pts[0]]) : pts);
      var txt = pts.length >= 2 ? cfg.text.distance + ": " + fmt2.format(dist / 1000) + " km" : "";
      if (closed && pts.length >= 3) {
        txt += " \u2014 " + cfg.text.area + ": " + fmt1.format(tmArea(pts) / 1e6) + " km\u00B2";
      }
      out.textContent = txt;
    }
    function onClick(e) {
      if (closed || done) { pts = []; closed = false; done = false; }
      if (pts.length >= 3) {
        var first = map.latLngToContainerPoint(pts[0]), here = map.latLngToContainerPoint(e.latlng);
        if (first.distanceTo(here) < 10) { closed = true; draw(); return; }
      }
      pts.push(e.latlng);
      draw();
    }
    function onDbl(e) {  // finishes the line (its two clicks added the last point twice: drop one)
      L.DomEvent.stop(e);
      if (pts.length >= 2 && pts[pts.length - 1].equals(pts[pts.length - 2])) { pts.pop(); }
      done = pts.length >= 2;
      draw();
    }
    clear.addEventListener("click", function (ev) { ev.preventDefault(); pts = []; closed = false; done = false; draw(); });
    var btn = button(bar, "jg-tool-measure", cfg.text.measure, "measure", function () {
      st.measuring = !st.measuring;
      map.getContainer().classList.toggle("jg-measuring", st.measuring);
      btn.classList.toggle("jg-on", st.measuring);
      panel.style.display = st.measuring ? "" : "none";
      if (st.measuring) {
        map.doubleClickZoom.disable();
        map.on("click", onClick);
        map.on("dblclick", onDbl);
      } else {
        map.doubleClickZoom.enable();
        map.off("click", onClick);
        map.off("dblclick", onDbl);
        pts = []; closed = false; done = false; draw();
      }
    });
    return panel;
  }

  function unescapeHtml(s) {
    var t = document.createElement("textarea");
    t.innerHTML = s;
    return t.value;
  }

  function search(map, bar, cfg, st) {
    var panel = el("div", "jg-box jg-search-panel");
    panel.style.display = "none";
    var input = el("input", "jg-search-input");
    input.type = "search";
    input.placeholder = cfg.text.search;
    input.setAttribute("aria-label", cfg.text.search);
    var list = el("div", "jg-search-list");
    panel.appendChild(input);
    panel.appendChild(list);
    var index = null;
    function build() {
      index = [];
      var seen = {};
      st.overlays.forEach(function (o) {
        if (!o.layer.eachLayer) { return; }
        o.layer.eachLayer(function (lyr) {
          var p = lyr.feature && lyr.feature.properties;
          if (!p || !p.t || seen[o.id + "\u0000" + p.t]) { return; }  // one hit per name and layer
          seen[o.id + "\u0000" + p.t] = true;
          index.push({ html: p.t, text: unescapeHtml(p.t).toLowerCase(), o: o, lyr: lyr });
        });
      });
      (st.labels || []).forEach(function (it) {
        index.push({ html: it[2], text: unescapeHtml(it[2]).toLowerCase(), latlng: L.latLng(it[0], it[1]) });
      });
    }
    function go(hit) {
      if (hit.o && !map.hasLayer(hit.o.layer)) {
        var box = map.getContainer().querySelector('input[data-jg-overlay="' + hit.o.id + '"]');
        if (box) { box.click(); } else { map.addLayer(hit.o.layer); }
      }
      if (hit.lyr && hit.lyr.getBounds) {
        map.fitBounds(hit.lyr.getBounds(), { maxZoom: 12 });
        if (hit.lyr.openPopup) { hit.lyr.openPopup(hit.lyr.getBounds().getCenter()); }
      } else {
        var ll = hit.lyr ? hit.lyr.getLatLng() : hit.latlng;
        map.setView(ll, Math.max(map.getZoom(), 11));
        if (hit.lyr && hit.lyr.openPopup) { hit.lyr.openPopup(); }
      }
    }
    input.addEventListener("input", function () {
      if (index === null) { build(); }
      var q = input.value.trim().toLowerCase();
      list.textContent = "";
      if (!q) { return; }
      var hits = index.filter(function (h) { return h.text.indexOf(q) !== -1; }).slice(0, 12);
      if (!hits.length) { list.appendChild(el("div", "jg-note", cfg.text.searchNone)); }
      hits.forEach(function (h) {
        var a = el("a", "jg-search-hit", unescapeHtml(h.html));  // as text: safe whether or not it came escaped
        a.href = "#";
        if (h.o) { a.appendChild(el("span", "jg-search-layer", " \u2013 " + h.o.title)); }
        a.addEventListener("click", function (ev) { ev.preventDefault(); go(h); });
        list.appendChild(a);
      });
    });
    button(bar, "jg-tool-search", cfg.text.search, "search", function () {
      panel.style.display = panel.style.display === "none" ? "" : "none";
      if (panel.style.display === "") { input.focus(); }
    });
    return panel;
  }

  function minimap(map, bar, cfg, st) {
    var box = el("div", "jg-minimap");
    var open = window.innerWidth >= cfg.minimapOpenWidth;
    box.style.display = open ? "" : "none";
    control(map, box, "bottomright");
    var mini = null, rect = null;
    function sync() {
      if (!mini || box.style.display === "none") { return; }
      rect.setBounds(map.getBounds());
    }
    function create() {
      mini = L.map(box, { attributionControl: false, zoomControl: false, dragging: false, scrollWheelZoom: false,
        doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false, preferCanvas: true });
      // a view before any layer: Leaflet defers layers of a map without a view, and the canvas
      // renderer created for an early path would then be set up after the paths that use it
      mini.fitBounds(cfg.bounds, { animate: false });
      mini.setZoom(Math.max(mini.getZoom() - 1, 1), { animate: false });
      st.contextData.forEach(function (c) {
        L.geoJSON(c.data, { interactive: false, style: function () {
          return { color: c.style.color, weight: Math.min(c.style.weight, 0.6), fillColor: c.style.fillColor,
            fillOpacity: c.style.fillOpacity, stroke: c.style.weight > 0 };
        } }).addTo(mini);
      });
      L.rectangle(cfg.bounds, { color: "#555", weight: 1, fill: false, dashArray: "3 3", interactive: false }).addTo(mini);
      rect = L.rectangle(map.getBounds(), { color: "#d6336c", weight: 1.5, fillOpacity: 0.05, interactive: false }).addTo(mini);
      mini.on("click", function (e) { map.panTo(e.latlng); });
      sync();
    }
    map.on("moveend zoomend", sync);
    st.minimapStart = function () { if (box.style.display !== "none") { create(); } };
    button(bar, "jg-tool-minimap", cfg.text.minimap, "minimap", function () {
      box.style.display = box.style.display === "none" ? "" : "none";
      if (box.style.display === "") {
        if (!mini) { create(); } else { mini.invalidateSize(); sync(); }
      }
    });
  }

  // called by jokkgeo.finish before the title box is placed (tools sit under the zoom buttons)
  J.tools = function (map, cfg) {
    var st = state(map);
    var bar = el("div", "leaflet-bar jg-toolbar");
    var wrap = el("div", "jg-tools");
    wrap.appendChild(bar);
    var panels = el("div", "jg-tool-panels");
    wrap.appendChild(panels);
    var t = cfg.tools || {};
    if (t.fullscreen) { fullscreen(map, bar, cfg); }
    if (t.search) { panels.appendChild(search(map, bar, cfg, st)); }
    if (t.measure) { panels.appendChild(measure(map, bar, cfg)); }
    if (t.minimap) { minimap(map, bar, cfg, st); }
    if (t.hash) { hashLink(map, bar, cfg, st); }
    if (t.print) { printView(map, bar, cfg); }
    control(map, wrap, "topleft");
    if (t.coordinates) { coordinates(map, cfg); }
    var lastFeatureEvent = null;
    st.overlays.forEach(function (o) {
      if (o.layer.on && o.layer.eachLayer) {
        o.layer.on("click", function (e) { lastFeatureEvent = e.originalEvent; });
      }
    });
    map.on("click", function (e) {
      if (st.measuring || e.originalEvent === lastFeatureEvent) { return; }
      rasterPopup(map, st, cfg, e);
    });
  };

  // called by jokkgeo.finish after the first fit: restore a linked view, draw the overview map
  J.toolsReady = function (map) {
    var st = state(map);
    if (st.applyHash) { st.applyHash(); }
    if (st.minimapStart) { st.minimapStart(); }
  };
})();
