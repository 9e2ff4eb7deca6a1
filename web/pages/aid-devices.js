// Drifting devices (#/aid/devices, #/aid/devices/<id>): the registry with its totals, and a
// device's page with its summary line ("Hope-017: 3 drifts, 3 families, 41 days in service"),
// its whole timeline and the forms to inspect it, lend it, record a check-in and end a drift.
// Households appear only when the API includes them (coordinators and the device's angel).

import { api } from '../api.js';
import { append, h } from '../dom.js';
import { formatInstant, formatNumber, localName, t } from '../i18n.js';
import { errorAlert, loading, notice } from '../ui.js';
import { districtName, loadDistricts } from '../districts.js';
import { busy, formField, isoToLocalInput, localInputToIso, numberOf, showError } from '../forms.js';

export const KINDS = ['concentrator_3', 'concentrator_5', 'concentrator_10', 'oximeter',
  'ventilator_invasive', 'ventilator_noninvasive', 'ventilator_high_flow'];
const STATUSES = ['available', 'lent', 'broken', 'lost'];
const OUTCOMES = ['returned', 'passed_on', 'broken', 'lost'];
export const CONDITIONS = ['better', 'same', 'worse'];

const CARERS = ['coordinator', 'angel'];
// Filled before any lending form is drawn (renderDevice awaits it).
let districtList = [];
const REGISTRARS = ['coordinator', 'admin'];

export function deviceName(device) {
  return localName(device);
}

function options(values, prefix, { blank } = {}) {
  return [
    blank ? h('option', { value: '' }, t(blank)) : null,
    ...values.map((value) => h('option', { value }, t(`${prefix}.${value}`))),
  ];
}

function checkbox(name, labelId, testid) {
  return h('label', { class: 'check' }, h('input', { type: 'checkbox', name, 'data-testid': testid }), ' ', t(labelId));
}

export function statusBadge(status) {
  return h('span', { class: `state-badge device-status-${status}`, 'data-testid': 'device-status' }, t(`web.devices.status.${status}`));
}

// A confirmed match sends the coordinator here with the need it serves
// (#/aid/devices?need=12&match=34): the registry lists the idle devices that fit the need, and
// the device's lending form starts from the need's place and carries the need and match ids.
function lendingFor(query) {
  const need = query?.get?.('need') ?? '';
  const match = query?.get?.('match') ?? '';
  if (!/^\d+$/.test(need)) return null;
  return { needId: Number(need), matchId: /^\d+$/.test(match) ? Number(match) : undefined };
}

function lendingQuery(lending) {
  if (!lending) return '';
  return `?need=${lending.needId}${lending.matchId ? `&match=${lending.matchId}` : ''}`;
}

// The exchange names ventilator types as the clinic does; the registry's kinds say the same.
const VENTILATOR_KINDS = { invasive: 'ventilator_invasive', non_invasive: 'ventilator_noninvasive', high_flow: 'ventilator_high_flow' };

// A concentrator serves a need for the same or a lower flow (as in the exchange's matching).
function fitsNeed(device, item) {
  if (item.kind === 'concentrator') {
    const flow = /^concentrator_(\d+)$/.exec(device.kind);
    return Boolean(flow) && Number(flow[1]) >= (item.flow_lpm ?? 0);
  }
  if (item.kind === 'ventilator') return device.kind === VENTILATOR_KINDS[item.ventilator_type];
  return device.kind === item.kind;
}

function needBanner(need) {
  const flow = need.item.flow_lpm ? ` ${formatNumber(need.item.flow_lpm)} L/min` : '';
  const item = `${t(`web.exchange.kind.${need.item.kind}`)}${flow}`;
  return h('div', { class: 'alert', role: 'status', 'data-testid': 'lend-for-need' },
    t('web.devices.for_need.banner', { id: need.id, item, district: districtName(need.district_code) }));
}

export async function render(panel, context) {
  const id = context.parts?.[0];
  if (/^\d+$/.test(id ?? '')) {
    await renderDevice(panel, context, id);
  } else {
    await renderRegistry(panel, context);
  }
}

// --- Registry ---

