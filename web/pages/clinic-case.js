// One case (#/clinic/case/<id>, GET /clinic/cases/{id}): who the patient is and what they need,
// the vital signs over time, the triage with its reasons, the tier history, notes, follow-up
// tasks, the volunteers on the case (and, for coordinators, who could take it), the emotional
// exposure level and the outcome. Each control is shown only to the roles the API lets use it.

import { api, request } from '../api.js';
import { h } from '../dom.js';
import { formatDay, formatInstant, formatNumber, label, t } from '../i18n.js';
import { dataTable, errorAlert, loading, notice } from '../ui.js';
import { districtName, loadDistricts } from '../districts.js';
import { busy, clearFieldErrors, formField, isoToLocalInput, localInputToIso, showError } from '../forms.js';
import {
  OUTCOMES, TIERS, ageText, chips, durationText, overdueBadge, severityBadge, shortInstant, symptomLabel, tierBadge, tierName,
} from './clinic-common.js';
import { observationBody, vitalSignFields } from './clinic-intake.js';

const MAY = {
  observe: ['coordinator', 'doctor', 'nurse', 'angel'],
  moveTier: ['coordinator', 'doctor', 'nurse'],
  seen: ['doctor', 'nurse', 'counsellor'],
  outcome: ['coordinator', 'doctor', 'nurse'],
  coordinate: ['coordinator'],
};

export async function renderCase(view, { user, id }) {
  const may = (what) => MAY[what].includes(user.role);
  const heading = h('h1', { tabindex: '-1' }, t('web.clinic.case.title', { id }));
  const body = h('div', { 'aria-live': 'polite' }, loading());
  view.append(
    h('header', { class: 'page-head' }, heading,
      h('a', { href: user.role === 'coordinator' || user.role === 'doctor' || user.role === 'nurse' ? '#/clinic/board' : '#/clinic/mine', class: 'back-link' },
        t('web.clinic.case.back'))),
    body);

  // Redraws the page from the server after every change, keeping the reader where they were.
  const reload = async (flash) => {
    const y = window.scrollY;
    let detail;
    try {
      [detail] = await Promise.all([
        api.get(`/clinic/cases/${encodeURIComponent(id)}`), loadDistricts()]);
    } catch (error) {
      body.replaceChildren(errorAlert(error));
      return;
    }
    body.replaceChildren(caseView(detail, { user, may, reload, flash }));
    window.scrollTo(0, y);
  };
  await reload();
}

function caseView(detail, context) {
  const { may } = context;
  const open = detail.status === 'open';
  const latest = detail.triages.at(-1) ?? null;
  return h('div', { class: 'case-page', 'data-testid': 'case-page', 'data-case-id': detail.id, 'data-tier': detail.tier },
    context.flash ? notice(context.flash) : null,
    h('div', { class: 'case-banner' },
      tierBadge(detail.tier),
      h('span', { class: `state-badge state-${detail.status}` }, label('clinic.status', detail.status)),
      severityBadge(detail.nhc_severity, 'web.clinic.triage.nhc_short'),
      detail.overdue ? overdueBadge() : null,
      h('span', { class: 'muted' }, t('web.clinic.case.priority_value', { n: formatNumber(detail.priority) }))),
    h('div', { class: 'case-grid' },
      h('div', { class: 'case-main' },
        summaryPanel(detail),
        latest ? triagePanel(detail, latest) : null,
        vitalsPanel(detail, context, open && may('observe')),
        notesPanel(detail, context),
        historyPanel(detail)),
      h('div', { class: 'case-side' },
        assignmentsPanel(detail, context, open),
        tasksPanel(detail, context, open),
        carePanel(detail, context, open))));
}

function fact(labelId, value, testid) {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length)) return null;
  return h('div', { class: 'fact' }, h('dt', {}, t(labelId)), h('dd', { 'data-testid': testid }, value));
}

