// The exchange's map: Leaflet (Debian's libjs-leaflet, served by the binary at /vendor/leaflet/)
// with no tile layer at all, since no external tile server may be used. District outlines are
// schematic: Voronoi cells around each district's centre, clipped to a box around the city, and
// labelled as such. Offers and needs are circle markers (offers coloured by kind, needs shaded
// by priority); proposed matches are lines between them. Popups are built as DOM nodes, so data
// from the API is never parsed as HTML.

import { h } from '../dom.js';
import { formatNumber, localName, t } from '../i18n.js';
import { errorAlert } from '../ui.js';

const LEAFLET = '/vendor/leaflet/leaflet.esm.js';
const LEAFLET_CSS = '/vendor/leaflet/leaflet.css';
// Degrees added around the outermost district centres to close the outer cells.
const BOX_MARGIN_DEGREES = 0.18;
const KIND_COLOURS = {
  concentrator: '#1f6feb',
  oximeter: '#8250df',
  ventilator: '#bf3989',
  medicine: '#1a7f37',
  other: '#6e7781',
};
const MAX_PRIORITY = 100;

function ensureStylesheet() {
  if (document.querySelector(`link[href="${LEAFLET_CSS}"]`)) return;
  document.head.append(h('link', { rel: 'stylesheet', href: LEAFLET_CSS }));
}

// Keeps the part of `polygon` (points [x, y]) on the side of the line a·p <= b.
function clipHalfPlane(polygon, a, b) {
  const inside = (p) => a[0] * p[0] + a[1] * p[1] <= b + 1e-12;
  const result = [];
  for (let index = 0; index < polygon.length; index += 1) {
    const current = polygon[index];
    const next = polygon[(index + 1) % polygon.length];
    const currentIn = inside(current);
    const nextIn = inside(next);
    if (currentIn) result.push(current);
    if (currentIn !== nextIn) {
      const dc = a[0] * current[0] + a[1] * current[1] - b;
      const dn = a[0] * next[0] + a[1] * next[1] - b;
      const share = dc / (dc - dn);
      result.push([current[0] + share * (next[0] - current[0]), current[1] + share * (next[1] - current[1])]);
    }
  }
  return result;
}

// Voronoi cells of the district centres inside the box, on a plane where a degree of longitude
// is shortened by cos(latitude), so the cells split the distance between centres fairly.
export function schematicCells(districts) {
  if (!districts.length) return [];
  const lats = districts.map((d) => d.lat);
  const lons = districts.map((d) => d.lon);
  const box = {
    south: Math.min(...lats) - BOX_MARGIN_DEGREES,
    north: Math.max(...lats) + BOX_MARGIN_DEGREES,
    west: Math.min(...lons) - BOX_MARGIN_DEGREES,
    east: Math.max(...lons) + BOX_MARGIN_DEGREES,
  };
  const scale = Math.cos(((box.south + box.north) / 2) * Math.PI / 180);
  const toPlane = (lat, lon) => [lon * scale, lat];
  const points = districts.map((d) => toPlane(d.lat, d.lon));
  const square = [toPlane(box.south, box.west), toPlane(box.south, box.east),
    toPlane(box.north, box.east), toPlane(box.north, box.west)];
  return districts.map((district, index) => {
    let cell = square;
    const p = points[index];
    points.forEach((q, other) => {
      if (other === index || cell.length === 0) return;
      // Closer to p than to q: (q - p)·x <= (|q|² - |p|²) / 2.
      const a = [q[0] - p[0], q[1] - p[1]];
      const b = (q[0] * q[0] + q[1] * q[1] - p[0] * p[0] - p[1] * p[1]) / 2;
      cell = clipHalfPlane(cell, a, b);
    });
    return { district, outline: cell.map(([x, y]) => [y, x / scale]) };
  });
}

function needColour(priority) {
  // From pale orange (0) to deep red (100).
  const share = Math.max(0, Math.min(1, (priority ?? 0) / MAX_PRIORITY));
  const lightness = Math.round(72 - share * 42);
  return `hsl(${Math.round(30 - share * 30)}, 85%, ${lightness}%)`;
}