async function renderRegistry(panel, { user, query }) {
  const lending = lendingFor(query);
  let need = null;
  if (lending) {
    try {
      [need, districtList] = await Promise.all([api.get(`/exchange/needs/${lending.needId}`), loadDistricts()]);
    } catch (error) {
      panel.append(errorAlert(error));
    }
  }
  const flash = h('div', { class: 'flash', 'aria-live': 'polite' });
  const totals = h('div', { class: 'cards', 'data-testid': 'device-totals' }, loading());
  const list = h('div', {}, loading());
  const form = h('form', { class: 'filters', 'data-testid': 'device-filter' },
    formField({ fields: 'kind', labelId: 'web.devices.filter.kind', control: h('select', { name: 'kind' }, options(KINDS, 'web.devices.kind', { blank: 'web.devices.filter.all' })) }),
    formField({ fields: 'status', labelId: 'web.devices.filter.status', control: h('select', { name: 'status' }, options(STATUSES, 'web.devices.status', { blank: 'web.devices.filter.all' })) }),
    formField({ fields: 'q', labelId: 'web.devices.filter.query', control: h('input', { name: 'q', type: 'search' }) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': 'device-filter-apply' }, t('web.devices.filter.apply'))));
  for (const name of ['kind', 'status', 'q']) {
    if (query?.get?.(name)) form.elements[name].value = query.get(name);
  }
  if (need) form.elements.status.value = 'available';
  panel.append(flash, totals, need ? needBanner(need) : '', h('section', { class: 'panel' }, form, list));

  const loadTotals = async () => {
    try {
      const data = await api.get('/devices/totals');
      const stat = (labelId, value, testid) => h('div', { class: 'card', 'data-testid': testid },
        h('span', { class: 'card-value' }, value), h('span', { class: 'card-label' }, t(labelId)));
      totals.replaceChildren(
        stat('web.devices.totals.devices', formatNumber(data.devices), 'total-devices'),
        stat('web.devices.totals.in_circulation', formatNumber(data.in_circulation), 'total-in-circulation'),
        stat('web.devices.totals.idle', formatNumber(data.idle), 'total-idle'),
        stat('web.devices.totals.out_of_service', formatNumber(data.out_of_service), 'total-out-of-service'),
        stat('web.devices.totals.overdue_checkins', formatNumber(data.overdue_checkins), 'total-overdue'),
        stat('web.devices.totals.mean_days', formatNumber(Math.round(data.mean_days_per_drift * 10) / 10), 'total-mean-days'));
    } catch (error) {
      totals.replaceChildren(errorAlert(error));
    }
  };

  const loadList = async () => {
    const filter = {};
    for (const name of ['kind', 'status', 'q']) {
      if (form.elements[name].value) filter[name] = form.elements[name].value;
    }
    try {
      let { devices } = await api.get('/devices', filter);
      if (need) devices = devices.filter((device) => fitsNeed(device, need.item));
      list.replaceChildren(devices.length ? h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'device-table' },
        h('thead', {}, h('tr', {}, ['name', 'kind', 'status', 'angel', 'serial', 'inspection'].map((column) => h('th', { scope: 'col' }, t(`web.devices.col.${column}`))))),
        h('tbody', {}, devices.map((device) => h('tr', { 'data-testid': 'device-row', 'data-device-id': device.id },
          h('td', {}, h('a', { href: `#/aid/devices/${device.id}${lendingQuery(need && lending)}`, 'data-testid': 'device-link' }, deviceName(device))),
          h('td', {}, t(`web.devices.kind.${device.kind}`)),
          h('td', {}, statusBadge(device.status)),
          h('td', {}, device.angel_username || '—'),
          h('td', {}, device.serial),
          h('td', {}, inspectionText(device.last_inspection))))))) : h('p', { class: 'muted', 'data-testid': 'device-table-empty' }, t('web.common.empty')));
    } catch (error) {
      list.replaceChildren(errorAlert(error));
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    loadList();
  });

  if (REGISTRARS.includes(user.role)) panel.append(registerForm(flash, async () => { await loadTotals(); await loadList(); }));
  await Promise.all([loadTotals(), loadList()]);
}

function inspectionText(inspection) {
  if (!inspection) return t('web.devices.inspection.none');
  return `${t(inspection.passed ? 'web.devices.inspection.passed' : 'web.devices.inspection.failed')} · ${formatInstant(inspection.at)}`;
}