function summaryPanel(detail) {
  return h('section', { class: 'panel', 'data-testid': 'case-summary' },
    h('h2', {}, t('web.clinic.case.patient')),
    detail.status === 'open' ? contactBox(detail) : null,
    h('dl', { class: 'facts' },
      fact('web.clinic.form.age', ageText(detail), 'case-age'),
      fact('web.clinic.form.sex', label('web.clinic.sex', detail.sex)),
      fact('web.clinic.form.pregnancy_weeks', detail.pregnancy_weeks !== null && detail.pregnancy_weeks !== undefined
        ? t('web.clinic.case.weeks', { n: formatNumber(detail.pregnancy_weeks) }) : null),
      fact('web.clinic.form.district', detail.district_code ? districtName(detail.district_code) : null, 'case-district'),
      fact('web.clinic.form.street', detail.street),
      fact('web.clinic.form.phone', detail.phone_last4 ? t('web.clinic.case.phone_last4', { digits: detail.phone_last4 }) : null),
      fact('web.clinic.form.onset_date', detail.onset_date ? formatDay(detail.onset_date) : null),
      fact('web.clinic.case.comorbidities', chips(detail.comorbidities, 'web.clinic.comorbidity')),
      fact('web.clinic.case.symptoms', symptomsOf(detail.observations), 'case-symptoms'),
      fact('web.clinic.form.antigen', detail.antigen ? label('web.clinic.test', detail.antigen) : null),
      fact('web.clinic.form.pcr', detail.pcr ? label('web.clinic.test', detail.pcr) : null),
      fact('web.clinic.form.imaging_findings', detail.imaging_findings || null, 'case-imaging-findings'),
      fact('web.clinic.case.needs', chips(detail.needs, 'clinic.need'), 'case-needs'),
      fact('web.clinic.case.channel', label('web.clinic.channel', detail.intake_channel)),
      fact('web.clinic.case.created', formatInstant(detail.created_at)),
      fact('web.clinic.case.waiting_since', detail.status === 'open'
        ? `${formatInstant(detail.waiting_since)} (${durationText(Date.now() - Date.parse(detail.waiting_since))})` : null),
      fact('web.clinic.case.due', detail.status === 'open' ? formatInstant(detail.due_at) : null),
      fact('web.clinic.case.last_seen', detail.last_seen_at ? formatInstant(detail.last_seen_at) : null),
      fact('web.clinic.case.outcome', detail.outcome ? label('clinic.outcome', detail.outcome) : null, 'case-outcome'),
      fact('web.clinic.case.closed', detail.closed_at ? formatInstant(detail.closed_at) : null)));
}

// The family's number is sealed; showing it is an act with a reason, kept in the audit log.
function contactBox(detail) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const shown = h('div', { 'aria-live': 'polite' });
  const reason = h('input', { name: 'reason', 'data-testid': 'contact-reason', value: t('web.clinic.contact.default_reason') });
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'contact-form' },
    formField({ labelId: 'web.clinic.contact.reason', hintId: 'web.clinic.contact.reason_hint', control: reason }),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'contact-submit' }, t('web.clinic.contact.reveal'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    busy(form.querySelector('button[type=submit]'), async () => {
      const { phone } = await api.post(`/clinic/cases/${detail.id}/contact`, { reason: reason.value });
      form.hidden = true;
      shown.replaceChildren(h('a', { class: 'button button-primary button-big phone-link', href: `tel:${phone.replace(/[^\d+]/g, '')}`, 'data-testid': 'contact-phone' },
        t('web.clinic.contact.call', { phone })));
    }, (error) => showError(form, alerts, error));
  });
  return h('details', { class: 'subform-box contact-box' },
    h('summary', { 'data-testid': 'contact-open' }, t('web.clinic.contact.show')), form, shown);
}

// Every symptom reported so far, each once, in the reader's language.
function symptomsOf(observations) {
  const seen = new Map();
  for (const observation of observations ?? []) {
    for (const symptom of observation.symptoms ?? []) seen.set(String(symptom).toLowerCase(), symptomLabel(symptom));
  }
  if (!seen.size) return null;
  return h('ul', { class: 'chips' }, [...seen.values()].map((text) => h('li', {}, text)));
}

