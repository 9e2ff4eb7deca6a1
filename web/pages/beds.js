// Beds: the bed board (GET /beds/board) coloured by how fresh each figure is, narrowed by district
// and bed class (#/beds?district=420106&bed_class=icu); a hospital's history of checks; a form to
// record a verified figure; and "find a bed" for a patient (GET /beds/recommendations).

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, formatNumber, label, localName, t } from '../i18n.js';
import { dataTable, errorAlert, field, loading, markFieldError, notice, pageHeading } from '../ui.js';
import { isoToLocalInput, localInputToIso } from '../forms.js';

const CLASSES = ['general', 'severe', 'icu', 'icu_ventilator'];
const METHODS = ['phone_call', 'official_notice', 'visit'];
const SEVERITIES = ['mild', 'moderate', 'severe', 'critical'];
const FRESHNESS = ['fresh', 'ageing', 'stale'];
const RECORDERS = ['coordinator', 'doctor', 'nurse', 'admin'];
const SEEKERS = ['coordinator', 'doctor', 'nurse', 'angel', 'admin'];

// Colour is never the only cue: every badge also says fresh / ageing / stale and the age.
const FRESHNESS_STYLE = {
  fresh: 'background:#e3f4e8;color:#1e5c31;border:1px solid #9fd3ad',
  ageing: 'background:#fff4d6;color:#6b4b00;border:1px dashed #d9b44a',
  stale: 'background:#fde2e1;color:#8b1a1a;border:1px dotted #e08a87',
  unknown: 'background:#eef2f5;color:#3b4754;border:1px solid #cfd8e0',
};

export async function render(view, { user, query }) {
  let district = query.get('district') ?? '';
  let bedClass = query.get('bed_class') ?? '';
  const districtSelect = h('select', { name: 'district', 'data-testid': 'district-filter' },
    h('option', { value: '' }, t('web.beds.all_districts')));
  const classSelect = h('select', { name: 'bed_class', 'data-testid': 'class-filter' },
    h('option', { value: '' }, t('web.beds.all_classes')),
    CLASSES.map((code) => h('option', { value: code }, label('web.beds.class', code))));
  const legendSlot = h('div');
  const results = h('div', { 'aria-live': 'polite' }, loading());
  const historySlot = h('section', { class: 'bed-history', 'aria-live': 'polite' });
  const updateSlot = h('div');
  const findSlot = h('div');
  view.append(
    pageHeading('web.beds.title'),
    h('p', { class: 'intro' }, t('web.beds.intro')),
    legendSlot,
    h('form', { class: 'filters', onsubmit: (event) => event.preventDefault() },
      field('web.beds.district', districtSelect),
      field('web.beds.class_filter', classSelect)),
    results,
    historySlot,
    findSlot,
    updateSlot);

  let districts;
  try {
    ({ districts } = await api.get('/districts'));
  } catch (error) {
    results.replaceChildren(errorAlert(error));
    return;
  }
  const byCode = new Map(districts.map((d) => [d.code, d]));
  const sortedDistricts = [...districts].sort((a, b) => String(a.code).localeCompare(String(b.code)));
  for (const d of sortedDistricts) {
    districtSelect.append(h('option', { value: d.code }, `${localName(d)} (${d.code})`));
  }
  districtSelect.value = byCode.has(district) ? district : '';
  classSelect.value = CLASSES.includes(bedClass) ? bedClass : '';

  let hospitals = [];
  const showHistory = (hospital) => renderHistory(historySlot, hospital);
  const load = async () => {
    results.replaceChildren(loading());
    try {
      const board = await api.get('/beds/board', { district, bed_class: bedClass });
      hospitals = board.hospitals;
      legendSlot.replaceChildren(legend(board.stale_after_minutes));
      results.replaceChildren(summary(board.hospitals), boardTable(board, byCode, showHistory));
    } catch (error) {
      results.replaceChildren(errorAlert(error));
    }
  };
  const remember = () => {
    const params = new URLSearchParams();
    if (district) params.set('district', district);
    if (bedClass) params.set('bed_class', bedClass);
    const text = params.toString();
    // Keep the choice in the address without redrawing the page.
    window.history.replaceState(null, '', text ? `#/beds?${text}` : '#/beds');
  };
  districtSelect.addEventListener('change', () => { district = districtSelect.value; remember(); load(); });
  classSelect.addEventListener('change', () => { bedClass = classSelect.value; remember(); load(); });
  await load();

  if (SEEKERS.includes(user?.role)) findSlot.replaceChildren(findForm(sortedDistricts));
  if (RECORDERS.includes(user?.role)) {
    // The hospital list of the whole city, whatever the filter shows.
    try {
      const all = district || bedClass ? (await api.get('/beds/board')).hospitals : hospitals;
      updateSlot.replaceChildren(updateForm(all, async () => { await load(); }));
    } catch (error) {
      updateSlot.replaceChildren(errorAlert(error));
    }
  }
}