function registerForm(flash, reload) {
  const alerts = h('div', { class: 'alerts' });
  const form = h('form', { class: 'form-grid', 'data-testid': 'register-form', novalidate: true },
    formField({ fields: 'kind', labelId: 'web.devices.col.kind', control: h('select', { name: 'kind', 'data-testid': 'register-kind' }, options(KINDS, 'web.devices.kind')) }),
    formField({ fields: 'serial', labelId: 'web.devices.register.serial', control: h('input', { name: 'serial', 'data-testid': 'register-serial' }) }),
    formField({ fields: 'model', labelId: 'web.devices.register.model', control: h('input', { name: 'model' }) }),
    formField({ fields: 'angel_id', labelId: 'web.devices.register.angel', control: h('input', { name: 'angel_id', inputmode: 'numeric', 'data-testid': 'register-angel' }) }),
    h('p', { class: 'muted small' }, t('web.devices.register.name_hint')),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'register-submit' }, t('web.devices.register.submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    busy(button, async () => {
      const body = { kind: form.elements.kind.value, serial: form.elements.serial.value, model: form.elements.model.value };
      const angel = numberOf(form.elements.angel_id.value);
      if (angel !== undefined) body.angel_id = angel;
      const device = await api.post('/devices', body);
      form.reset();
      alerts.replaceChildren();
      flash.replaceChildren(notice(t('web.devices.register.done', { name: deviceName(device) })));
      await reload();
    }, (error) => showError(form, alerts, error));
  });
  return h('section', { class: 'panel' }, h('h2', {}, t('web.devices.register.title')), form);
}

// --- One device ---

async function renderDevice(panel, context, id) {
  const { user } = context;
  const lending = lendingFor(context.query);
  let need = null;
  if (lending) {
    try {
      need = await api.get(`/exchange/needs/${lending.needId}`);
    } catch (error) {
      panel.append(errorAlert(error));
    }
  }
  const body = h('div', {}, loading());
  panel.append(h('p', {}, h('a', { href: '#/aid/devices', 'data-testid': 'device-back' }, t('web.devices.back'))), body);
  try {
    districtList = await loadDistricts();
  } catch {
    // District names fall back to codes.
  }

  const show = async (message) => {
    let timeline;
    try {
      timeline = await api.get(`/devices/${id}`);
    } catch (error) {
      body.replaceChildren(errorAlert(error));
      return;
    }
    const { device, summary } = timeline;
    const open = timeline.drifts.find((drift) => !drift.ended_at);
    const mayCare = CARERS.includes(user.role);
    const reload = (text) => show(text);
    // append() skips the absent (null) parts; replaceChildren would print them as "null".
    body.replaceChildren();
    append(body, [
      message ? notice(message) : '',
      h('header', { class: 'review-head' },
        h('h2', { 'data-testid': 'device-name' }, deviceName(device)), statusBadge(device.status),
        device.ready_to_lend ? h('span', { class: 'state-badge', 'data-testid': 'device-ready' }, t('web.devices.ready')) : null),
      h('p', { class: 'lead', 'data-testid': 'device-summary' },
        t('web.devices.summary', { name: deviceName(device), drifts: summary.drifts, families: summary.families, days: summary.days_in_service })),
      h('p', { class: 'muted small' },
        t(`web.devices.kind.${device.kind}`), ' · ',
        t('web.devices.device.serial', { serial: device.serial, model: device.model || '—' }), ' · ',
        device.angel_username ? t('web.devices.device.angel', { angel: device.angel_username }) : t('web.devices.device.no_angel')),
      REGISTRARS.includes(user.role) ? renameForm(device, reload) : null,
      mayCare ? inspectForm(device, reload) : null,
      need && !open ? needBanner(need) : null,
      mayCare && !open && device.status === 'available' ? lendForm(device, reload, need && { ...lending, need }) : null,
      mayCare && open ? checkInForm(device, reload) : null,
      mayCare && open ? endForm(device, reload) : null,
      timelineSection(timeline)]);
  };
  await show();
}

function section(titleId, testid, ...children) {
  return h('details', { class: 'subform-box', 'data-testid': testid }, h('summary', { 'data-testid': `${testid}-open` }, t(titleId)), ...children);
}

