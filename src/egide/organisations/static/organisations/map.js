// Map of the organisations: départements drawn as a choropleth (no tile server, so it works
// offline), clustered markers, and the results list kept in step with the filters.
// The page works without this script: the filters are a GET form and the list is server-rendered.

const L = window.L;
const mapElement = document.getElementById("map");
const form = document.getElementById("filters");
const results = document.getElementById("results");
const count = document.getElementById("results-count");
const errorBox = document.getElementById("map-error");
const serviceLabels = JSON.parse(document.getElementById("map-labels").textContent).services;
const api = mapElement.dataset.apiUrl;

// DSFR "bleu France" tints, light to dark; grey for départements without any service.
const COLORS = ["#e3e3fd", "#cacafb", "#8585f6", "#6a6af4", "#000091"];
const NO_SERVICE = "#f6f6f6";
const METROPOLE = L.latLngBounds([41.3, -5.3], [51.2, 9.7]);
// A pin in "rouge Marianne", which stands out on the blue départements; drawn in SVG, no image file.
const PIN = L.divIcon({
  className: "egide-pin",
  html: '<svg viewBox="0 0 24 32" width="24" height="32" aria-hidden="true" focusable="false">'
    + '<path d="M12 1C6 1 1 5.8 1 11.8 1 19.9 12 31 12 31s11-11.1 11-19.2C23 5.8 18 1 12 1z" fill="#e1000f" stroke="#fff" stroke-width="2"/>'
    + '<circle cx="12" cy="12" r="4" fill="#fff"/></svg>',
  iconSize: [24, 32],
  iconAnchor: [12, 31],
  popupAnchor: [0, -28],
});
const numbers = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });

// Shown before the map is created, so that Leaflet measures a visible container.
document.getElementById("map-tools").hidden = false;
const map = L.map(mapElement, { zoomSnap: 0.25, minZoom: 3, maxZoom: 14 }).fitBounds(METROPOLE);
map.attributionControl.setPrefix(false);
map.attributionControl.addAttribution("Contours : IGN, INSEE");
// Drawn after the markers in the DOM, so that Tab reaches the markers before the 101 départements.
map.createPane("departements").style.zIndex = 350;
const departementRenderer = L.svg({ pane: "departements" });
const clusters = L.markerClusterGroup({
  showCoverageOnHover: false,
  maxClusterRadius: 45,
  iconCreateFunction: (cluster) => {
    const n = cluster.getChildCount();
    return L.divIcon({
      className: "egide-cluster",
      html: `<span>${n}</span>`,
      iconSize: [36, 36],
    });
  },
}).addTo(map);
clusters.on("animationend", labelClusters);
map.on("zoomend moveend", labelClusters);
const markers = new Map();
let departements = null;
let legend = null;
let loadedService = null;
let controller = null;
let located = null; // { popup, button }: the popup opened from a list button, to return focus to it.

function params(source = new FormData(form)) {
  const query = new URLSearchParams();
  for (const [name, value] of source) if (value) query.append(name, value);
  return query;
}

