// The desk's people (GET /tracing/people): cases first (confirmed, asymptomatic, suspected), or
// everyone, with their health code now, searchable by name or number; and the form that adds a
// person (a case reported by a hospital, a contact named by a case).

import { api } from '../api.js';
import { districtName, loadDistricts } from '../districts.js';
import { h, replace } from '../dom.js';
import { busy, clearFieldErrors, formField, localInputToIso, showError } from '../forms.js';
import { formatNumber, label, t } from '../i18n.js';
import { dataTable, errorAlert, loading } from '../ui.js';
import { STATUSES, colourBadge, personLink, reasonText, shortDay, statusBadge } from './tracing-common.js';

const PAGE = 200;

export async function render(panel, { query, navigate }) {
  const status = query.get('status') === 'all' ? 'all' : 'cases';
  const q = query.get('q') ?? '';
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const list = h('div', { 'aria-live': 'polite' }, loading());
  panel.append(searchForm(status, q, navigate), newPersonForm(navigate), list);

  let answer;
  try {
    [answer] = await Promise.all([api.get('/tracing/people', { status, q, limit: PAGE, offset }), loadDistricts()]);
  } catch (error) {
    list.replaceChildren(errorAlert(error));
    return;
  }
  const more = offset + answer.people.length < answer.total;
  const pageLink = (to) => `#/tracing/cases?${new URLSearchParams({ status, q, offset: String(to) })}`;
  replace(list, [
    h('p', { class: 'muted', 'data-testid': 'people-total' }, t('web.tracing.cases.total', { n: formatNumber(answer.total) })),
    dataTable({
      testid: 'people-table',
      rows: answer.people,
      columns: [
        { label: 'web.tracing.field.id', numeric: true, cell: (p) => String(p.id) },
        { label: 'web.tracing.field.name', cell: (p) => personLink(p.id, p.name) },
        { label: 'web.tracing.field.status', cell: (p) => statusBadge(p.status) },
        { label: 'web.tracing.field.code', cell: (p) => h('span', {}, colourBadge(p.colour, `code-${p.id}`), ' ', h('small', { class: 'muted' }, reasonText(p.reason))) },
        { label: 'web.tracing.field.district', cell: (p) => (p.district_code ? districtName(p.district_code) : '') },
        { label: 'web.tracing.field.onset', nowrap: true, cell: (p) => shortDay(p.onset_at) },
        { label: 'web.tracing.field.positive_at', nowrap: true, cell: (p) => shortDay(p.confirmed_at || p.asymptomatic_at) },
      ],
    }),
    offset > 0 || more
      ? h('nav', { class: 'pager' },
        offset > 0 ? h('a', { href: pageLink(Math.max(0, offset - PAGE)) }, t('web.common.previous')) : null,
        more ? h('a', { href: pageLink(offset + PAGE) }, t('web.common.next')) : null)
      : null]);
}

function searchForm(status, q, navigate) {
  const statusSelect = h('select', { name: 'status', 'data-testid': 'people-status' },
    ['cases', 'all'].map((value) => h('option', { value, selected: value === status }, t(`web.tracing.cases.filter_${value}`))));
  const text = h('input', { name: 'q', type: 'search', value: q, 'data-testid': 'people-search' });
  const form = h('form', { class: 'filters-row', role: 'search' },
    formField({ labelId: 'web.tracing.cases.show', control: statusSelect }),
    formField({ labelId: 'web.tracing.cases.search', control: text, hintId: 'web.tracing.cases.search_hint' }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary' }, t('web.tracing.cases.find'))));
  const go = () => navigate(`#/tracing/cases?${new URLSearchParams({ status: statusSelect.value, q: text.value.trim() })}`);
  statusSelect.addEventListener('change', go);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go();
  });
  return form;
}

function newPersonForm(navigate) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const district = h('select', { name: 'district_code' }, h('option', { value: '' }, t('web.common.none')));
  loadDistricts().then((districts) => {
    for (const d of [...districts].sort((a, b) => String(a.code).localeCompare(String(b.code)))) {
      district.append(h('option', { value: d.code }, districtName(d.code)));
    }
  }).catch(() => {});
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'new-person-form' },
    h('div', { class: 'form-grid' },
      formField({ labelId: 'web.tracing.field.name', control: h('input', { name: 'name', required: true, autocomplete: 'off' }) }),
      formField({ labelId: 'web.tracing.field.phone', control: h('input', { name: 'phone', type: 'tel', inputmode: 'tel', autocomplete: 'off' }) }),
      formField({ labelId: 'web.tracing.field.household', control: h('input', { name: 'household' }), hintId: 'web.tracing.field.household_hint' }),
      formField({ labelId: 'web.tracing.field.district', control: district }),
      formField({ labelId: 'web.tracing.field.status', control: h('select', { name: 'status' },
        STATUSES.map((value) => h('option', { value, selected: value === 'untested' }, label('web.tracing.status', value)))) }),
      formField({ labelId: 'web.tracing.field.onset', control: h('input', { name: 'onset_at', type: 'datetime-local' }) }),
      formField({ labelId: 'web.tracing.field.confirmed_at', control: h('input', { name: 'confirmed_at', type: 'datetime-local' }), hintId: 'web.tracing.field.confirmed_at_hint' }),
      formField({ labelId: 'web.tracing.field.asymptomatic_at', control: h('input', { name: 'asymptomatic_at', type: 'datetime-local' }), hintId: 'web.tracing.field.asymptomatic_at_hint' })),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'new-person-submit' }, t('web.tracing.cases.add'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const value = (name) => form.elements.namedItem(name).value.trim();
    const body = { name: value('name'), status: value('status') };
    for (const name of ['phone', 'household', 'district_code']) if (value(name)) body[name] = value(name);
    for (const name of ['onset_at', 'confirmed_at', 'asymptomatic_at']) if (value(name)) body[name] = localInputToIso(value(name));
    busy(form.querySelector('button[type=submit]'), async () => {
      const person = await api.post('/tracing/people', body);
      navigate(`#/tracing/person/${person.id}`);
    }, (error) => showError(form, alerts, error));
  });
  return h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'new-person-open' }, t('web.tracing.cases.add_title')), form);
}
