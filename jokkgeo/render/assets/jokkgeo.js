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
    st.overlays.push({ id: cfg.id, order: cfg.order, title: cfg.title, group: cfg.group, layer: layer, show: !!cfg.show });
    if (cfg.show) {
      layer.addTo(map);
    }
    return layer;
  }

  function popupHtml(cfg, props) {
    var rows = "";
    var values = props.p || [];
    for (var i = 0; i < cfg.fields.length; i++) {
      rows += "<tr><th>" + cfg.fields[i] + "</th><td>" + (values[i] === undefined ? "" : values[i]) + "</td></tr>";
    }
    return '<div class="jg-popup"><div class="jg-popup-title">' + cfg.titleHtml + "</div><table>" + rows + "</table></div>";
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
          lyr.bindPopup(function () { return popupHtml(cfg, p); }, { maxWidth: 360 });
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
    box.style.display = cfg.layersOpen ? "" : "none";  // collapsed: the ☰ button opens it
    var toggle = element("a", "jg-toggle", "\u2630");
    toggle.href = "#";
    toggle.title = cfg.text.layers;
    var wrap = element("div", "jg-layer-wrap");
    wrap.appendChild(toggle);
    wrap.appendChild(box);
    toggle.addEventListener("click", function (ev) {
      ev.preventDefault();
      box.style.display = box.style.display === "none" ? "" : "none";
    });
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
    var start = st.bases.filter(function (b) { return b.id === cfg.defaultBase; })[0] || st.bases[0];
    start.layer.addTo(map);
    layerControl(map, cfg, st);
    L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
    if (J.tools && cfg.tools) { J.tools(map, cfg); }
    if (cfg.legendId) { staticControl(map, document.getElementById(cfg.legendId), "bottomright"); }
    if (cfg.caveatId) { staticControl(map, document.getElementById(cfg.caveatId), "bottomleft"); }
    if (cfg.titleId) { staticControl(map, document.getElementById(cfg.titleId), "topleft"); }
    map.attributionControl.setPrefix(cfg.prefix);
    // synced maps open without a zoom animation (a follower must not be mid-animation when moved)
    map.fitBounds(cfg.bounds, cfg.animate === false ? { animate: false } : undefined);
    if (J.toolsReady && cfg.tools) { J.toolsReady(map); }
    st.ready = true;
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