async function getJson(url, signal) {
  const response = await fetch(url, { signal, headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${response.status} ${url}`);
  return response.json();
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = !message;
}

// ---- Choropleth -------------------------------------------------------------------------

function thresholds(values) {
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (!positive.length) return [];
  const quantiles = [1, 2, 3, 4].map((k) => positive[Math.floor((k * positive.length) / 5)]);
  const distinct = [...new Set(quantiles.map((v) => Number(v.toFixed(1))))].filter((v) => v > 0);
  if (distinct.length === 4) return distinct;
  // Too few distinct values for quantiles: equal intervals up to the maximum.
  const max = positive[positive.length - 1];
  return [1, 2, 3, 4].map((k) => Number(((max * k) / 5).toFixed(2)));
}

function colorFor(value, limits) {
  if (!value) return NO_SERVICE;
  return COLORS[limits.filter((t) => value >= t).length];
}

const plural = (n, word) => `${numbers.format(n)} ${word}${n >= 2 ? "s" : ""}`;

// Name, counts and rate of a département, as lines of text.
function figures(p) {
  const rate = p.services_per_100k == null
    ? "population inconnue"
    : `${plural(p.services_per_100k, "service")} pour 100 000 habitants`;
  return [`${p.nom} (${p.code})`, `${plural(p.organisations, "organisation")} · ${plural(p.services, "service")}`, rate];
}

function tooltipContent(p) {
  const [name, counts, rate] = figures(p);
  const box = document.createElement("div");
  const title = document.createElement("strong");
  title.textContent = name;
  const lines = [counts, rate].map((text) => {
    const line = document.createElement("div");
    line.textContent = text;
    return line;
  });
  box.append(title, ...lines);
  return box;
}

function drawLegend(limits) {
  legend?.remove();
  legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const box = L.DomUtil.create("div", "egide-legend");
    const title = L.DomUtil.create("p", "egide-legend__title", box);
    title.textContent = "Services pour 100 000 habitants";
    const list = L.DomUtil.create("ul", "fr-raw-list", box);
    const f = (value) => numbers.format(value);
    const classes = [[NO_SERVICE, "aucun service"]];
    if (limits.length) {
      classes.push([COLORS[0], `moins de ${f(limits[0])}`]);
      for (let i = 1; i < limits.length; i += 1) classes.push([COLORS[i], `de ${f(limits[i - 1])} à moins de ${f(limits[i])}`]);
      classes.push([COLORS[limits.length], `${f(limits[limits.length - 1])} ou plus`]);
    }
    classes.forEach(([color, label]) => {
      const item = L.DomUtil.create("li", "", list);
      const swatch = L.DomUtil.create("span", "egide-legend__swatch", item);
      swatch.style.background = color;
      item.append(label);
    });
    return box;
  };
  legend.addTo(map);
}

function bindDepartement(feature, layer) {
  layer.bindTooltip(tooltipContent(feature.properties), { sticky: true, direction: "top" });
  layer.on("add", () => {
    const path = layer.getElement();
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "img");
    path.setAttribute("aria-label", figures(feature.properties).join(" ; "));
    path.addEventListener("focus", () => layer.openTooltip(layer.getBounds().getCenter()));
    path.addEventListener("blur", () => layer.closeTooltip());
  });
  layer.on("mouseover", () => layer.setStyle({ weight: 2.5, color: "#161616" }));
  layer.on("mouseout", () => layer.setStyle({ weight: 0.7, color: "#666666" }));
}

async function loadDepartements(service, signal) {
  const query = service ? `?${new URLSearchParams({ service })}` : "";
  const collection = await getJson(`${api}geo/departements${query}`, signal);
  const limits = thresholds(collection.features.map((f) => f.properties.services_per_100k));
  departements?.remove();
  departements = L.geoJSON(collection, {
    renderer: departementRenderer,
    pane: "departements",
    style: (f) => ({
      fillColor: colorFor(f.properties.services_per_100k, limits),
      fillOpacity: 0.9,
      color: "#666666",
      weight: 0.7,
    }),
    onEachFeature: bindDepartement,
  }).addTo(map);
  drawLegend(limits);
  loadedService = service;
}

function departementLayer(code) {
  return departements?.getLayers().find((layer) => layer.feature.properties.code === code);
}

function showTerritory(code) {
  if (code === "metropole") {
    map.fitBounds(METROPOLE);
    return;
  }
  const layer = departementLayer(code);
  if (layer) map.fitBounds(layer.getBounds(), { padding: [20, 20] });
}

// ---- Markers ----------------------------------------------------------------------------

function popupContent(p) {
  const box = document.createElement("div");
  box.className = "egide-popup";
  const title = document.createElement("p");
  title.className = "fr-text--bold fr-mb-1v";
  const link = document.createElement("a");
  link.href = mapElement.dataset.detailUrl.replace("/0/", `/${p.id}/`);
  link.textContent = p.name;
  title.append(link);
  const kind = document.createElement("p");
  kind.className = "fr-text--sm fr-mb-1v";
  kind.textContent = p.kind_label.charAt(0).toUpperCase() + p.kind_label.slice(1);
  box.append(title, kind);
  if (p.services?.length) {
    const services = document.createElement("p");
    services.className = "fr-text--xs fr-mb-0";
    const text = p.services.map((code) => serviceLabels[code] || code).join(" · ");
    services.textContent = text.charAt(0).toUpperCase() + text.slice(1);
    box.append(services);
  }
  return box;
}

function highlight(id) {
  for (const entry of results.querySelectorAll(".egide-result--active")) entry.classList.remove("egide-result--active");
  const entry = document.getElementById(`organisation-${id}`);
  if (!entry) return;
  entry.classList.add("egide-result--active");
  entry.scrollIntoView({ behavior: "smooth", block: "nearest" });
}

async function loadMarkers(query, signal) {
  const collection = await getJson(`${api}organisations/markers?${query}`, signal);
  clusters.clearLayers();
  markers.clear();
  const layers = collection.features.map((feature) => {
    const [lng, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const marker = L.marker([lat, lng], { icon: PIN, title: p.name, keyboard: true });
    marker.on("add", () => marker.getElement()?.setAttribute("aria-label", p.name));
    marker.bindPopup(() => popupContent(p), { closeOnEscapeKey: true });
    marker.on("click", () => highlight(p.id));
    markers.set(String(p.id), marker);
    return marker;
  });
  clusters.addLayers(layers);
  labelClusters();
  revealLocateButtons();
}

// Give each cluster a name that says what it holds and what Enter does.
function labelClusters() {
  for (const element of mapElement.querySelectorAll(".egide-cluster")) {
    const n = element.textContent.trim();
    element.setAttribute("aria-label", `${n} organisations : zoomer pour les afficher`);
  }
}

function revealLocateButtons() {
  for (const button of results.querySelectorAll(".egide-locate")) {
    button.hidden = !markers.has(button.dataset.organisationId);
  }
}

function locate(button) {
  const marker = markers.get(button.dataset.organisationId);
  if (!marker) return;
  highlight(button.dataset.organisationId);
  mapElement.scrollIntoView({ behavior: "smooth", block: "nearest" });
  clusters.zoomToShowLayer(marker, () => {
    marker.openPopup();
    located = { popup: marker.getPopup(), button };
    // Keyboard and screen reader users land in the popup; Escape brings them back.
    marker.getPopup().getElement()?.querySelector("a")?.focus({ preventScroll: true });
  });
}

map.on("popupclose", (event) => {
  if (!located || event.popup !== located.popup) return;
  const { button } = located;
  located = null;
  const focus = document.activeElement;
  if (!focus || focus === document.body || mapElement.contains(focus)) button.focus();
});

mapElement.addEventListener("keydown", (event) => {
  if (event.key === "Escape") map.closePopup();
});

// ---- Filters and list -------------------------------------------------------------------

async function loadResults(query, signal) {
  const url = `${window.location.pathname}${query.toString() ? `?${query}` : ""}`;
  const response = await fetch(url, { signal, headers: { "X-Egide-Fragment": "results" } });
  if (!response.ok) throw new Error(`${response.status} ${url}`);
  results.innerHTML = await response.text();
  const summary = results.querySelector("[data-count-text]");
  if (summary) count.textContent = summary.dataset.countText;
  revealLocateButtons();
}

async function refresh({ withMarkers = true } = {}) {
  controller?.abort();
  controller = new AbortController();
  const query = params();
  const service = query.get("service") || "";
  window.history.replaceState(null, "", query.toString() ? `?${query}` : window.location.pathname);
  try {
    await Promise.all([
      loadResults(query, controller.signal),
      withMarkers ? loadMarkers(query, controller.signal) : null,
      service !== loadedService ? loadDepartements(service, controller.signal) : null,
    ]);
    showError("");
    const departement = query.get("departement");
    if (departement) showTerritory(departement);
  } catch (error) {
    if (error.name !== "AbortError") showError("La carte n'a pas pu être mise à jour. La liste reste utilisable : rechargez la page.");
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  refresh();
});
form.addEventListener("change", (event) => {
  if (event.target.name !== "q") refresh();
});

results.addEventListener("click", async (event) => {
  const button = event.target.closest(".egide-locate");
  if (button) {
    locate(button);
    return;
  }
  const pageLink = event.target.closest(".fr-pagination a[href]");
  if (!pageLink) return;
  event.preventDefault();
  const query = new URL(pageLink.href).searchParams;
  window.history.replaceState(null, "", `?${query}`);
  await loadResults(query);
  document.getElementById("results-title").focus();
});

document.getElementById("map-tools").addEventListener("click", (event) => {
  const button = event.target.closest("[data-territory]");
  if (button) showTerritory(button.dataset.territory);
});

const initial = params();
Promise.all([
  loadDepartements(initial.get("service") || ""),
  loadMarkers(initial),
]).then(() => {
  if (initial.get("departement")) showTerritory(initial.get("departement"));
}).catch(() => showError("La carte n'a pas pu être chargée. La liste des résultats reste utilisable."));