function triagePanel(detail, latest) {
  const news2 = latest.news2 === null || latest.news2 === undefined
    ? t('web.clinic.triage.news2_unknown')
    : h('span', {}, formatNumber(latest.news2),
      latest.news2_band ? h('span', { class: `band band-${latest.news2_band}` }, label('triage.news2_band', latest.news2_band)) : null);
  const list = (codes, prefix, testid, emptyId) => (codes?.length
    ? h('ul', { class: 'reason-list', 'data-testid': testid }, codes.map((code) => h('li', {}, label(prefix, code))))
    : h('p', { class: 'muted' }, t(emptyId)));
  const earlier = detail.triages.slice(0, -1).reverse();
  return h('section', { class: 'panel', 'data-testid': 'case-triage' },
    h('h2', {}, t('web.clinic.triage.title')),
    h('p', { class: 'muted small' }, t('web.clinic.triage.at', { time: formatInstant(latest.at) })),
    h('dl', { class: 'facts facts-strong' },
      fact('web.clinic.triage.nhc', severityBadge(latest.nhc_severity), 'triage-nhc'),
      fact('web.clinic.triage.who', severityBadge(latest.who_severity), 'triage-who'),
      fact('web.clinic.triage.news2', news2, 'triage-news2'),
      fact('web.clinic.triage.priority', formatNumber(latest.priority)),
      fact('web.clinic.triage.recommended', tierName(latest.tier), 'triage-tier')),
    latest.tier !== detail.tier ? h('p', { class: 'muted small' }, t('web.clinic.triage.placed_by_clinician', { tier: tierName(detail.tier) })) : null,
    h('h3', {}, t('web.clinic.triage.reasons')),
    list(latest.reasons, 'triage.reason', 'triage-reasons', 'web.clinic.triage.no_reasons'),
    h('h3', {}, t('web.clinic.triage.missing')),
    list(latest.missing, 'triage.missing', 'triage-missing', 'web.clinic.triage.nothing_missing'),
    h('h3', {}, t('web.clinic.triage.actions')),
    list(latest.actions, 'triage.action', 'triage-actions', 'web.clinic.triage.no_actions'),
    earlier.length ? h('details', { class: 'earlier' },
      h('summary', {}, t('web.clinic.triage.earlier', { n: formatNumber(earlier.length) })),
      dataTable({
        compact: true,
        rows: earlier,
        columns: [
          { label: 'web.clinic.time', nowrap: true, cell: (x) => formatInstant(x.at) },
          { label: 'web.clinic.triage.nhc', cell: (x) => severityName(x.nhc_severity) },
          { label: 'web.clinic.triage.who', cell: (x) => severityName(x.who_severity) },
          { label: 'web.clinic.triage.news2', numeric: true, cell: (x) => (x.news2 === null ? '—' : formatNumber(x.news2)) },
          { label: 'web.clinic.triage.recommended', cell: (x) => tierName(x.tier) },
        ],
      })) : null);
}

function severityName(code) {
  return label('triage.severity', code);
}

// --- Vital signs: chart, table and the form for new ones ---

const VITAL_COLUMNS = [
  { label: 'web.clinic.time', cell: (o) => h('span', {},
    h('time', { datetime: o.at, class: 'nowrap', title: formatInstant(o.at) }, shortInstant(o.at)), ' ',
    h('span', { class: 'muted small' }, label('web.clinic.source', o.source))) },
  { label: 'web.clinic.vital.spo2_short', numeric: true, cell: (o) => spo2Cell(o) },
  { label: 'web.clinic.vital.resp_rate_short', numeric: true, cell: (o) => num(o.resp_rate) },
  { label: 'web.clinic.vital.heart_rate_short', numeric: true, cell: (o) => num(o.heart_rate) },
  { label: 'web.clinic.vital.temperature_short', numeric: true, cell: (o) => num(o.temperature_c) },
  { label: 'web.clinic.vital.systolic_bp_short', numeric: true, cell: (o) => num(o.systolic_bp) },
  { label: 'web.clinic.vital.acvpu_short', cell: (o) => (o.consciousness ? h('abbr', { title: t(`web.clinic.acvpu.${o.consciousness}`) }, o.consciousness) : '—') },
];

