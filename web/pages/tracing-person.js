// One person's record (#/tracing/person/<id>): who they are to the desk, their health code with
// its reason and history (and the private link through which they see it), the transmission
// chain around them drawn by time, their likely infectors with the evidence, and their tests,
// exposures, trajectory and daily checks, each with the form that adds one. Every read of this
// page is audited by the server.

import { api } from '../api.js';
import { districtName, loadDistricts } from '../districts.js';
import { h } from '../dom.js';
import { busy, clearFieldErrors, formField, isoToLocalInput, localInputToIso, numberOf, showError } from '../forms.js';
import { formatInstant, formatNumber, label, t } from '../i18n.js';
import { dataTable, errorAlert, loading, notice } from '../ui.js';
import {
  EXPOSURE_KINDS, TEST_KINDS, colourBadge, kindText, listOf, personLink, reasonText, spanText, statusBadge,
} from './tracing-common.js';
import { chainGraph } from './tracing-graph.js';

export async function render(view, { id }) {
  const heading = h('h1', { tabindex: '-1', 'data-testid': 'person-heading' }, t('web.tracing.person.title', { id }));
  const body = h('div', { 'aria-live': 'polite' }, loading());
  view.append(
    h('header', { class: 'page-head' }, heading,
      h('a', { href: '#/tracing/cases', class: 'back-link' }, t('web.tracing.person.back'))),
    body);

  const reload = async (flash) => {
    const y = window.scrollY;
    let person;
    let code;
    let report;
    try {
      [person, code, report] = await Promise.all([
        api.get(`/tracing/people/${id}`),
        api.get(`/tracing/people/${id}/code`),
        api.get('/tracing/chains'),
        loadDistricts().catch(() => []),
      ]);
    } catch (error) {
      body.replaceChildren(errorAlert(error));
      return;
    }
    heading.textContent = t('web.tracing.person.title_named', { id, name: person.name });
    // Everyone the chains name (the graph's labels), those this person is linked to, and them.
    const people = new Map((report.people ?? []).map((p) => [p.id, p]));
    for (const exposure of person.exposures ?? []) {
      if (!people.has(exposure.other_id)) {
        people.set(exposure.other_id, { id: exposure.other_id, name: exposure.other_name, status: exposure.other_status });
      }
    }
    people.set(person.id, { ...people.get(person.id), ...person });
    body.replaceChildren(personView({ person, code, report, people, reload, flash }));
    window.scrollTo(0, y);
  };
  await reload();
}

function personView(context) {
  const { person, code, flash } = context;
  return h('div', { class: 'case-page', 'data-testid': 'person-page', 'data-person-id': person.id },
    flash ? notice(flash) : null,
    h('div', { class: 'case-banner' },
      statusBadge(person.status),
      colourBadge(code.colour),
      h('span', { 'data-testid': 'code-reason' }, reasonText(code.reason)),
      code.until ? h('span', { class: 'muted' }, t('web.tracing.code.until', { time: formatInstant(code.until) })) : null),
    h('div', { class: 'case-grid' },
      h('div', { class: 'case-main' },
        factsPanel(person),
        chainPanel(context),
        testsPanel(context),
        exposuresPanel(context),
        visitsPanel(context)),
      h('div', { class: 'case-side' },
        codePanel(context),
        checksPanel(context))));
}

function fact(labelId, value, testid) {
  if (value === null || value === undefined || value === '') return null;
  return h('div', { class: 'fact' }, h('dt', {}, t(labelId)), h('dd', { 'data-testid': testid }, value));
}

function factsPanel(person) {
  return h('section', { class: 'panel', 'data-testid': 'person-facts' },
    h('h2', {}, t('web.tracing.person.facts')),
    h('dl', { class: 'facts' },
      fact('web.tracing.field.name', person.name, 'person-name'),
      fact('web.tracing.field.phone', person.phone || null, 'person-phone'),
      fact('web.tracing.field.household', person.household || null),
      fact('web.tracing.field.district', person.district_code ? districtName(person.district_code) : null),
      fact('web.tracing.field.onset', person.onset_at ? formatInstant(person.onset_at) : null, 'person-onset'),
      fact('web.tracing.field.confirmed_at', person.confirmed_at ? formatInstant(person.confirmed_at) : null),
      fact('web.tracing.field.asymptomatic_at', person.asymptomatic_at ? formatInstant(person.asymptomatic_at) : null),
      fact('web.tracing.field.released_at', person.released_at ? formatInstant(person.released_at) : null),
      fact('web.tracing.field.created_at', formatInstant(person.created_at))));
}