// "2 h 5 min ago" / "5 min ago".
function ageText(minutes) {
  const total = Math.max(0, Number(minutes) || 0);
  const hours = Math.floor(total / 60);
  return hours > 0
    ? t('web.beds.age_hours', { hours, minutes: total % 60 })
    : t('web.beds.age_minutes', { minutes: total });
}

function freshnessBadge(freshness, minutes) {
  const key = freshness || 'unknown';
  return h('span', { class: 'kind', style: FRESHNESS_STYLE[key], 'data-freshness': key },
    label('web.beds.freshness', key),
    minutes === undefined ? null : ` · ${ageText(minutes)}`);
}

function legend(staleAfterMinutes) {
  const hours = Math.round((Number(staleAfterMinutes) || 0) / 6) / 10;
  return h('div', { class: 'chart-legend', 'data-testid': 'freshness-legend' },
    h('p', {}, t('web.beds.legend', { hours: formatNumber(hours), half: formatNumber(hours / 2) })),
    h('ul', { class: 'inline-list' }, [...FRESHNESS, 'unknown'].map((key) =>
      h('li', {}, freshnessBadge(key), ' ', t(`web.beds.legend.${key}`)))));
}

function summary(hospitals) {
  const capacity = hospitals.reduce((sum, x) => sum + (Number(x.capacity) || 0), 0);
  const free = hospitals.reduce((sum, x) => sum + (Number(x.free) || 0), 0);
  const stale = hospitals.filter((x) => x.freshness === 'stale').length;
  return h('p', { class: 'summary', 'data-testid': 'beds-summary' },
    t('web.beds.board_summary', {
      hospitals: formatNumber(hospitals.length),
      free: formatNumber(free),
      capacity: formatNumber(capacity),
      stale: formatNumber(stale),
    }));
}

function classList(row) {
  if (!row.classes.length) return h('span', { class: 'muted' }, t('web.beds.no_figures'));
  return h('ul', { class: 'plain-list' }, row.classes.map((c) =>
    h('li', { 'data-class': c.bed_class },
      `${label('web.beds.class', c.bed_class)}: `,
      h('strong', {}, t('web.beds.free_of', { free: formatNumber(c.free), capacity: formatNumber(c.capacity) })),
      ' ', freshnessBadge(c.freshness, c.age_minutes))));
}

function lastCheck(row) {
  if (!row.last_verified_at) return '—';
  const latest = row.classes.reduce((best, c) => (!best || c.verified_at > best.verified_at ? c : best), null);
  return h('span', {},
    formatInstant(row.last_verified_at), h('br'),
    h('small', {}, t('web.beds.checked_by', {
      who: latest.verified_by ? latest.verified_by_name || `#${latest.verified_by}` : t('web.beds.by_scenario'),
      method: label('web.beds.method', latest.method),
    })));
}

