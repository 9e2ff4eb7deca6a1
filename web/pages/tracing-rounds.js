// Testing rounds (GET/POST /tracing/rounds): a round over chosen districts with a daily capacity,
// scheduled by risk (cases in the last 14 days per 10,000 people) day by day; a round's page
// (#/tracing/rounds/<id>) shows the schedule and the batches recorded, and takes a batch's
// results: every positive opens a case.

import { api } from '../api.js';
import { h } from '../dom.js';
import { busy, clearFieldErrors, formField, isoToLocalInput, localInputToIso, numberOf, showError, todayLocal } from '../forms.js';
import { formatDay, formatInstant, formatNumber, localName, t } from '../i18n.js';
import { dataTable, errorAlert, loading, notice } from '../ui.js';
import { personLink } from './tracing-common.js';

export async function render(panel, context) {
  if (/^\d+$/.test(context.parts[0] ?? '')) {
    await renderRound(panel, { ...context, id: Number(context.parts[0]) });
    return;
  }
  const list = h('div', { 'aria-live': 'polite' }, loading());
  panel.append(list);
  let rounds;
  let districts;
  try {
    [{ rounds }, { districts }] = await Promise.all([api.get('/tracing/rounds'), api.get('/districts')]);
  } catch (error) {
    list.replaceChildren(errorAlert(error));
    return;
  }
  list.replaceChildren(
    dataTable({
      testid: 'rounds-table',
      emptyId: 'web.tracing.rounds.none',
      rows: rounds,
      columns: [
        { label: 'web.tracing.rounds.name', cell: (r) => h('a', { href: `#/tracing/rounds/${r.id}`, 'data-testid': `round-link-${r.id}` }, r.name) },
        { label: 'web.tracing.rounds.start_date', nowrap: true, cell: (r) => formatDay(r.start_date) },
        { label: 'web.tracing.rounds.capacity', numeric: true, cell: (r) => formatNumber(r.daily_capacity) },
        { label: 'web.tracing.rounds.districts', numeric: true, cell: (r) => formatNumber(r.districts) },
        { label: 'web.tracing.rounds.population', numeric: true, cell: (r) => formatNumber(r.population) },
        { label: 'web.tracing.rounds.tested', numeric: true, cell: (r) => formatNumber(r.tested) },
        { label: 'web.tracing.rounds.positives', numeric: true, cell: (r) => formatNumber(r.positives) },
      ],
    }),
    newRoundForm(districts, context.navigate));
}

function newRoundForm(districts, navigate) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const sorted = [...districts].sort((a, b) => String(a.code).localeCompare(String(b.code)));
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'round-form' },
    h('div', { class: 'form-grid' },
      formField({ labelId: 'web.tracing.rounds.name', control: h('input', { name: 'name', value: t('web.tracing.rounds.default_name') }) }),
      formField({ labelId: 'web.tracing.rounds.start_date', control: h('input', { name: 'start_date', type: 'date', value: todayLocal() }) }),
      formField({ labelId: 'web.tracing.rounds.capacity', control: h('input', { name: 'daily_capacity', inputmode: 'numeric', value: '1000000' }), hintId: 'web.tracing.rounds.capacity_hint' })),
    h('fieldset', { class: 'field choice-group', 'data-field': 'districts' },
      h('legend', {}, t('web.tracing.rounds.choose_districts')),
      h('small', { class: 'hint' }, t('web.tracing.rounds.choose_districts_hint')),
      h('div', { class: 'choices' }, sorted.map((d) => h('label', { class: 'choice' },
        h('input', { type: 'checkbox', name: 'district', value: d.code, checked: true, 'data-population': d.population ?? 0 }),
        h('span', {}, localName(d), h('small', { class: 'choice-hint' }, t('web.tracing.rounds.people', { n: formatNumber(d.population ?? 0) }))))))),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'round-submit' }, t('web.tracing.rounds.create'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const chosen = [...form.querySelectorAll('input[name=district]:checked')].map((box) => {
      const district = sorted.find((d) => d.code === box.value);
      return { code: district.code, name: localName(district), population: Number(box.dataset.population) };
    });
    const body = {
      name: form.elements.namedItem('name').value.trim(),
      start_date: form.elements.namedItem('start_date').value,
      daily_capacity: numberOf(form.elements.namedItem('daily_capacity').value),
      districts: chosen,
    };
    busy(form.querySelector('button[type=submit]'), async () => {
      const round = await api.post('/tracing/rounds', body);
      navigate(`#/tracing/rounds/${round.id}`);
    }, (error) => showError(form, alerts, error));
  });
  return h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'round-form-open' }, t('web.tracing.rounds.new')), form);
}

async function renderRound(panel, { id }) {
  const body = h('div', { 'aria-live': 'polite' }, loading());
  panel.append(h('a', { href: '#/tracing/rounds', class: 'back-link' }, t('web.tracing.rounds.back')), body);
  const reload = async (flash) => {
    let round;
    try {
      round = await api.get(`/tracing/rounds/${id}`);
    } catch (error) {
      body.replaceChildren(errorAlert(error));
      return;
    }
    body.replaceChildren(roundView(round, reload, flash));
  };
  await reload();
}

