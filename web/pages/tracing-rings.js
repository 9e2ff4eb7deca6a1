// Rings and workload (GET /tracing/rings): the contacts around chosen cases expanded to rings
// 2 and 3, and the investigator-days each ring takes (25 per person in ring 1, ten times more per
// further ring) against the tracers on duty: why a city with 300 tracers loses a chain that one
// with 3,000 keeps.

import { api } from '../api.js';
import { h } from '../dom.js';
import { busy, clearFieldErrors, formField, showError } from '../forms.js';
import { formatNumber, t } from '../i18n.js';
import { dataTable, errorAlert } from '../ui.js';

export async function render(panel, { query, navigate }) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const result = h('div', { 'aria-live': 'polite' });
  const caseIds = h('input', { name: 'case_ids', value: query.get('case_ids') ?? '', 'data-testid': 'rings-cases' });
  const tracers = h('input', { name: 'tracers', inputmode: 'numeric', class: 'input-short', value: query.get('tracers') ?? '300', 'data-testid': 'rings-tracers' });
  const form = h('form', { class: 'filters-row', novalidate: true, 'data-testid': 'rings-form' },
    formField({ labelId: 'web.tracing.rings.cases', control: caseIds, hintId: 'web.tracing.rings.cases_hint' }),
    formField({ labelId: 'web.tracing.rings.tracers', control: tracers, hintId: 'web.tracing.rings.tracers_hint' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'rings-submit' }, t('web.tracing.rings.estimate'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const ids = caseIds.value.split(/[\s,，、]+/).filter(Boolean).join(',');
    navigate(`#/tracing/rings?${new URLSearchParams({ case_ids: ids, tracers: tracers.value.trim() })}`);
  });
  panel.append(h('p', { class: 'muted' }, t('web.tracing.rings.intro')), form, alerts, result);

  if (!query.get('case_ids')) return;
  await busy(form.querySelector('button'), async () => {
    clearFieldErrors(form);
    const { rings } = await api.get('/tracing/rings', { case_ids: query.get('case_ids'), tracers: query.get('tracers') });
    result.replaceChildren(dataTable({
      testid: 'rings-table',
      rows: rings,
      compact: true,
      columns: [
        { label: 'web.tracing.rings.ring', numeric: true, cell: (r) => formatNumber(r.ring) },
        { label: 'web.tracing.rings.people', numeric: true, cell: (r) => formatNumber(r.people) },
        { label: 'web.tracing.rings.investigator_days', numeric: true, cell: (r) => formatNumber(r.investigator_days) },
        { label: 'web.tracing.rings.days', numeric: true, cell: (r) => formatNumber(Math.round(r.days_with_tracers * 10) / 10) },
        { label: 'web.tracing.rings.cumulative_days', numeric: true, cell: (r) => formatNumber(Math.round(r.cumulative_days_with_tracers * 10) / 10) },
      ],
    }));
  }, (error) => {
    if (error.field) showError(form, alerts, error);
    else alerts.replaceChildren(errorAlert(error));
  });
}