function boardTable(board, byCode, showHistory) {
  return dataTable({
    testid: 'hospital-table',
    rows: board.hospitals,
    emptyId: 'web.beds.none',
    columns: [
      { label: 'web.hospital.name', cell: (x) => localName(x) },
      { label: 'web.hospital.district', cell: (x) => (byCode.has(x.district_code) ? localName(byCode.get(x.district_code)) : x.district_code) },
      { label: 'web.hospital.kind', cell: (x) => h('span', { class: `kind kind-${x.kind}` }, label('web.hospital.kind', x.kind)) },
      { label: 'web.beds.freshness_column', nowrap: true, cell: (x) => freshnessBadge(x.freshness) },
      { label: 'web.beds.classes', wide: true, cell: classList },
      { label: 'web.beds.free_total', numeric: true, cell: (x) => (x.classes.length ? t('web.beds.free_of', { free: formatNumber(x.free), capacity: formatNumber(x.capacity) }) : '—') },
      { label: 'web.beds.last_check', cell: lastCheck },
      { label: 'web.beds.history', cell: (x) => h('button', { type: 'button', class: 'link', 'data-testid': `history-${x.id}`, onclick: () => showHistory(x) }, t('web.beds.show_history')) },
    ],
  });
}

async function renderHistory(slot, hospital) {
  slot.replaceChildren(h('h2', { tabindex: '-1' }, t('web.beds.history_title', { name: localName(hospital) })), loading());
  slot.querySelector('h2').focus();
  try {
    const { updates } = await api.get(`/beds/hospitals/${hospital.id}/history`);
    slot.replaceChildren(slot.firstChild, dataTable({
      testid: 'bed-history',
      rows: updates,
      emptyId: 'web.beds.history_empty',
      columns: [
        { label: 'web.beds.verified_at', nowrap: true, cell: (x) => formatInstant(x.verified_at) },
        { label: 'web.beds.class', cell: (x) => label('web.beds.class', x.bed_class) },
        { label: 'web.beds.free_total', numeric: true, cell: (x) => t('web.beds.free_of', { free: formatNumber(x.free), capacity: formatNumber(x.capacity) }) },
        { label: 'web.beds.method_label', cell: (x) => label('web.beds.method', x.method) },
        { label: 'web.beds.who', cell: (x) => (x.verified_by ? x.verified_by_name || `#${x.verified_by}` : t('web.beds.by_scenario')) },
        { label: 'web.beds.recorded_at', nowrap: true, cell: (x) => formatInstant(x.recorded_at) },
        { label: 'web.beds.note', wide: true, cell: (x) => x.note || '—' },
      ],
    }));
  } catch (error) {
    slot.replaceChildren(slot.firstChild, errorAlert(error));
  }
}

function select(name, codes, prefix, testid) {
  return h('select', { name, 'data-testid': testid },
    codes.map((code) => h('option', { value: code }, label(prefix, code))));
}