function renameForm(device, reload) {
  const alerts = h('div', { class: 'alerts' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'rename-form' },
    formField({ fields: 'name_zh', labelId: 'web.devices.edit.name_zh', control: h('input', { name: 'name_zh', value: device.name_zh }) }),
    formField({ fields: 'name_en', labelId: 'web.devices.edit.name_en', control: h('input', { name: 'name_en', value: device.name_en }) }),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': 'rename-submit' }, t('web.devices.edit.submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type=submit]'), async () => {
      await api.patch(`/devices/${device.id}`, { name_zh: form.elements.name_zh.value, name_en: form.elements.name_en.value });
      await reload();
    }, (error) => showError(form, alerts, error));
  });
  return section('web.devices.edit.title', 'rename', form);
}

function inspectForm(device, reload) {
  const alerts = h('div', { class: 'alerts' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'inspect-form' },
    h('div', { class: 'field field-wide' },
      checkbox('disinfected', 'web.devices.inspect.disinfected', 'inspect-disinfected'),
      checkbox('works', 'web.devices.inspect.works', 'inspect-works'),
      checkbox('flow_checked', 'web.devices.inspect.flow_checked', 'inspect-flow-checked')),
    formField({ fields: 'measured_flow_lpm', labelId: 'web.devices.inspect.measured_flow', control: h('input', { name: 'measured_flow_lpm', inputmode: 'decimal', 'data-testid': 'inspect-flow' }) }),
    formField({ fields: 'note', labelId: 'web.devices.inspect.note', control: h('input', { name: 'note' }), wide: true }),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': 'inspect-submit' }, t('web.devices.inspect.submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type=submit]'), async () => {
      const inspection = await api.post(`/devices/${device.id}/inspections`, {
        disinfected: form.elements.disinfected.checked,
        works: form.elements.works.checked,
        flow_checked: form.elements.flow_checked.checked,
        measured_flow_lpm: numberOf(form.elements.measured_flow_lpm.value),
        note: form.elements.note.value,
      });
      await reload(t(inspection.passed ? 'web.devices.inspect.done_passed' : 'web.devices.inspect.done_failed'));
    }, (error) => showError(form, alerts, error));
  });
  return section('web.devices.inspect.title', 'inspect', form);
}

// The household and guidance fields of a lending; `prefix` keeps two sets apart on one page.
function householdFields(prefix = '') {
  const districts = districtList.map((district) => h('option', { value: district.code }, localName(district)));
  const expected = new Date(Date.now() + 14 * 24 * 3600 * 1000);
  return [
    formField({ fields: 'contact_name', labelId: 'web.devices.lend.contact_name', control: h('input', { name: 'contact_name', 'data-testid': `${prefix}lend-contact` }) }),
    formField({ fields: 'phone', labelId: 'web.devices.lend.phone', control: h('input', { name: 'phone', type: 'tel', 'data-testid': `${prefix}lend-phone` }) }),
    formField({ fields: 'address', labelId: 'web.devices.lend.address', control: h('input', { name: 'address', 'data-testid': `${prefix}lend-address` }), wide: true }),
    formField({ fields: 'district_code', labelId: 'web.devices.lend.district', control: h('select', { name: 'district_code', 'data-testid': `${prefix}lend-district` }, districts) }),
    formField({ fields: 'expected_end', labelId: 'web.devices.lend.expected_end', control: h('input', { name: 'expected_end', type: 'datetime-local', value: isoToLocalInput(expected), 'data-testid': `${prefix}lend-expected-end` }) }),
    formField({ fields: 'guidance', labelId: 'web.devices.lend.guidance', control: h('textarea', { name: 'guidance', rows: 2, 'data-testid': `${prefix}lend-guidance` }), wide: true }),
    formField({ fields: 'doctor_advice', labelId: 'web.devices.lend.doctor_advice', control: h('textarea', { name: 'doctor_advice', rows: 2 }), wide: true }),
    formField({ fields: 'prescribed_flow_lpm', labelId: 'web.devices.lend.flow', control: h('input', { name: 'prescribed_flow_lpm', inputmode: 'decimal' }) }),
    formField({ fields: 'checkin_interval_days', labelId: 'web.devices.lend.interval', control: h('input', { name: 'checkin_interval_days', inputmode: 'numeric', placeholder: '2' }) }),
    formField({ fields: 'clinic_case_id', labelId: 'web.devices.lend.case_id', control: h('input', { name: 'clinic_case_id', inputmode: 'numeric' }) }),
  ];
}