function num(value) {
  return value === null || value === undefined ? '—' : formatNumber(value);
}

function spo2Cell(o) {
  if (o.spo2 === null || o.spo2 === undefined) return '—';
  const how = o.on_oxygen === true ? t('web.clinic.vital.on_o2_short') : o.on_oxygen === false ? t('web.clinic.vital.on_air_short') : null;
  return how ? `${formatNumber(o.spo2)} (${how})` : formatNumber(o.spo2);
}

function vitalsPanel(detail, context, canObserve) {
  const observations = detail.observations ?? [];
  const panel = h('section', { class: 'panel', 'data-testid': 'case-vitals' },
    h('h2', {}, t('web.clinic.vital.title')),
    h('div', { class: 'charts' },
      chart(observations, 'spo2', 'web.clinic.vital.spo2_short', { min: 80, max: 100, threshold: 93 }),
      chart(observations, 'resp_rate', 'web.clinic.vital.resp_rate_short', { min: 0, max: 50, threshold: 30 })),
    h('div', { class: 'vitals-table' },
      dataTable({ testid: 'vitals-table', rows: [...observations].reverse(), columns: VITAL_COLUMNS, emptyId: 'web.clinic.vital.none', compact: true })));
  if (canObserve) panel.append(observationForm(detail, context));
  return panel;
}

// A small line chart of one vital sign over time, with its severity threshold dashed.
function chart(observations, key, titleId, { min, max, threshold }) {
  const points = observations.filter((o) => o[key] !== null && o[key] !== undefined)
    .map((o) => ({ x: Date.parse(o.at), y: Number(o[key]), oxygen: key === 'spo2' && o.on_oxygen === true }));
  if (points.length < 2) return null;
  const W = 300;
  const H = 120;
  const pad = { l: 30, r: 10, t: 10, b: 18 };
  const lo = Math.min(min, ...points.map((p) => p.y));
  const hi = Math.max(max, ...points.map((p) => p.y));
  const x0 = points[0].x;
  const span = Math.max(1, points.at(-1).x - x0);
  const sx = (x) => pad.l + ((x - x0) / span) * (W - pad.l - pad.r);
  const sy = (y) => pad.t + (1 - (y - lo) / (hi - lo || 1)) * (H - pad.t - pad.b);
  const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'vital-chart', role: 'img', 'aria-label': t(titleId) });
  svg.append(
    el('line', { x1: pad.l, x2: W - pad.r, y1: sy(threshold), y2: sy(threshold), class: 'chart-threshold' }),
    el('text', { x: 2, y: sy(threshold) + 4, class: 'chart-label' }, String(threshold)),
    el('text', { x: 2, y: sy(hi) + 8, class: 'chart-label' }, String(hi)),
    el('text', { x: 2, y: sy(lo), class: 'chart-label' }, String(lo)),
    el('polyline', { points: points.map((p) => `${sx(p.x)},${sy(p.y)}`).join(' '), class: 'chart-line' }));
  for (const p of points) {
    // A reading taken on oxygen is drawn hollow: it is not comparable with one on room air.
    const dot = el('circle', { cx: sx(p.x), cy: sy(p.y), r: 4, class: p.oxygen ? 'chart-dot chart-dot-o2' : 'chart-dot' });
    dot.append(el('title', {}, `${formatInstant(new Date(p.x).toISOString())}: ${formatNumber(p.y)}${p.oxygen ? ` (${t('web.clinic.vital.on_o2_short')})` : ''}`));
    svg.append(dot);
  }
  svg.append(el('text', { x: sx(points.at(-1).x), y: sy(points.at(-1).y) - 8, class: 'chart-value', 'text-anchor': 'end' }, formatNumber(points.at(-1).y)));
  return h('figure', { class: 'chart' }, h('figcaption', {}, t(titleId),
    points.some((p) => p.oxygen) ? h('span', { class: 'chart-legend' }, ` ○ ${t('web.clinic.vital.on_o2_short')}`) : null), svg);
}