// The chain around the person: the graph of everyone linked to them through likely-infector
// arrows, and in words who most likely infected them and whom they may have infected.
function chainPanel({ person, report, people }) {
  const panel = h('section', { class: 'panel', 'data-testid': 'person-chain' }, h('h2', {}, t('web.tracing.person.chain')));
  const hidden = (report.hidden_sources ?? []).find((source) => source.person_id === person.id);
  if (hidden) {
    panel.append(h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'hidden-source-alert' },
      t('web.tracing.hidden_source_of', { n: formatNumber(hidden.case_ids.length) }), ' ',
      listOf(hidden.case_ids.map((caseId) => personLink(caseId, people.get(caseId)?.name)))));
  }
  const graph = chainGraph(report, people, { focus: person.id, width: 620 });
  panel.append(graph ?? h('p', { class: 'muted', 'data-testid': 'chain-none' }, t('web.tracing.person.no_chain')));

  const own = (report.chains ?? []).find((chain) => chain.case_id === person.id);
  if (own) {
    panel.append(h('h3', {}, t('web.tracing.person.infectors')),
      candidateList(own.candidates, people, 'infector-list'));
  }
  const infected = (report.chains ?? []).filter((chain) => chain.candidates[0]?.infector_id === person.id);
  if (infected.length) {
    panel.append(h('h3', {}, t('web.tracing.person.infected')),
      h('ul', { class: 'reason-list', 'data-testid': 'infected-list' }, infected.map((chain) => h('li', {},
        personLink(chain.case_id, people.get(chain.case_id)?.name), ' — ',
        candidateReason(chain.candidates[0])))));
  }
  return panel;
}

export function candidateReason(candidate) {
  const interval = t(candidate.onset_to_onset ? 'web.tracing.chain.onset_to_onset' : 'web.tracing.chain.exposure_to_onset',
    { days: formatNumber(candidate.interval_days) });
  return [
    kindText(candidate.kind),
    candidate.place ? ` · ${candidate.place}` : '',
    ` · ${spanText(candidate.exposure_start, candidate.exposure_end)}`,
    ` · ${interval}`,
    ` · ${t('web.tracing.chain.share', { share: formatNumber(Math.round(candidate.share * 100)) })}`,
    candidate.infector_explained ? '' : ` · ${t('web.tracing.chain.unexplained_source')}`,
  ].join('');
}

export function candidateList(candidates, people, testid) {
  if (!candidates.length) return h('p', { class: 'muted', 'data-testid': `${testid}-empty` }, t('web.tracing.chain.no_candidates'));
  return h('ol', { class: 'reason-list', 'data-testid': testid }, candidates.map((candidate) => h('li', {},
    personLink(candidate.infector_id, people.get(candidate.infector_id)?.name), ' — ', candidateReason(candidate))));
}

function codePanel({ person, code, reload }) {
  const linkBox = h('div', { 'aria-live': 'polite' });
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const button = h('button', { type: 'button', 'data-testid': 'code-link-make' },
    t(person.code_link ? 'web.tracing.code.link_renew' : 'web.tracing.code.link_make'));
  button.addEventListener('click', () => busy(button, async () => {
    const { token } = await api.post(`/tracing/people/${person.id}/code-link`, {});
    const url = `${window.location.origin}${window.location.pathname}#/code/${encodeURIComponent(token)}`;
    const input = h('input', { class: 'link-input', readonly: true, value: url, 'data-testid': 'code-link-url' });
    linkBox.replaceChildren(h('div', { class: 'link-box' },
      h('span', { class: 'link-label' }, t('web.tracing.code.link_label')), input,
      h('p', { class: 'small' }, t('web.tracing.code.link_hint'))));
    input.select();
  }, (error) => alerts.replaceChildren(errorAlert(error))));
  return h('section', { class: 'panel', 'data-testid': 'code-panel' },
    h('h2', {}, t('web.tracing.code.title')),
    h('p', {}, colourBadge(code.colour, 'code-colour-panel'), ' ', reasonText(code.reason)),
    h('p', { class: 'small muted' }, t('web.tracing.code.since', { time: formatInstant(code.since) })),
    h('h3', {}, t('web.tracing.code.history')),
    h('ol', { class: 'reason-list', 'data-testid': 'code-history' }, code.history.map((change) => h('li', {},
      h('span', { class: 'nowrap' }, formatInstant(change.at)), ' ', colourBadge(change.colour, 'history-colour'), ' ',
      reasonText(change.reason)))),
    h('div', { class: 'link-actions' }, button,
      person.code_link ? h('span', { class: 'small muted' }, t('web.tracing.code.link_exists')) : null),
    alerts, linkBox);
}