function popup(...lines) {
  return h('div', { class: 'map-popup' }, lines.filter(Boolean).map((line) => h('div', {}, line)));
}

// Draws the map into `container`; returns {show({offers, needs, matches})} to redraw the
// markers, or null when Leaflet could not be loaded (an error is shown instead).
// `describe(item)` gives an item's text; `onPick(lat, lon)` is called on a click on the map.
export async function renderMap(container, { districts, describe, onPick }) {
  let L;
  try {
    ensureStylesheet();
    L = await import(LEAFLET);
  } catch {
    container.replaceChildren(errorAlert({ message: t('web.exchange.map.unavailable') }));
    return null;
  }
  const canvas = h('div', { class: 'aid-map', 'data-testid': 'exchange-map', style: 'height: 420px; background: #f4f1ea;' });
  container.replaceChildren(
    canvas,
    h('p', { class: 'muted small', 'data-testid': 'map-schematic' }, t('web.exchange.map.schematic')),
    h('p', { class: 'muted small' },
      h('span', { style: 'color: #1f6feb' }, '● '), t('web.exchange.map.legend_offer'), ' · ',
      h('span', { style: `color: ${needColour(MAX_PRIORITY)}` }, '● '), t('web.exchange.map.legend_need')));
  const map = L.map(canvas, { preferCanvas: true, zoomSnap: 0.25 });
  const cells = schematicCells(districts);
  const outlines = L.featureGroup(cells.map(({ district, outline }) => L.polygon(outline, {
    color: '#8c959f', weight: 1, fillColor: '#ffffff', fillOpacity: 0.6,
  }).bindTooltip(h('span', {}, localName(district)), { permanent: true, direction: 'center', className: 'map-district-label' })));
  outlines.addTo(map);
  if (cells.length) map.fitBounds(outlines.getBounds());
  else map.setView([30.59, 114.3], 10);
  if (onPick) map.on('click', (event) => onPick(event.latlng.lat, event.latlng.lng));

  const markers = L.layerGroup().addTo(map);
  return {
    show({ offers = [], needs = [], matches = [] }) {
      markers.clearLayers();
      const offerAt = new Map(offers.map((offer) => [offer.id, offer]));
      const needAt = new Map(needs.map((need) => [need.id, need]));
      for (const match of matches) {
        const need = needAt.get(match.need_id);
        const offer = offerAt.get(match.offer_id);
        if (!need || !offer) continue;
        L.polyline([[need.lat, need.lon], [offer.lat, offer.lon]], { color: '#444c56', weight: 1.5, dashArray: '4 4' })
          .bindPopup(popup(t('web.exchange.map.popup_match', {
            id: match.id, km: formatNumber(match.distance_km.toFixed(1)), priority: match.priority,
          })))
          .addTo(markers);
      }
      for (const offer of offers) {
        L.circleMarker([offer.lat, offer.lon], {
          radius: 5, color: '#ffffff', weight: 1, fillColor: KIND_COLOURS[offer.item.kind] ?? '#6e7781', fillOpacity: 0.9,
        }).bindPopup(popup(
          t('web.exchange.map.popup_offer', { id: offer.id, item: describe(offer.item), n: formatNumber(offer.remaining) }),
          offer.offerer_name,
          offer.precise ? offer.address : t('web.exchange.coarse'),
        )).addTo(markers);
      }
      for (const need of needs) {
        L.circleMarker([need.lat, need.lon], {
          radius: 6, color: KIND_COLOURS[need.item.kind] ?? '#6e7781', weight: 2, fillColor: needColour(need.priority), fillOpacity: 0.9,
        }).bindPopup(popup(
          t('web.exchange.map.popup_need', { id: need.id, item: describe(need.item), n: formatNumber(need.remaining), priority: need.priority }),
          need.source === 'case' ? t('web.exchange.source_case', { id: need.case_id }) : t('web.exchange.source_hospital', { id: need.hospital_id }),
          need.precise ? need.address : t('web.exchange.coarse'),
        )).addTo(markers);
      }
    },
  };
}
