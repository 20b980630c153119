// The search results on a map (Leaflet, vendored in static/vendor/leaflet/).
// Progressive enhancement: the list stays the primary, keyboard-accessible
// view, and without JavaScript (or Leaflet) there is no map at all.
//
// Every marker comes from a result card on the page (its data-lat, data-lng,
// data-home-based, name and link), so the map shows exactly the cards and
// nothing they do not; when the cards change (a new page of results rendered
// into the list), the markers follow. A home-based practice is drawn as an
// area around its blurred point, never as a pin.
(function () {
  "use strict";
  var box = document.getElementById("results-map");
  var canvas = document.getElementById("results-map-canvas");
  var results = document.querySelector(".search-page .results");
  if (!box || !canvas || !results || !window.L) return;

  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION =
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
  // About the blur of a home-based practice's point (two decimal places).
  var AREA_METRES = 1000;
  var AREA = { color: "#137370", weight: 3, fillColor: "#137370", fillOpacity: 0.25 };
  var AREA_ACTIVE = { color: "#8a5300", weight: 3, fillColor: "#c98a00", fillOpacity: 0.35 };
  var ACTIVE_CARD = "result--on-map";
  var ACTIVE_SHAPE = "map-shape--active";

  // The pin's pictures by their collected (hashed) names: Leaflet's own guess,
  // from leaflet.css, fails once collectstatic renames the files.
  var PIN = L.icon(
    Object.assign({}, L.Icon.Default.prototype.options, {
      iconUrl: canvas.dataset.markerIcon,
      iconRetinaUrl: canvas.dataset.markerIcon2x,
      shadowUrl: canvas.dataset.markerShadow,
    })
  );

  var toggle = box.querySelector(".results-map__toggle");
  var narrow = window.matchMedia("(max-width: 860px)");
  var reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var map = null;
  var layer = null;
  var pins = [];
  var byCard = new Map();
  var active = null;
  var signature = null;
  var opened = false;

  function cards() {
    return Array.prototype.slice.call(
      results.querySelectorAll(".result-list article.result[data-lat][data-lng]")
    );
  }

  function pointOf(card) {
    var lat = parseFloat(card.dataset.lat);
    var lng = parseFloat(card.dataset.lng);
    if (!isFinite(lat) || !isFinite(lng)) return null;
    return [lat, lng];
  }

  function makeMap() {
    // keyboard: false keeps the map out of the tab order (the list is the way
    // through the results); the wheel scrolls the page, not the map.
    map = L.map(canvas, { keyboard: false, scrollWheelZoom: false });
    L.tileLayer(TILES, {
      maxZoom: 19,
      attribution: ATTRIBUTION,
      // The tile server asks for the site's origin; never the query string,
      // which holds the place the visitor searched.
      referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
    layer = L.featureGroup().addTo(map);
  }

  function label(name, home) {
    // Built as text, never as HTML: a name is the therapist's own words.
    var span = document.createElement("span");
    span.textContent = name + (home ? " (home-based: approximate area)" : "");
    return span;
  }

  function pinFor(card, point) {
    var home = card.hasAttribute("data-home-based");
    var link = card.querySelector(".result__name a");
    var name = link ? link.textContent : "";
    var shape = home
      ? L.circle(point, Object.assign({ radius: AREA_METRES, className: "map-area" }, AREA))
      : L.marker(point, { icon: PIN, keyboard: false, alt: name, riseOnHover: true });
    var pin = { card: card, shape: shape, home: home, link: link, point: point };
    // Names the card the shape stands for (t-<id>, as the card's heading).
    shape.on("add", function () {
      var id = card.getAttribute("aria-labelledby");
      shape.getElement().setAttribute("data-result", id);
    });
    // Above the shape: a pin's own anchor puts its tooltip 16 px to the right.
    shape.bindTooltip(label(name, home), {
      direction: "top",
      offset: home ? [0, 0] : [-16, -12],
    });
    shape.on("mouseover", function () { activate(pin); });
    shape.on("mouseout", function () { deactivate(pin); });
    shape.on("click", function () { reveal(pin); });
    return pin;
  }

  function render() {
    var found = cards();
    var next = found
      .map(function (card) {
        var id = card.getAttribute("aria-labelledby");
        return id + "@" + card.dataset.lat + "," + card.dataset.lng;
      })
      .join("|");
    if (next === signature) return;
    signature = next;
    active = null;
    pins = [];
    byCard = new Map();
    if (layer) layer.clearLayers();
    found.forEach(function (card) {
      var point = pointOf(card);
      if (!point) return;
      var pin = pinFor(card, point);
      pins.push(pin);
      byCard.set(card, pin);
    });
    box.hidden = pins.length === 0;
    show();
  }

  function show() {
    var visible = pins.length > 0 && (!narrow.matches || opened);
    canvas.hidden = !visible;
    if (toggle) {
      toggle.setAttribute("aria-expanded", String(visible));
      toggle.textContent = visible ? "Hide map" : "Show map";
    }
    if (!visible) return;
    if (!map) makeMap();
    // Leaflet measures its container: after a change of size or visibility.
    map.invalidateSize();
    // From the points: a circle knows its bounds only once it is on a map.
    var bounds = L.latLngBounds(pins.map(function (pin) { return pin.point; }));
    // More room above: a pin stands 41 pixels tall over its point.
    map.fitBounds(bounds, {
      paddingTopLeft: [28, 48],
      paddingBottomRight: [28, 20],
      maxZoom: 13,
    });
    pins.forEach(function (pin) {
      if (!layer.hasLayer(pin.shape)) pin.shape.addTo(layer);
    });
    // A card lit while the map was folded away: light its shape now too.
    if (active) {
      var lit = active;
      active = null;
      activate(lit);
    }
  }

  function activate(pin) {
    if (active === pin) return;
    if (active) deactivate(active);
    active = pin;
    pin.card.classList.add(ACTIVE_CARD);
    var element = pin.shape.getElement();
    if (element) element.classList.add(ACTIVE_SHAPE);
    if (pin.home) {
      pin.shape.setStyle(AREA_ACTIVE);
      pin.shape.bringToFront();
    } else {
      pin.shape.setZIndexOffset(1000);
    }
    if (map && !canvas.hidden) pin.shape.openTooltip();
  }

  function deactivate(pin) {
    if (active !== pin) return;
    active = null;
    pin.card.classList.remove(ACTIVE_CARD);
    var element = pin.shape.getElement();
    if (element) element.classList.remove(ACTIVE_SHAPE);
    if (pin.home) {
      pin.shape.setStyle(AREA);
    } else {
      pin.shape.setZIndexOffset(0);
    }
    pin.shape.closeTooltip();
  }

  // A marker clicked: its card, brought into view, with focus on its link so
  // the keyboard carries on from there.
  function reveal(pin) {
    activate(pin);
    pin.card.scrollIntoView({
      block: "center",
      behavior: reducedMotion.matches ? "auto" : "smooth",
    });
    if (pin.link) pin.link.focus({ preventScroll: true });
  }

  function pinOf(target) {
    var card = target && target.closest ? target.closest("article.result") : null;
    return card ? byCard.get(card) : undefined;
  }

  // The cards lead: hovering or focusing one lights its marker up.
  results.addEventListener("mouseover", function (event) {
    var pin = pinOf(event.target);
    if (pin) activate(pin);
  });
  results.addEventListener("mouseout", function (event) {
    var pin = pinOf(event.target);
    if (pin && pinOf(event.relatedTarget) !== pin) deactivate(pin);
  });
  results.addEventListener("focusin", function (event) {
    var pin = pinOf(event.target);
    if (!pin) return;
    activate(pin);
    // A card reached by keyboard whose marker is out of view: bring it in.
    if (map && !canvas.hidden) {
      var point = pin.shape.getLatLng();
      if (!map.getBounds().contains(point)) map.panTo(point);
    }
  });
  results.addEventListener("focusout", function (event) {
    var pin = pinOf(event.target);
    if (pin && pinOf(event.relatedTarget) !== pin) deactivate(pin);
  });

  if (toggle) {
    toggle.addEventListener("click", function () {
      opened = canvas.hidden;
      show();
    });
  }
  narrow.addEventListener("change", show);

  // A new set of cards in the list (a live refresh of the results): new markers.
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      render();
    });
  }).observe(results, { childList: true, subtree: true });

  render();
})();