// A form in a fold under a panel; `fields` are [labelId, control, hintId?]; `toBody` turns the
// form into the request body. After a success the page is drawn again with `doneId`.
function addForm({ titleId, testid, fields, toBody, path, doneId, reload }) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': testid },
    h('div', { class: 'form-grid' }, fields.map(([labelId, control, hintId]) => formField({ labelId, control, hintId }))),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': `${testid}-submit` }, t('web.tracing.form.save'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const value = (name) => {
      const control = form.elements.namedItem(name);
      return control.type === 'checkbox' ? control.checked : control.value.trim();
    };
    busy(form.querySelector('button[type=submit]'), async () => {
      await api.post(path, toBody(value));
      await reload(t(doneId));
    }, (error) => showError(form, alerts, error));
  });
  return h('details', { class: 'subform-box' }, h('summary', { 'data-testid': `${testid}-open` }, t(titleId)), form);
}

const nowInput = (name) => h('input', { name, type: 'datetime-local', value: isoToLocalInput(new Date()) });
const timeInput = (name) => h('input', { name, type: 'datetime-local' });
const optionalIso = (text) => (text ? localInputToIso(text) : undefined);

function testsPanel({ person, reload }) {
  return h('section', { class: 'panel', 'data-testid': 'person-tests' },
    h('h2', {}, t('web.tracing.person.tests')),
    dataTable({
      testid: 'tests-table',
      rows: person.tests ?? [],
      columns: [
        { label: 'web.tracing.field.taken_at', nowrap: true, cell: (test) => formatInstant(test.taken_at) },
        { label: 'web.tracing.field.test_kind', cell: (test) => label('web.tracing.test_kind', test.kind) },
        { label: 'web.tracing.field.result', cell: (test) => h('span', { class: test.positive ? 'warn' : null }, t(test.positive ? 'web.tracing.test.positive' : 'web.tracing.test.negative')) },
        { label: 'web.tracing.field.ct', numeric: true, cell: (test) => (test.ct === null || test.ct === undefined ? '' : formatNumber(test.ct)) },
        { label: 'web.tracing.field.batch', cell: (test) => test.batch || '' },
      ],
    }),
    addForm({
      titleId: 'web.tracing.person.add_test',
      testid: 'test-form',
      path: '/tracing/tests',
      doneId: 'web.tracing.person.test_added',
      reload,
      fields: [
        ['web.tracing.field.test_kind', h('select', { name: 'kind' }, TEST_KINDS.map((kind) => h('option', { value: kind }, label('web.tracing.test_kind', kind))))],
        ['web.tracing.field.result', h('select', { name: 'positive', 'data-testid': 'test-result' },
          h('option', { value: 'false' }, t('web.tracing.test.negative')), h('option', { value: 'true' }, t('web.tracing.test.positive')))],
        ['web.tracing.field.ct', h('input', { name: 'ct', inputmode: 'decimal', class: 'input-short' }), 'web.tracing.field.ct_hint'],
        ['web.tracing.field.taken_at', nowInput('taken_at')],
        ['web.tracing.field.batch', h('input', { name: 'batch' })],
      ],
      toBody: (value) => ({
        person_id: person.id,
        kind: value('kind'),
        positive: value('positive') === 'true',
        ct: numberOf(value('ct')),
        taken_at: localInputToIso(value('taken_at')),
        batch: value('batch') || undefined,
      }),
    }));
}