function observationForm(detail, { reload }) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'observation-form' },
    vitalSignFields(),
    formField({ fields: 'symptoms', labelId: 'web.clinic.form.other_symptoms', hintId: 'web.clinic.form.other_symptoms_hint', control: h('input', { name: 'other_symptoms' }) }),
    alerts,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'observation-submit' }, t('web.clinic.vital.submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    busy(form.querySelector('button[type=submit]'), async () => {
      const answer = await api.post(`/clinic/cases/${detail.id}/observations`, observationBody(form));
      await reload(t(answer.moved ? 'web.clinic.vital.moved' : 'web.clinic.vital.stayed', { tier: tierName(answer.tier) }));
    }, (error) => showError(form, alerts, error));
  });
  return h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'observation-open' }, t('web.clinic.vital.add')), form);
}

// --- Notes ---

function notesPanel(detail, { reload }) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const text = h('textarea', { name: 'text', rows: '3', 'data-testid': 'note-text' });
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'note-form' },
    formField({ labelId: 'web.clinic.note.new', control: text, wide: true }),
    alerts,
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'note-submit' }, t('web.clinic.note.add'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    busy(form.querySelector('button[type=submit]'), async () => {
      await api.post(`/clinic/cases/${detail.id}/notes`, { text: text.value });
      await reload(t('web.clinic.note.added'));
    }, (error) => showError(form, alerts, error));
  });
  const notes = [...(detail.notes ?? [])].reverse();
  return h('section', { class: 'panel', 'data-testid': 'case-notes' },
    h('h2', {}, t('web.clinic.note.title'), ' ', h('span', { class: 'count' }, formatNumber(notes.length))),
    form,
    notes.length
      ? h('ol', { class: 'note-list', 'data-testid': 'note-list' }, notes.map((note) => h('li', { class: 'note' },
        h('p', { class: 'note-meta' },
          h('time', { datetime: note.at }, formatInstant(note.at)), ' · ',
          h('strong', {}, note.author_username || t('web.audit.system')),
          note.author_role ? ` · ${label('role', note.author_role)}` : ''),
        h('p', { class: 'note-text' }, note.text))))
      : h('p', { class: 'muted' }, t('web.clinic.note.none')));
}

// --- Tier history ---

function historyPanel(detail) {
  const moves = [...(detail.tier_moves ?? [])].reverse();
  // The engine's moves carry its reason codes; a clinician's, their own words.
  const reasonText = (move) => {
    if (!move.reason) return '—';
    if (move.cause === 'clinician') return move.reason;
    return h('ul', { class: 'reason-list small' },
      move.reason.split(' ').filter(Boolean).map((code) => h('li', {}, label('triage.reason', code))));
  };
  return h('section', { class: 'panel', 'data-testid': 'case-history' },
    h('h2', {}, t('web.clinic.history.title')),
    dataTable({
      testid: 'history-table',
      rows: moves,
      columns: [
        { label: 'web.clinic.time', nowrap: true, cell: (m) => h('time', { datetime: m.at, title: formatInstant(m.at) }, shortInstant(m.at)) },
        { label: 'web.clinic.history.move', nowrap: true, cell: (m) => (m.from_tier ? `${tierName(m.from_tier)} → ${tierName(m.to_tier)}` : tierName(m.to_tier)) },
        { label: 'web.clinic.history.cause', cell: (m) => label('web.clinic.cause', m.cause) },
        { label: 'web.clinic.history.by', cell: (m) => (m.by_user ? m.by_username : label('web.audit.actor', m.by_username || 'public')) },
        { label: 'web.clinic.history.reason', wide: true, cell: reasonText },
      ],
    }));
}

// --- Assignments and suggestions ---