function updateForm(hospitals, onRecorded) {
  const status = h('div', { 'aria-live': 'polite' });
  const hospitalSelect = h('select', { name: 'hospital_id', 'data-testid': 'update-hospital' },
    hospitals.map((x) => h('option', { value: x.id }, localName(x))));
  const form = h('form', { class: 'card-form', 'data-testid': 'bed-update-form', novalidate: true },
    h('h2', {}, t('web.beds.update_title')),
    field('web.hospital.name', hospitalSelect),
    field('web.beds.class', select('bed_class', CLASSES, 'web.beds.class', 'update-class')),
    field('web.beds.capacity', h('input', { name: 'capacity', type: 'number', min: 0, step: 1, required: true, 'data-testid': 'update-capacity' })),
    field('web.beds.free', h('input', { name: 'free', type: 'number', min: 0, step: 1, required: true, 'data-testid': 'update-free' })),
    field('web.beds.method_label', select('method', METHODS, 'web.beds.method', 'update-method')),
    field('web.beds.verified_at', h('input', { name: 'verified_at', type: 'datetime-local', value: isoToLocalInput(new Date()), required: true, 'data-testid': 'update-verified-at' }), 'web.beds.verified_at_hint'),
    field('web.beds.note', h('input', { name: 'note', type: 'text', maxlength: 1000, 'data-testid': 'update-note' })),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'update-submit' }, t('web.beds.update_submit')),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const number = (name) => (String(data.get(name)).trim() === '' ? undefined : Number(data.get(name)));
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const recorded = await api.post(`/beds/hospitals/${data.get('hospital_id')}/updates`, {
        bed_class: data.get('bed_class'),
        capacity: number('capacity'),
        free: number('free'),
        method: data.get('method'),
        verified_at: localInputToIso(String(data.get('verified_at'))),
        note: String(data.get('note') ?? ''),
      });
      markFieldError(form, null);
      status.replaceChildren(notice(t('web.beds.update_done', {
        class: label('web.beds.class', recorded.bed_class),
        free: formatNumber(recorded.free),
        capacity: formatNumber(recorded.capacity),
      })));
      await onRecorded();
    } catch (error) {
      markFieldError(form, error);
      status.replaceChildren(errorAlert(error));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function findForm(districts) {
  const results = h('div', { 'aria-live': 'polite' });
  const lat = h('input', { name: 'lat', type: 'text', inputmode: 'decimal', 'data-testid': 'find-lat' });
  const lon = h('input', { name: 'lon', type: 'text', inputmode: 'decimal', 'data-testid': 'find-lon' });
  const place = h('select', { name: 'place', 'data-testid': 'find-district' },
    h('option', { value: '' }, t('web.beds.find_place_choose')),
    districts.map((d) => h('option', { value: d.code }, `${localName(d)} (${d.code})`)));
  place.addEventListener('change', () => {
    const chosen = districts.find((d) => d.code === place.value);
    if (chosen) { lat.value = chosen.lat; lon.value = chosen.lon; }
  });
  const form = h('form', { class: 'card-form', 'data-testid': 'find-bed-form', novalidate: true },
    h('h2', {}, t('web.beds.find_title')),
    h('p', { class: 'muted' }, t('web.beds.find_intro')),
    field('web.beds.severity', select('severity', SEVERITIES, 'web.beds.severity', 'find-severity')),
    field('web.beds.find_place', place, 'web.beds.find_place_hint'),
    field('web.beds.lat', lat),
    field('web.beds.lon', lon),
    h('label', { class: 'checkbox' }, h('input', { name: 'include_stale', type: 'checkbox', 'data-testid': 'find-include-stale' }), ' ', t('web.beds.include_stale')),
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'find-submit' }, t('web.beds.find_submit')),
    results);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    results.replaceChildren(loading());
    try {
      const answer = await api.get('/beds/recommendations', {
        severity: data.get('severity'),
        lat: String(data.get('lat') ?? '').trim(),
        lon: String(data.get('lon') ?? '').trim(),
        include_stale: data.get('include_stale') ? 'true' : 'false',
      });
      markFieldError(form, null);
      results.replaceChildren(recommendations(answer));
    } catch (error) {
      markFieldError(form, error);
      results.replaceChildren(errorAlert(error));
    }
  });
  return form;
}

function recommendations(answer) {
  const classes = answer.classes.map((code) => label('web.beds.class', code)).join(' → ');
  return h('div', {},
    h('p', {}, t('web.beds.find_classes', { classes })),
    answer.hospitals.length
      ? h('ol', { class: 'plain-list', 'data-testid': 'recommendations' }, answer.hospitals.map((x) =>
        h('li', { 'data-hospital': x.id },
          h('strong', {}, localName(x)), ' ',
          freshnessBadge(x.bed.freshness, x.bed.age_minutes),
          h('ul', {}, x.reasons.map((reason) => h('li', { 'data-reason': reason.code }, reason.text))))))
      : h('p', { class: 'muted', 'data-testid': 'recommendations-empty' }, t('web.beds.find_none')));
}
