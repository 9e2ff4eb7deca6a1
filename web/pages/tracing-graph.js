// The transmission-chain graph (GET /tracing/chains drawn as SVG): every case and its likely
// infectors, laid out by time from left to right — a case at its symptom onset (else its positive
// test), a source without either at its earliest link to a case — so a chain reads as the
// epidemic moved. The most likely infector's arrow is solid and labelled with the link; other
// candidates with a real share are dashed. A possible asymptomatic source is outlined in red with
// "test now". Every node links to the person's record.
//
// Plain SVG rather than a graph library: the layout is fixed by time on one axis, so all it needs
// is lanes on the other, and the page stays a handful of kilobytes with nothing to install.

import { h } from '../dom.js';
import { formatNumber, label, t } from '../i18n.js';
import { kindText, personTime, shortDay } from './tracing-common.js';

const SVG = 'http://www.w3.org/2000/svg';
const DAY_MS = 86_400_000;
const NODE_W = 132;
const NODE_H = 46;
const LANE_GAP = 26; // vertical space between lanes
const NODE_GAP = 14; // horizontal space between two nodes in one lane
const MARGIN = { top: 44, right: 40, bottom: 24, left: 40 };
// Candidates other than the most likely one are drawn when they hold at least this share.
const MIN_SHARE = 0.15;

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null && value !== false) el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// The graph's edges: each case's most likely infector, and the others with a real share.
export function chainEdges(report) {
  const edges = [];
  for (const chain of report.chains ?? []) {
    chain.candidates.forEach((candidate, rank) => {
      if (rank > 0 && candidate.share < MIN_SHARE) return;
      edges.push({ from: candidate.infector_id, to: chain.case_id, top: rank === 0, candidate });
    });
  }
  return edges;
}

// The people connected to `focus` through the edges (undirected), `focus` included.
function component(edges, focus) {
  const seen = new Set([focus]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const edge of edges) {
      const inFrom = seen.has(edge.from);
      const inTo = seen.has(edge.to);
      if (inFrom !== inTo) {
        seen.add(inFrom ? edge.to : edge.from);
        grew = true;
      }
    }
  }
  return seen;
}

// Each node's time: its onset or positive test, else its earliest link as a source.
function nodeTimes(ids, people, edges) {
  const times = new Map();
  for (const id of ids) {
    const own = personTime(people.get(id) ?? {});
    if (own) times.set(id, Date.parse(own));
  }
  for (const edge of edges) {
    if (!ids.has(edge.from) || personTime(people.get(edge.from) ?? {})) continue;
    const start = Date.parse(edge.candidate.exposure_start);
    if (!Number.isNaN(start)) times.set(edge.from, Math.min(times.get(edge.from) ?? Infinity, start));
  }
  const known = [...times.values()];
  const fallback = known.length ? Math.min(...known) : Date.now();
  for (const id of ids) if (!times.has(id)) times.set(id, fallback);
  return times;
}

// Lanes: nodes in time order, each in the first lane where it does not overlap the last node;
// a node tries its source's lane first so a chain tends to run along one line.
function assignLanes(order, x, sourceOf) {
  const laneEnds = [];
  const lane = new Map();
  const fits = (index, left) => laneEnds[index] === undefined || laneEnds[index] + NODE_GAP <= left;
  for (const id of order) {
    const left = x.get(id) - NODE_W / 2;
    const preferred = lane.get(sourceOf.get(id));
    let chosen = preferred !== undefined && fits(preferred, left) ? preferred : -1;
    for (let index = 0; chosen < 0; index += 1) if (fits(index, left)) chosen = index;
    lane.set(id, chosen);
    laneEnds[chosen] = left + NODE_W;
  }
  return { lane, lanes: laneEnds.length };
}

function tickStep(pxPerDay) {
  for (const days of [1, 2, 7, 14, 28]) if (days * pxPerDay >= 56) return days;
  return 56;
}

