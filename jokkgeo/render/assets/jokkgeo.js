/* jokkgeo map runtime: plain Leaflet, no other libraries, no network.
 * Popup and tooltip strings arrive HTML-escaped from Python; titles are set with
 * textContent. Nothing here evaluates data. */
(function () {
  "use strict";
  var J = (window.jokkgeo = window.jokkgeo || { maps: {} });

  function state(map) {
    var id = map.getContainer().id;
    if (!J.maps[id]) {
      J.maps[id] = { map: map, overlays: [], bases: [], ready: false };
    }
    return J.maps[id];
  }

  function register(map, cfg, layer) {
    var st = state(map);
    st.overlays.push({ id: cfg.id, order: cfg.order, title: cfg.title, group: cfg.group, layer: layer, show: !!cfg.show,
                       kind: cfg.kind });
    if (cfg.show) {
      layer.addTo(map);
    }
    return layer;
  }

  // popup rows arrive escaped from Python; rows without a value are left out
  function popupHtml(cfg, props) {
    var rows = "";
    var values = props.p || [];
    for (var i = 0; i < cfg.fields.length; i++) {
      if (values[i] === undefined || values[i] === "") { continue; }
      rows += "<tr><th>" + cfg.fields[i] + "</th><td>" + values[i] + "</td></tr>";
    }
    var head = props.t ? '<div class="jg-popup-title">' + props.t + '</div><div class="jg-popup-layer">' +
      cfg.titleHtml + "</div>" : '<div class="jg-popup-title">' + cfg.titleHtml + "</div>";
    return '<div class="jg-popup">' + head + "<table>" + rows + "</table></div>";
  }

  // popups keep clear of the map's controls: the padding is measured when a popup opens
  function controlPadding(map) {
    var box = map.getContainer().getBoundingClientRect();
    var top = 10, bottom = 10;
    var corners = map.getContainer().querySelectorAll(".leaflet-top .leaflet-control, .leaflet-bottom .leaflet-control");
    for (var i = 0; i < corners.length; i++) {
      var r = corners[i].getBoundingClientRect();
      if (!r.height || !r.width) { continue; }
      if (r.top - box.top < box.height / 2) { top = Math.max(top, r.bottom - box.top + 16); }
      else { bottom = Math.max(bottom, box.bottom - r.top + 8); }
    }
    // never ask for more than half of the map: a popup must still fit
    top = Math.min(top, box.height * 0.45);
    bottom = Math.min(bottom, box.height * 0.3);
    return { tl: L.point(10, top), br: L.point(10, bottom) };
  }

  J.narrow = function () { return window.innerWidth < 700 || window.innerHeight < 500; };

  // padding read by Leaflet when it pans a popup into view: live values (getters), so a popup
  // opened by a click is placed clear of the controls as they are at that moment
  function livePadding(map) {
    var st = state(map);
    if (!st.pad) {
      var tl = L.point(10, 10), br = L.point(10, 10);
      Object.defineProperty(tl, "y", { get: function () { return controlPadding(map).tl.y; } });
      Object.defineProperty(br, "y", { get: function () { return controlPadding(map).br.y; } });
      st.pad = { tl: tl, br: br };
    }
    return st.pad;
  }

  function bindPopupPadding(map) {
    map.on("popupopen", function () {
      if (J.narrow()) { J.collapseAll(); }
    });
  }

  // several point symbols under one click: a list to choose from, so none is hidden
  var TOLERANCE = 4;
  function pointsAt(map, latlng) {
    var st = state(map), here = map.latLngToContainerPoint(latlng), found = [];
    st.overlays.forEach(function (o) {
      if (!map.hasLayer(o.layer) || !o.layer.eachLayer || o.kind !== "point") { return; }
      o.layer.eachLayer(function (m) {
        if (!m.getLatLng || !m.getPopup()) { return; }
        var d = map.latLngToContainerPoint(m.getLatLng()).distanceTo(here);
        if (d <= (m.options.radius || 5) + TOLERANCE) { found.push({ marker: m, overlay: o }); }
      });
    });
    return found;
  }

  function chooser(map, latlng, found, cfgText) {
    var box = element("div", "jg-popup jg-chooser");
    box.appendChild(element("div", "jg-popup-title", cfgText));
    found.forEach(function (f) {
      var b = element("button", "jg-choice");
      b.type = "button";
      var name = f.marker.feature && f.marker.feature.properties && f.marker.feature.properties.t;
      var tmp = document.createElement("div");
      tmp.innerHTML = name || "";  // escaped in Python
      b.textContent = (tmp.textContent ? tmp.textContent + " – " : "") + f.overlay.title;
      b.addEventListener("click", function () { map.closePopup(); f.marker.openPopup(); });
      box.appendChild(b);
    });
    var pad = livePadding(map);
    L.popup({ maxWidth: 300, autoPanPaddingTopLeft: pad.tl, autoPanPaddingBottomRight: pad.br })
      .setLatLng(latlng).setContent(box).openOn(map);
  }

  J.vector = function (map, cfg, data) {
    var s = cfg.style;
    function styleFn(feature) {
      var out = {
        color: s.color, weight: s.weight, opacity: s.opacity,
        fillColor: s.fillColor, fillOpacity: s.fillOpacity, dashArray: s.dashArray || null
      };
      var c = feature && feature.properties ? feature.properties.c : null;
      if (c) {
        if (cfg.kind === "line") { out.color = c; } else { out.fillColor = c; }
      }
      return out;
    }
    var layer = L.geoJSON(data, {
      style: styleFn,
      pointToLayer: function (feature, latlng) {
        var o = styleFn(feature);
        o.radius = s.radius;
        return L.circleMarker(latlng, o);
      },
      onEachFeature: function (feature, lyr) {
        var p = feature.properties || {};
        if (cfg.fields.length) {
          var pad = livePadding(map);
          lyr.bindPopup(function () { return popupHtml(cfg, p); },
                        { maxWidth: 320, autoPanPaddingTopLeft: pad.tl, autoPanPaddingBottomRight: pad.br });
          if (cfg.kind === "point") {
            lyr.on("click", function (ev) {
              var found = pointsAt(map, lyr.getLatLng());
              if (found.length > 1) {
                lyr.closePopup();
                L.DomEvent.stop(ev);
                chooser(map, lyr.getLatLng(), found, (J.texts[map.getContainer().id] || {}).here || "");
              }
            });
          }
        }
        if (p.t) {
          lyr.bindTooltip(p.t, { sticky: cfg.kind !== "point" });
        }
      }
    });
    return register(map, cfg, layer);
  };

  J.image = function (map, cfg) {
    var layer = L.imageOverlay(cfg.url, cfg.bounds, { opacity: cfg.opacity, interactive: false });
    return register(map, cfg, layer);
  };

  function element(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) { el.className = cls; }
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  // a legend section may describe layers of several synced maps ("p0l1 p1l4"):
  // it is shown while any of them is on
  var layerOn = {};
  function setLegendVisible(id, visible) {
    layerOn[id] = visible;
    var nodes = document.querySelectorAll('[data-jg-layer~="' + id + '"]');
    for (var i = 0; i < nodes.length; i++) {
      var any = nodes[i].getAttribute("data-jg-layer").split(" ").some(function (k) { return layerOn[k]; });
      nodes[i].style.display = any ? "" : "none";
    }
  }

  // a box with a heading (.jg-h) folds to its heading; narrow screens open with boxes folded
  var foldable = [];
  function makeFoldable(el, startFolded) {
    var head = el.querySelector(".jg-h");
    if (!head || el.getAttribute("data-jg-fold")) { return; }
    el.setAttribute("data-jg-fold", "1");
    var btn = element("button", "jg-fold");
    btn.type = "button";
    head.insertBefore(btn, head.firstChild);
    function set(folded) {
      el.classList.toggle("jg-folded", folded);
      btn.textContent = folded ? "\u25b8" : "\u25be";
      btn.setAttribute("aria-expanded", folded ? "false" : "true");
    }
    head.addEventListener("click", function (ev) {
      if (ev.target.closest && ev.target.closest("a, .jg-flag") && ev.target !== btn) { return; }
      set(!el.classList.contains("jg-folded"));
    });
    el.jgFold = set;
    set(!!startFolded);
    foldable.push(el);
  }
  J.collapseAll = function () { foldable.forEach(function (el) { el.jgFold(true); }); };

  // caveat badges: open the caveat box and point at the caveat
  function bindCaveatBadges() {
    var badges = document.querySelectorAll("[data-jg-caveat]");
    for (var i = 0; i < badges.length; i++) {
      if (badges[i].getAttribute("data-jg-bound")) { continue; }
      badges[i].setAttribute("data-jg-bound", "1");
      badges[i].addEventListener("click", function (ev) {
        ev.preventDefault();
        ev.stopPropagation();
        var id = this.getAttribute("data-jg-caveat");
        var item = document.getElementById(id);
        if (!item) { return; }
        var box = item.closest(".jg-caveats");
        if (box && box.jgFold) { box.jgFold(false); }
        var marked = document.querySelectorAll(".jg-caveat-marked");
        for (var k = 0; k < marked.length; k++) { marked[k].classList.remove("jg-caveat-marked"); }
        item.classList.add("jg-caveat-marked");
        if (item.scrollIntoView) { item.scrollIntoView({ block: "nearest" }); }
      });
    }
  }
  J.bindCaveatBadges = bindCaveatBadges;
  J.makeFoldable = makeFoldable;
  J.texts = {};

  function staticControl(map, el, position) {
    if (!el) { return null; }
    var Ctl = L.Control.extend({ onAdd: function () { return el; } });
    var ctl = new Ctl({ position: position });
    ctl.addTo(map);
    el.style.display = "";
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
    return ctl;
  }

  function restack(map, st) {
    // keep the drawing order (registration order) after a layer is switched back on
    st.overlays.forEach(function (o) {
      if (map.hasLayer(o.layer) && o.layer.bringToFront) { o.layer.bringToFront(); }
    });
  }

  function layerControl(map, cfg, st) {
    var box = element("div", "jg-box jg-layers leaflet-bar");
    box.appendChild(element("div", "jg-h", cfg.text.layers));
    var groups = [];
    var byGroup = {};
    var listed = st.overlays.slice().sort(function (a, b) { return a.order - b.order; });
    listed.forEach(function (o) {
      if (!byGroup[o.group]) { byGroup[o.group] = []; groups.push(o.group); }
      byGroup[o.group].push(o);
    });
    groups.forEach(function (g) {
      var sec = element("div", "jg-group");
      sec.appendChild(element("div", "jg-group-title", g));
      byGroup[g].forEach(function (o) {
        var lab = element("label", "jg-item");
        var input = document.createElement("input");
        input.type = "checkbox";
        input.checked = map.hasLayer(o.layer);
        input.setAttribute("data-jg-overlay", o.id);
        input.addEventListener("change", function () {
          if (input.checked) { map.addLayer(o.layer); restack(map, st); } else { map.removeLayer(o.layer); }
          setLegendVisible(o.id, input.checked);
        });
        lab.appendChild(input);
        lab.appendChild(element("span", null, " " + o.title));
        sec.appendChild(lab);
        setLegendVisible(o.id, input.checked);
      });
      box.appendChild(sec);
    });
    var bsec = element("div", "jg-group");
    bsec.appendChild(element("div", "jg-group-title", cfg.text.background));
    (st.context || []).forEach(function (c) {  // context layers and place labels (jokkgeo-tools.js)
      var lab = element("label", "jg-item");
      var input = document.createElement("input");
      input.type = "checkbox";
      input.checked = map.hasLayer(c.layer);
      input.setAttribute("data-jg-context", c.id);
      input.addEventListener("change", function () {
        if (input.checked) { map.addLayer(c.layer); } else { map.removeLayer(c.layer); }
      });
      lab.appendChild(input);
      lab.appendChild(element("span", null, " " + c.title));
      bsec.appendChild(lab);
    });
    st.bases.forEach(function (b) {
      var lab = element("label", "jg-item");
      var input = document.createElement("input");
      input.type = "radio";
      input.name = map.getContainer().id + "-base";
      input.checked = map.hasLayer(b.layer);
      input.setAttribute("data-jg-base", b.id);
      b.input = input;
      input.addEventListener("change", function () {
        st.bases.forEach(function (other) { if (map.hasLayer(other.layer)) { map.removeLayer(other.layer); } });
        map.addLayer(b.layer);
        b.layer.bringToBack && b.layer.bringToBack();
      });
      lab.appendChild(input);
      lab.appendChild(element("span", null, " " + b.title));
      bsec.appendChild(lab);
    });
    box.appendChild(bsec);
    box.style.display = cfg.layersOpen && !J.narrow() ? "" : "none";  // collapsed: the ☰ button opens it
    var toggle = element("a", "jg-toggle", "\u2630");
    toggle.href = "#";
    toggle.title = cfg.text.layers;
    var wrap = element("div", "jg-layer-wrap");
    wrap.appendChild(toggle);
    wrap.appendChild(box);
    toggle.setAttribute("role", "button");
    toggle.addEventListener("click", function (ev) {
      ev.preventDefault();
      var open = box.style.display === "none";
      box.style.display = open ? "" : "none";
      if (open) {  // one panel at a time on a phone; elsewhere fold what the open list would lie under
        var lb = box.getBoundingClientRect();
        foldable.forEach(function (el) {
          var r = el.getBoundingClientRect();
          var overlaps = r.left < lb.right && r.right > lb.left && r.top < lb.bottom && r.bottom > lb.top;
          if (J.narrow() || overlaps) { el.jgFold(true); }
        });
      }
    });
    J.closeLayers = J.closeLayers || [];
    J.closeLayers.push(function () { box.style.display = "none"; });
    staticControl(map, wrap, "topright");
  }

  // a tile background that cannot load (offline, blocked) is switched off once, with a note
  function tileFailed(map, cfg, st, base) {
    if (base.failed) { return; }
    base.failed = true;
    map.removeLayer(base.layer);
    var none = st.bases[0];
    map.addLayer(none.layer);
    if (none.input) { none.input.checked = true; }
    if (base.input) { base.input.disabled = true; }
    var note = element("div", "jg-box jg-tile-note", cfg.text.tilesFailed || "");
    var ctl = staticControl(map, note, "bottomleft");
    setTimeout(function () { if (ctl) { ctl.remove(); } }, 8000);
  }

  J.finish = function (map, cfg) {
    var st = state(map);
    var none = L.layerGroup();
    st.bases.push({ id: "none", title: cfg.text.noBackground, layer: none });
    (cfg.tiles || []).forEach(function (t) {
      var layer = L.tileLayer(t.url, { attribution: t.attribution, maxZoom: t.maxZoom, crossOrigin: false });
      var base = { id: t.id, title: t.title, layer: layer };
      layer.on("tileerror", function () { tileFailed(map, cfg, st, base); });
      st.bases.push(base);
    });
    J.texts[map.getContainer().id] = cfg.text;
    var start = st.bases.filter(function (b) { return b.id === cfg.defaultBase; })[0] || st.bases[0];
    start.layer.addTo(map);
    layerControl(map, cfg, st);
    L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
    if (J.tools && cfg.tools) { J.tools(map, cfg); }
    var narrow = J.narrow();
    if (cfg.legendId) {
      var lg = document.getElementById(cfg.legendId);
      staticControl(map, lg, "bottomright");
      makeFoldable(lg, narrow);
    }
    if (cfg.caveatId) {
      var cv = document.getElementById(cfg.caveatId);
      staticControl(map, cv, "bottomleft");
      makeFoldable(cv, narrow);
    }
    if (cfg.titleId) {
      var tt = document.getElementById(cfg.titleId);
      staticControl(map, tt, "topleft");
      if (narrow) { tt.classList.add("jg-title-narrow"); }
      tt.addEventListener("click", function () { tt.classList.toggle("jg-title-narrow"); });
    }
    bindPopupPadding(map);
    bindCaveatBadges();
    map.attributionControl.setPrefix(cfg.prefix);
    // synced maps open without a zoom animation (a follower must not be mid-animation when moved)
    var fit = cfg.focus || cfg.bounds;
    map.fitBounds(fit, cfg.animate === false ? { animate: false } : undefined);
    if (J.toolsReady && cfg.tools) { J.toolsReady(map); }
    st.ready = true;
  };

  // side-by-side page: the legend and caveat column folds like the map boxes
  J.page = function () {
    var narrow = J.narrow();
    ["jg-summary", "jg-legend", "jg-caveats"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { makeFoldable(el, narrow && id !== "jg-summary"); }
    });
    bindCaveatBadges();
  };

  // Side-by-side maps: moving or zooming one map moves the others to the same view.
  // `busy` stops the echo (the followers' own move events) from moving the leader back.
  J.sync = function (maps) {
    var busy = false;
    J.synced = maps;
    maps.forEach(function (leader) {
      leader.on("move zoomend", function () {
        if (busy) { return; }
        busy = true;
        try {
          var centre = leader.getCenter(), zoom = leader.getZoom();
          maps.forEach(function (other) {
            if (other !== leader) { other.setView(centre, zoom, { animate: false }); }
          });
        } finally {
          busy = false;
        }
      });
    });
    // start from the first map's view (separate fits can differ by a pixel of rounding)
    maps.slice(1).forEach(function (other) {
      other.setView(maps[0].getCenter(), maps[0].getZoom(), { animate: false });
    });
  };
})();