function householdBody(form) {
  const body = {};
  for (const name of ['contact_name', 'phone', 'address', 'district_code', 'guidance', 'doctor_advice']) body[name] = form.elements[name].value;
  body.expected_end = localInputToIso(form.elements.expected_end.value);
  for (const name of ['prescribed_flow_lpm', 'checkin_interval_days', 'clinic_case_id']) {
    const value = numberOf(form.elements[name].value);
    if (value !== undefined) body[name] = value;
  }
  return body;
}

// `forNeed` ({needId, matchId, need}) when lending for an exchange need: the form starts from
// the need's district, address (when the caller may see it) and clinic case, and is open.
function lendForm(device, reload, forNeed) {
  const alerts = h('div', { class: 'alerts' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'lend-form' },
    ...householdFields(),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'lend-submit' }, t('web.devices.lend.submit'))));
  if (forNeed) {
    const { need } = forNeed;
    if (need.district_code) form.elements.district_code.value = need.district_code;
    if (need.address) form.elements.address.value = need.address;
    if (need.case_id) form.elements.clinic_case_id.value = String(need.case_id);
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type=submit]'), async () => {
      const body = householdBody(form);
      if (forNeed) {
        body.need_id = forNeed.needId;
        if (forNeed.matchId) body.match_id = forNeed.matchId;
      }
      await api.post(`/devices/${device.id}/lend`, body);
      await reload(t('web.devices.lend.done'));
    }, (error) => showError(form, alerts, error));
  });
  const box = section('web.devices.lend.title', 'lend', form);
  if (forNeed) box.open = true;
  return box;
}

export function checkInControls() {
  return [
    h('div', { class: 'field' }, checkbox('reached', 'web.checkins.reached', 'checkin-reached')),
    formField({ fields: 'condition', labelId: 'web.checkins.condition', control: h('select', { name: 'condition', 'data-testid': 'checkin-condition' }, h('option', { value: '' }, '—'), ...options(CONDITIONS, 'web.devices.condition')) }),
    formField({ fields: 'spo2', labelId: 'web.checkins.spo2', control: h('input', { name: 'spo2', inputmode: 'decimal', 'data-testid': 'checkin-spo2' }) }),
    formField({ fields: 'note', labelId: 'web.checkins.note', control: h('input', { name: 'note', 'data-testid': 'checkin-note' }), wide: true }),
  ];
}

export function checkInBody(form) {
  const body = { reached: form.elements.reached.checked, note: form.elements.note.value };
  if (form.elements.condition.value) body.condition = form.elements.condition.value;
  const spo2 = numberOf(form.elements.spo2.value);
  if (spo2 !== undefined) body.spo2 = spo2;
  return body;
}

function checkInForm(device, reload) {
  const alerts = h('div', { class: 'alerts' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'checkin-form' },
    ...checkInControls(),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': 'checkin-submit' }, t('web.checkins.submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type=submit]'), async () => {
      await api.post(`/devices/${device.id}/checkins`, checkInBody(form));
      await reload(t('web.checkins.done', { name: deviceName(device) }));
    }, (error) => showError(form, alerts, error));
  });
  return section('web.checkins.submit', 'checkin', form);
}

function endForm(device, reload) {
  const alerts = h('div', { class: 'alerts' });
  const next = h('fieldset', { class: 'form-grid subform', hidden: true, 'data-testid': 'end-next' },
    h('legend', {}, t('web.devices.lend.next_title')), ...householdFields('next-'));
  const outcome = h('select', { name: 'outcome', 'data-testid': 'end-outcome' }, options(OUTCOMES, 'web.devices.outcome'));
  outcome.addEventListener('change', () => { next.hidden = outcome.value !== 'passed_on'; });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'end-form' },
    formField({ fields: 'outcome', labelId: 'web.devices.end.outcome', control: outcome }),
    formField({ fields: 'end_note', labelId: 'web.devices.end.note', control: h('input', { name: 'end_note', 'data-testid': 'end-note' }), wide: true }),
    next,
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': 'end-submit' }, t('web.devices.end.submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button[type=submit]'), async () => {
      const body = { outcome: outcome.value, note: form.elements.end_note.value };
      if (outcome.value === 'passed_on') body.next = householdBody(form);
      await api.post(`/devices/${device.id}/end`, body);
      await reload(t('web.devices.end.done'));
    }, (error) => showError(form, alerts, error));
  });
  return section('web.devices.end.title', 'end', form);
}