function assignmentsPanel(detail, context, open) {
  const { may, reload } = context;
  const assignments = detail.assignments ?? [];
  const panel = h('section', { class: 'panel', 'data-testid': 'case-assignments' },
    h('h2', {}, t('web.clinic.assign.title')),
    h('p', { class: 'exposure-line' }, t('web.clinic.assign.exposure'), ' ',
      h('strong', { 'data-testid': 'case-exposure' }, label('clinic.exposure', detail.exposure))),
    assignments.length
      ? h('ul', { class: 'assignment-list', 'data-testid': 'assignment-list' }, assignments.map((a) => h('li', {
        class: `assignment assignment-${a.status}`, 'data-testid': 'assignment', 'data-volunteer-id': a.volunteer_id, 'data-status': a.status,
      },
      h('div', {}, h('strong', {}, a.volunteer_name || `#${a.volunteer_id}`), ' · ', label('role', a.volunteer_role)),
      h('div', { class: 'small' },
        h('span', { class: `assign-status status-${a.status}` }, label('clinic.assignment', a.status)), ' · ',
        t('web.clinic.assign.readiness', { n: a.readiness }), ' · ',
        formatInstant(a.accepted_at || a.offered_at)),
      a.above_readiness && ['offered', 'active'].includes(a.status) ? h('p', { class: 'warn small' }, t('web.clinic.assign.above_readiness')) : null,
      a.note ? h('p', { class: 'muted small' }, a.note) : null)))
      : h('p', { class: 'muted', 'data-testid': 'assignment-none' }, t('web.clinic.assign.none')));
  if (open && may('coordinate')) panel.append(suggestionsBox(detail, reload));
  return panel;
}

function suggestionsBox(detail, reload) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const list = h('div', { 'data-testid': 'suggestions' }, loading());
  const box = h('div', { class: 'suggestions' }, h('h3', {}, t('web.clinic.assign.suggested')), alerts, list);
  api.get(`/clinic/cases/${detail.id}/suggestions`).then(({ suggestions }) => {
    if (!suggestions.length) {
      list.replaceChildren(h('p', { class: 'muted', 'data-testid': 'suggestions-none' },
        t('web.clinic.assign.no_suggestions', { level: formatNumber(detail.exposure) })));
      return;
    }
    list.replaceChildren(h('ul', { class: 'suggestion-list' }, suggestions.map(({ volunteer, spare_capacity }) => {
      const button = h('button', { type: 'button', class: 'button-primary button-small', 'data-testid': 'assign-button' }, t('web.clinic.assign.assign'));
      button.addEventListener('click', () => busy(button, async () => {
        await api.post(`/clinic/cases/${detail.id}/assignments`, { volunteer_id: volunteer.user_id });
        await reload(t('web.clinic.assign.offered', { name: volunteer.display_name || volunteer.username }));
      }, (error) => alerts.replaceChildren(errorAlert(error))));
      return h('li', { class: 'suggestion', 'data-testid': 'suggestion', 'data-volunteer-id': volunteer.user_id, 'data-username': volunteer.username },
        h('div', {},
          h('strong', {}, volunteer.display_name || volunteer.username), ' · ', label('role', volunteer.role),
          h('div', { class: 'small muted' },
            t('web.clinic.assign.readiness', { n: volunteer.readiness }), ' · ',
            t('web.clinic.assign.spare', { n: formatNumber(spare_capacity) }),
            volunteer.department ? ` · ${label('department', volunteer.department)}` : '')),
        button);
    })));
  }).catch((error) => list.replaceChildren(errorAlert(error)));
  return box;
}

// --- Tasks ---