function roundView(round, reload, flash) {
  const names = new Map(round.districts.map((d) => [d.code, d.name || d.code]));
  return h('div', { 'data-testid': 'round-page', 'data-round-id': round.id },
    flash ? notice(flash) : null,
    h('h2', {}, round.name),
    h('p', { class: 'muted' }, t('web.tracing.rounds.summary', {
      start: formatDay(round.start_date), capacity: formatNumber(round.daily_capacity), days: formatNumber(round.days.length),
    })),
    h('h3', {}, t('web.tracing.rounds.districts_heading')),
    dataTable({
      testid: 'round-districts',
      rows: round.districts,
      columns: [
        { label: 'web.tracing.rounds.district', cell: (d) => d.name || d.code },
        { label: 'web.tracing.rounds.risk', numeric: true, cell: (d) => formatNumber(Math.round(d.risk * 100) / 100) },
        { label: 'web.tracing.rounds.cases_14d', numeric: true, cell: (d) => formatNumber(d.cases_14d) },
        { label: 'web.tracing.rounds.population', numeric: true, cell: (d) => formatNumber(d.population) },
        { label: 'web.tracing.rounds.tested', numeric: true, cell: (d) => formatNumber(d.tested) },
        { label: 'web.tracing.rounds.positives', numeric: true, cell: (d) => formatNumber(d.positives) },
      ],
    }),
    h('h3', {}, t('web.tracing.rounds.schedule')),
    dataTable({
      testid: 'round-days',
      rows: round.days,
      columns: [
        { label: 'web.tracing.rounds.date', nowrap: true, cell: (d) => formatDay(d.date) },
        { label: 'web.tracing.rounds.tests', numeric: true, cell: (d) => formatNumber(d.tests) },
        { label: 'web.tracing.rounds.slots', wide: true, cell: (d) => d.slots.map((slot) => `${names.get(slot.district) ?? slot.district} ${formatNumber(slot.tests)}`).join(t('web.common.list_separator')) },
      ],
    }),
    h('h3', {}, t('web.tracing.rounds.batches')),
    dataTable({
      testid: 'round-batches',
      emptyId: 'web.tracing.rounds.no_batches',
      rows: round.batches,
      columns: [
        { label: 'web.tracing.rounds.batch', cell: (b) => b.batch },
        { label: 'web.tracing.rounds.district', cell: (b) => names.get(b.district_code) ?? b.district_code },
        { label: 'web.tracing.rounds.taken_at', nowrap: true, cell: (b) => formatInstant(b.taken_at) },
        { label: 'web.tracing.rounds.tested', numeric: true, cell: (b) => formatNumber(b.tested) },
        { label: 'web.tracing.rounds.positives', numeric: true, cell: (b) => formatNumber(b.positives) },
        { label: 'web.tracing.rounds.cases', cell: (b) => b.case_ids.map((caseId, index) => [index ? ' ' : '', personLink(caseId, `#${caseId}`)]) },
      ],
    }),
    batchForm(round, names, reload));
}

// Positives as lines "name, phone[, household]": how result sheets come from the labs.
function parsePositives(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).map((line) => {
    const [name = '', phone = '', household = ''] = line.split(/[,，\t]/).map((part) => part.trim());
    return { name, phone: phone || undefined, household: household || undefined };
  });
}

function batchForm(round, names, reload) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'batch-form' },
    h('div', { class: 'form-grid' },
      formField({ labelId: 'web.tracing.rounds.district', control: h('select', { name: 'district_code' },
        round.districts.map((d) => h('option', { value: d.code }, names.get(d.code)))) }),
      formField({ labelId: 'web.tracing.rounds.batch', control: h('input', { name: 'batch' }), hintId: 'web.tracing.rounds.batch_hint' }),
      formField({ labelId: 'web.tracing.rounds.taken_at', control: h('input', { name: 'taken_at', type: 'datetime-local', value: isoToLocalInput(new Date()) }) }),
      formField({ labelId: 'web.tracing.rounds.tested', control: h('input', { name: 'tested', inputmode: 'numeric' }) })),
    formField({ labelId: 'web.tracing.rounds.positives_list', control: h('textarea', { name: 'positives', rows: 4 }), hintId: 'web.tracing.rounds.positives_hint', wide: true }),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'batch-submit' }, t('web.tracing.rounds.record_batch'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const value = (name) => form.elements.namedItem(name).value.trim();
    const body = {
      district_code: value('district_code'),
      batch: value('batch'),
      taken_at: localInputToIso(value('taken_at')),
      tested: numberOf(value('tested')),
      positives: parsePositives(form.elements.namedItem('positives').value),
    };
    busy(form.querySelector('button[type=submit]'), async () => {
      const answer = await api.post(`/tracing/rounds/${round.id}/batches`, body);
      await reload(t('web.tracing.rounds.batch_recorded', { n: formatNumber(answer.case_ids.length) }));
    }, (error) => showError(form, alerts, error));
  });
  return h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'batch-form-open' }, t('web.tracing.rounds.record_batch')), form);
}