// Returns the figure, or null when there is nothing to draw (no case with a link; or `focus`
// in no chain). `people`: Map id -> {name, status, onset_at, ...}. `width`: the room it should fit
// (a day never gets under 34 px; beyond that the figure scrolls sideways).
export function chainGraph(report, people, { focus = null, width: targetWidth = 960 } = {}) {
  let edges = chainEdges(report);
  let ids = new Set();
  if (focus !== null) {
    ids = component(edges, focus);
    if (ids.size < 2) return null;
    edges = edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to));
  } else {
    for (const edge of edges) ids.add(edge.from).add(edge.to);
    for (const chain of report.chains ?? []) ids.add(chain.case_id);
  }
  if (!ids.size) return null;

  const hidden = new Set((report.hidden_sources ?? []).map((source) => source.person_id));
  const times = nodeTimes(ids, people, edges);
  const first = Math.min(...times.values());
  const last = Math.max(...times.values());
  // Days start at the reader's local midnight, so each tick sits on the date it is labelled with.
  const day0 = new Date(first).setHours(0, 0, 0, 0);
  const days = Math.max(1, Math.ceil((last - day0) / DAY_MS) + 1);
  const pxPerDay = Math.max(34, Math.min(96, (targetWidth - NODE_W - MARGIN.left - MARGIN.right) / days));
  const at = (time) => MARGIN.left + NODE_W / 2 + ((time - day0) / DAY_MS) * pxPerDay;
  const x = new Map([...ids].map((id) => [id, at(times.get(id))]));
  const order = [...ids].sort((a, b) => (x.get(a) - x.get(b)) || (a - b));
  const sourceOf = new Map(edges.filter((edge) => edge.top).map((edge) => [edge.to, edge.from]));
  const { lane, lanes } = assignLanes(order, x, sourceOf);
  const y = (id) => MARGIN.top + lane.get(id) * (NODE_H + LANE_GAP) + NODE_H / 2;
  const width = MARGIN.left + NODE_W + days * pxPerDay + MARGIN.right;
  const height = MARGIN.top + lanes * (NODE_H + LANE_GAP) - LANE_GAP + MARGIN.bottom + 18;

  const svg = s('svg', {
    class: 'chain-graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group',
    'aria-label': t('web.tracing.graph.label'), 'data-testid': 'chain-graph',
  });
  svg.append(s('defs', {},
    s('marker', { id: 'chain-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
      s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'chain-arrow' }))));

  // The time axis: a tick per day (or week when the chain is long), labelled in local dates.
  const axis = s('g', { class: 'chain-axis' });
  const step = tickStep(pxPerDay);
  for (let d = 0; d <= days; d += step) {
    // Calendar days, not 24-hour steps: a daylight-saving change keeps ticks on midnight.
    const tick = new Date(day0);
    tick.setDate(tick.getDate() + d);
    const tx = at(tick.getTime());
    axis.append(
      s('line', { x1: tx, x2: tx, y1: MARGIN.top - 12, y2: height - MARGIN.bottom }),
      s('text', { x: tx, y: MARGIN.top - 20, 'text-anchor': 'middle' }, shortDay(tick.toISOString())));
  }
  svg.append(axis);

  const edgeLayer = s('g', { class: 'chain-edges' });
  for (const edge of edges) {
    const x1 = x.get(edge.from);
    const x2 = x.get(edge.to);
    const y1 = y(edge.from);
    const y2 = y(edge.to);
    let path;
    if (x2 - x1 >= NODE_W + 10) {
      const sx = x1 + NODE_W / 2;
      const ex = x2 - NODE_W / 2;
      const bend = Math.max(24, (ex - sx) / 2);
      path = `M${sx},${y1} C${sx + bend},${y1} ${ex - bend},${y2} ${ex},${y2}`;
    } else {
      // Too close in time to run side to side: leave from below or above, enter the same way.
      const down = y2 >= y1 ? 1 : -1;
      const sy = y1 + down * NODE_H / 2;
      const ey = y2 - down * NODE_H / 2;
      path = `M${x1},${sy} C${x1},${sy + down * 30} ${x2},${ey - down * 30} ${x2},${ey}`;
    }
    const c = edge.candidate;
    const title = t('web.tracing.graph.edge_title', {
      kind: kindText(c.kind), share: formatNumber(Math.round(c.share * 100)), days: formatNumber(c.interval_days),
    });
    const group = s('g', {
      class: edge.top ? 'chain-edge chain-edge-top' : 'chain-edge',
      'data-testid': `chain-edge-${edge.from}-${edge.to}`,
    }, s('title', {}, title), s('path', { d: path, 'marker-end': 'url(#chain-arrow)' }));
    if (edge.top) {
      // Beside the arrow's head, where each case has one label of its own.
      const sideways = x2 - x1 >= NODE_W + 10;
      const lx = sideways ? x2 - NODE_W / 2 - 8 : (x1 + x2) / 2 + 8;
      const ly = sideways ? y2 - 7 : (y1 + y2) / 2;
      group.append(s('text', { x: lx, y: ly, 'text-anchor': sideways ? 'end' : 'start', class: 'chain-edge-label' },
        `${kindText(c.kind)} · ${formatNumber(Math.round(c.share * 100))}%`));
    }
    edgeLayer.append(group);
  }
  svg.append(edgeLayer);

  const nodeLayer = s('g', { class: 'chain-nodes' });
  for (const id of order) {
    const person = people.get(id) ?? { id, status: 'untested' };
    const cx = x.get(id);
    const cy = y(id);
    const classes = ['chain-node', `chain-status-${person.status}`];
    if (hidden.has(id)) classes.push('chain-hidden');
    if (id === focus) classes.push('chain-focus');
    const name = person.name || t('web.tracing.person_id', { id });
    const when = personTime(person);
    const sub = when ? `${label('web.tracing.status', person.status)} · ${shortDay(when)}` : label('web.tracing.status', person.status);
    const link = s('a', {
      href: `#/tracing/person/${id}`, class: classes.join(' '), 'data-testid': `chain-node-${id}`, 'data-person-id': id,
    },
    s('title', {}, hidden.has(id) ? `${name}: ${t('web.tracing.hidden_source')}` : name),
    s('rect', { x: cx - NODE_W / 2, y: cy - NODE_H / 2, width: NODE_W, height: NODE_H, rx: 8 }),
    s('text', { x: cx, y: cy - 4, 'text-anchor': 'middle', class: 'chain-node-name' }, truncate(name, 14)),
    s('text', { x: cx, y: cy + 14, 'text-anchor': 'middle', class: 'chain-node-sub' }, sub));
    if (hidden.has(id)) {
      link.append(s('text', { x: cx, y: cy + NODE_H / 2 + 14, 'text-anchor': 'middle', class: 'chain-hidden-label' },
        t('web.tracing.graph.test_now')));
    }
    nodeLayer.append(link);
  }
  svg.append(nodeLayer);

  return h('figure', { class: 'chain-figure' },
    h('div', { class: 'chain-scroll' }, svg),
    h('figcaption', { class: 'chain-legend' },
      h('span', { class: 'legend-item legend-top' }, t('web.tracing.graph.legend_top')),
      h('span', { class: 'legend-item legend-other' }, t('web.tracing.graph.legend_other')),
      h('span', { class: 'legend-item legend-hidden' }, t('web.tracing.graph.legend_hidden')),
      h('span', { class: 'muted' }, t('web.tracing.graph.legend_time'))));
}

function truncate(text, max) {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