function tasksPanel(detail, context, open) {
  const { reload } = context;
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const names = new Map((detail.assignments ?? []).map((a) => [a.volunteer_id, a.volunteer_name]));
  const tasks = detail.tasks ?? [];
  const list = tasks.length
    ? h('ul', { class: 'task-list', 'data-testid': 'task-list' }, tasks.map((task) => {
      const done = Boolean(task.done_at);
      const button = done ? null : h('button', { type: 'button', class: 'button-small', 'data-testid': 'task-done' }, t('web.clinic.task.mark_done'));
      button?.addEventListener('click', () => busy(button, async () => {
        await api.post(`/clinic/tasks/${task.id}/done`, {});
        await reload(t('web.clinic.task.done_notice'));
      }, (error) => alerts.replaceChildren(errorAlert(error))));
      return h('li', { class: `task ${done ? 'task-done' : ''} ${task.overdue ? 'task-overdue' : ''}`, 'data-testid': 'task' },
        h('div', { class: 'task-text' }, task.text || label('clinic.task', task.kind)),
        h('div', { class: 'small' },
          task.overdue ? [overdueBadge(), ' '] : null,
          done ? t('web.clinic.task.done_at', { time: formatInstant(task.done_at) }) : t('web.clinic.task.due', { time: formatInstant(task.due_at) }),
          task.assignee_id ? ` · ${names.get(task.assignee_id) || `#${task.assignee_id}`}` : ''),
        button);
    }))
    : h('p', { class: 'muted' }, t('web.clinic.task.none'));
  const panel = h('section', { class: 'panel', 'data-testid': 'case-tasks' }, h('h2', {}, t('web.clinic.task.title')), alerts, list);
  if (!open) return panel;

  const due = new Date(Date.now() + 4 * 3600_000);
  due.setMinutes(0, 0, 0);
  const assignee = h('select', { name: 'assignee_id' },
    h('option', { value: '0' }, t('web.clinic.task.whoever')),
    (detail.assignments ?? []).filter((a) => ['offered', 'active'].includes(a.status))
      .map((a) => h('option', { value: String(a.volunteer_id) }, a.volunteer_name || `#${a.volunteer_id}`)));
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'task-form' },
    formField({ labelId: 'web.clinic.task.text', control: h('input', { name: 'text', 'data-testid': 'task-text' }) }),
    formField({ fields: 'due_at', labelId: 'web.clinic.task.due_label', control: h('input', { name: 'due_at', type: 'datetime-local', value: isoToLocalInput(due) }) }),
    formField({ labelId: 'web.clinic.task.assignee', control: assignee }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'task-submit' }, t('web.clinic.task.add'))));
  const formAlerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  form.insertBefore(formAlerts, form.lastChild);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    clearFieldErrors(form);
    busy(form.querySelector('button[type=submit]'), async () => {
      await api.post(`/clinic/cases/${detail.id}/tasks`, {
        text: String(data.get('text') ?? ''),
        due_at: localInputToIso(String(data.get('due_at') ?? '')),
        assignee_id: Number(data.get('assignee_id')) || 0,
      });
      await reload(t('web.clinic.task.added'));
    }, (error) => showError(form, formAlerts, error));
  });
  panel.append(h('details', { class: 'subform-box' }, h('summary', {}, t('web.clinic.task.add')), form));
  return panel;
}

// --- Tier, seen, exposure and outcome ---