function exposuresPanel({ person, people, reload }) {
  const others = [...people.values()].filter((p) => p.id !== person.id).sort((a, b) => a.id - b.id);
  const other = h('input', { name: 'b_id', inputmode: 'numeric', list: 'tracing-people-list', class: 'input-short', 'data-testid': 'exposure-other' });
  return h('section', { class: 'panel', 'data-testid': 'person-exposures' },
    h('h2', {}, t('web.tracing.person.exposures')),
    dataTable({
      testid: 'exposures-table',
      rows: person.exposures ?? [],
      columns: [
        { label: 'web.tracing.field.other', cell: (e) => h('span', {}, personLink(e.other_id, e.other_name), ' ', statusBadge(e.other_status)) },
        { label: 'web.tracing.field.kind', cell: (e) => kindText(e.kind) },
        { label: 'web.tracing.field.when', cell: (e) => spanText(e.start_at, e.end_at) },
        { label: 'web.tracing.field.place', cell: (e) => e.place || '' },
        { label: 'web.tracing.field.evidence', wide: true, cell: (e) => (e.evidence
          ? h('details', {}, h('summary', {}, t('web.tracing.person.evidence_show')), h('pre', { class: 'evidence' }, e.evidence))
          : '') },
      ],
    }),
    h('datalist', { id: 'tracing-people-list' }, others.map((p) => h('option', { value: String(p.id) }, `${p.name} · ${label('web.tracing.status', p.status)}`))),
    addForm({
      titleId: 'web.tracing.person.add_exposure',
      testid: 'exposure-form',
      path: '/tracing/exposures',
      doneId: 'web.tracing.person.exposure_added',
      reload,
      fields: [
        ['web.tracing.field.other_id', other, 'web.tracing.field.other_id_hint'],
        ['web.tracing.field.kind', h('select', { name: 'kind' }, EXPOSURE_KINDS.map((kind) => h('option', { value: kind }, kindText(kind))))],
        ['web.tracing.field.start_at', timeInput('start_at')],
        ['web.tracing.field.end_at', timeInput('end_at')],
        ['web.tracing.field.place', h('input', { name: 'place' })],
      ],
      toBody: (value) => ({
        a_id: person.id,
        b_id: numberOf(value('b_id')),
        kind: value('kind'),
        start_at: optionalIso(value('start_at')),
        end_at: optionalIso(value('end_at')),
        place: value('place') || undefined,
      }),
    }));
}

function visitsPanel({ person, reload }) {
  return h('section', { class: 'panel', 'data-testid': 'person-visits' },
    h('h2', {}, t('web.tracing.person.visits')),
    dataTable({
      testid: 'visits-table',
      rows: person.visits ?? [],
      columns: [
        { label: 'web.tracing.field.when', cell: (v) => spanText(v.start_at, v.end_at) },
        { label: 'web.tracing.field.place', cell: (v) => v.place },
        { label: 'web.tracing.field.area', cell: (v) => v.area || '' },
        { label: 'web.tracing.field.high_risk', cell: (v) => (v.high_risk ? h('span', { class: 'warn' }, t('web.tracing.visit.high_risk')) : '') },
      ],
    }),
    addForm({
      titleId: 'web.tracing.person.add_visit',
      testid: 'visit-form',
      path: '/tracing/visits',
      doneId: 'web.tracing.person.visit_added',
      reload,
      fields: [
        ['web.tracing.field.place', h('input', { name: 'place' })],
        ['web.tracing.field.area', h('input', { name: 'area' }), 'web.tracing.field.area_hint'],
        ['web.tracing.field.start_at', timeInput('start_at')],
        ['web.tracing.field.end_at', timeInput('end_at')],
        ['web.tracing.field.high_risk', h('input', { name: 'high_risk', type: 'checkbox' }), 'web.tracing.field.high_risk_hint'],
      ],
      toBody: (value) => ({
        person_id: person.id,
        place: value('place'),
        area: value('area') || undefined,
        start_at: optionalIso(value('start_at')),
        end_at: optionalIso(value('end_at')),
        high_risk: value('high_risk'),
      }),
    }));
}

function checksPanel({ person, reload }) {
  const checks = [...(person.checks ?? [])].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return h('section', { class: 'panel', 'data-testid': 'person-checks' },
    h('h2', {}, t('web.tracing.person.checks')),
    checks.length
      ? h('ul', { class: 'note-list', 'data-testid': 'checks-list' }, checks.map((check) => h('li', { class: 'note' },
        h('div', { class: 'note-meta' }, formatInstant(check.at)),
        h('div', { class: 'note-text' },
          check.symptoms || t('web.tracing.check.no_symptoms'),
          check.temperature_c !== null && check.temperature_c !== undefined ? ` · ${formatNumber(check.temperature_c)} °C` : ''))))
      : h('p', { class: 'muted' }, t('web.tracing.check.none')),
    addForm({
      titleId: 'web.tracing.person.add_check',
      testid: 'check-form',
      path: '/tracing/checks',
      doneId: 'web.tracing.person.check_added',
      reload,
      fields: [
        ['web.tracing.field.at', nowInput('at')],
        ['web.tracing.field.symptoms', h('input', { name: 'symptoms' }), 'web.tracing.field.symptoms_hint'],
        ['web.tracing.field.temperature_c', h('input', { name: 'temperature_c', inputmode: 'decimal', class: 'input-short' })],
      ],
      toBody: (value) => ({
        person_id: person.id,
        at: localInputToIso(value('at')),
        symptoms: value('symptoms'),
        temperature_c: numberOf(value('temperature_c')),
      }),
    }));
}