// --- The whole life ---

function eventText(event) {
  const detail = event.detail || {};
  const parts = [t(`web.devices.event.${event.kind}`)];
  if (event.kind === 'inspected') parts.push(t(detail.passed ? 'web.devices.inspection.passed' : 'web.devices.inspection.failed'));
  if (event.kind === 'lent' && detail.district_code) parts.push(districtName(detail.district_code));
  if (event.kind === 'ended' && detail.outcome) parts.push(t(`web.devices.outcome.${detail.outcome}`));
  if (event.kind === 'checked_in') {
    parts.push(t(detail.reached ? 'web.devices.checkin.reached_yes' : 'web.devices.checkin.reached_no'));
    if (detail.condition) parts.push(t(`web.devices.condition.${detail.condition}`));
    if (detail.spo2 !== undefined) parts.push(t('web.devices.checkin.spo2', { spo2: formatNumber(detail.spo2) }));
  }
  if (event.kind === 'angel' && detail.angel) parts.push(detail.angel);
  return parts.join(' · ');
}

function driftCard(drift, index) {
  const household = drift.household;
  return h('article', { class: 'review-card', 'data-testid': 'drift', 'data-drift-id': drift.id, 'data-outcome': drift.end_outcome || 'open' },
    h('h4', {}, t('web.devices.drift.title', { n: index + 1 })),
    h('p', {}, t('web.devices.drift.period', { from: formatInstant(drift.started_at), to: drift.ended_at ? formatInstant(drift.ended_at) : t('web.devices.drift.open') }),
      ' · ', t('web.devices.drift.expected', { time: formatInstant(drift.expected_end) })),
    household
      ? h('p', { 'data-testid': 'drift-household' }, `${household.contact_name} · ${household.phone} · ${household.address} (${districtName(household.district_code)})`)
      : h('p', { class: 'muted small', 'data-testid': 'drift-household-hidden' }, districtName(drift.district_code), ' · ', t('web.devices.drift.hidden')),
    h('p', { class: 'small' }, drift.guidance, drift.doctor_advice ? ` · ${drift.doctor_advice}` : '',
      drift.prescribed_flow_lpm !== null ? ` · ${t('web.devices.drift.flow', { flow: formatNumber(drift.prescribed_flow_lpm) })}` : ''),
    drift.ended_at
      ? h('p', { class: 'small' }, t('web.devices.drift.ended_as', { outcome: t(`web.devices.outcome.${drift.end_outcome}`) }), drift.end_note ? ` · ${drift.end_note}` : '')
      : h('p', { class: drift.checkin_overdue ? 'warn small' : 'small', 'data-testid': 'drift-next-due' },
        t('web.devices.drift.next_due', { time: formatInstant(drift.next_checkin_due) }),
        drift.checkin_overdue ? ` · ${t('web.checkins.overdue')}` : ''),
    drift.checkins.length ? h('ul', { class: 'small' }, drift.checkins.map((checkIn) => h('li', { 'data-testid': 'drift-checkin' },
      `${formatInstant(checkIn.at)} · ${checkIn.by_username} · `,
      t(checkIn.reached ? 'web.devices.checkin.reached_yes' : 'web.devices.checkin.reached_no'),
      checkIn.condition ? ` · ${t(`web.devices.condition.${checkIn.condition}`)}` : '',
      checkIn.spo2 !== null ? ` · ${t('web.devices.checkin.spo2', { spo2: formatNumber(checkIn.spo2) })}` : '',
      checkIn.note ? ` · ${checkIn.note}` : ''))) : null);
}

function timelineSection(timeline) {
  return h('section', { class: 'panel', 'data-testid': 'timeline' },
    h('h3', {}, t('web.devices.timeline.drifts')),
    h('div', { class: 'card-stack' }, timeline.drifts.map(driftCard)),
    h('h3', {}, t('web.devices.timeline.title')),
    h('ol', { class: 'timeline' }, timeline.events.map((event) => h('li', { 'data-testid': 'timeline-event', 'data-kind': event.kind },
      h('time', { datetime: event.at }, formatInstant(event.at)), ' · ', event.by_username, ' · ', eventText(event)))));
}