function carePanel(detail, context, open) {
  const { may, reload } = context;
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const panel = h('section', { class: 'panel', 'data-testid': 'case-care' }, h('h2', {}, t('web.clinic.care.title')), alerts);
  const parts = [];

  if (open && may('seen')) {
    const seen = h('button', { type: 'button', 'data-testid': 'mark-seen' }, t('web.clinic.care.seen'));
    seen.addEventListener('click', () => busy(seen, async () => {
      await request('POST', `/clinic/cases/${detail.id}/seen`);
      await reload(t('web.clinic.care.seen_done'));
    }, (error) => alerts.replaceChildren(errorAlert(error))));
    parts.push(h('div', { class: 'form-actions' }, seen, h('span', { class: 'muted small' }, t('web.clinic.care.seen_hint'))));
  }

  if (open && may('moveTier')) {
    const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'tier-form' },
      formField({ labelId: 'web.clinic.care.tier', control: h('select', { name: 'tier' }, TIERS.map((tier) => h('option', { value: tier, selected: tier === detail.tier || null }, tierName(tier)))) }),
      formField({ labelId: 'web.clinic.care.reason', control: h('input', { name: 'reason' }) }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('web.clinic.care.move'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      clearFieldErrors(form);
      busy(form.querySelector('button[type=submit]'), async () => {
        await request('POST', `/clinic/cases/${detail.id}/tier`, { body: { tier: data.get('tier'), reason: data.get('reason') } });
        await reload(t('web.clinic.care.moved', { tier: tierName(String(data.get('tier'))) }));
      }, (error) => showError(form, alerts, error));
    });
    parts.push(h('details', { class: 'subform-box' }, h('summary', {}, t('web.clinic.care.tier_heading')), form));
  }

  if (may('coordinate') && detail.exposure < 3) {
    const levels = [1, 2, 3].filter((level) => level > detail.exposure);
    const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'exposure-form' },
      formField({ fields: 'level', labelId: 'web.clinic.care.exposure_level', control: h('select', { name: 'level' }, levels.map((level) => h('option', { value: String(level) }, label('clinic.exposure', level)))) }),
      formField({ labelId: 'web.clinic.care.reason', control: h('input', { name: 'reason' }) }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, t('web.clinic.care.raise'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      clearFieldErrors(form);
      busy(form.querySelector('button[type=submit]'), async () => {
        await request('POST', `/clinic/cases/${detail.id}/exposure`, { body: { level: Number(data.get('level')), reason: data.get('reason') } });
        await reload(t('web.clinic.care.raised'));
      }, (error) => showError(form, alerts, error));
    });
    parts.push(h('details', { class: 'subform-box' }, h('summary', {}, t('web.clinic.care.exposure_heading')),
      h('p', { class: 'muted small' }, t('web.clinic.care.exposure_hint')), form));
  }

  if (open && may('outcome')) {
    parts.push(h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'outcome-open' }, t('web.clinic.outcome.heading')),
      outcomeForm(detail, reload, alerts)));
  }
  if (!open) parts.push(h('p', {}, t('web.clinic.outcome.closed_as', { outcome: label('clinic.outcome', detail.outcome), time: formatInstant(detail.closed_at) })));
  if (!parts.length) return null;
  panel.append(...parts);
  return panel;
}

// Closing a case ends its assignments and cannot be undone here: a second, explicit step.
function outcomeForm(detail, reload, alerts) {
  const select = h('select', { name: 'outcome', 'data-testid': 'outcome-select' },
    h('option', { value: '' }, t('web.clinic.form.choose')),
    OUTCOMES.map((code) => h('option', { value: code }, label('clinic.outcome', code))));
  const note = h('textarea', { name: 'note', rows: '2' });
  const confirmBox = h('div', { class: 'confirm-box', hidden: true, role: 'alertdialog', 'data-testid': 'outcome-confirm' });
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'outcome-form' },
    formField({ labelId: 'web.clinic.outcome.label', control: select }),
    formField({ labelId: 'web.clinic.outcome.note', control: note, wide: true }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', 'data-testid': 'outcome-submit' }, t('web.clinic.outcome.close'))),
    confirmBox);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const outcome = select.value;
    if (!outcome) {
      showError(form, alerts, { message: t('web.clinic.outcome.choose_first'), field: 'outcome' });
      return;
    }
    const confirmButton = h('button', { type: 'button', class: 'button-danger', 'data-testid': 'outcome-confirm-yes' }, t('web.clinic.outcome.confirm'));
    confirmButton.addEventListener('click', () => busy(confirmButton, async () => {
      await request('POST', `/clinic/cases/${detail.id}/outcome`, { body: { outcome, note: note.value } });
      await reload(t('web.clinic.outcome.done', { outcome: label('clinic.outcome', outcome) }));
    }, (error) => showError(form, alerts, error)));
    confirmBox.replaceChildren(
      h('p', {}, t('web.clinic.outcome.confirm_text', { outcome: label('clinic.outcome', outcome) })),
      outcome === 'died' ? h('p', { class: 'small' }, t('web.clinic.outcome.debrief_note')) : '',
      h('div', { class: 'form-actions' }, confirmButton,
        h('button', { type: 'button', onclick: () => { confirmBox.hidden = true; } }, t('web.clinic.cancel'))));
    confirmBox.hidden = false;
    confirmButton.focus();
  });
  return form;
}
