// Home: the scenario at a glance (GET /overview) and the districts table (GET /districts).

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, formatNumber, label, localName, t } from '../i18n.js';
import { dataTable, errorAlert, loading, pageHeading } from '../ui.js';

// Overview keys shown as plain number cards, in this order.
const NUMBER_CARDS = ['districts', 'hospitals', 'beds', 'residents', 'vulnerable_residents'];

export async function render(view) {
  const asOf = h('p', { class: 'muted as-of' });
  const body = h('div', {}, loading());
  view.append(pageHeading('web.home.title', asOf), body);

  let overview;
  let districts;
  try {
    [overview, { districts }] = await Promise.all([api.get('/overview'), api.get('/districts')]);
  } catch (error) {
    body.replaceChildren(errorAlert(error));
    return;
  }

  if (overview.generated_at) {
    asOf.textContent = t('web.home.generated_at', { time: formatInstant(overview.generated_at) });
  }
  body.replaceChildren(
    h('div', { class: 'cards' },
      NUMBER_CARDS.map((key) => numberCard(key, overview[key])),
      volunteersCard(overview)),
    h('h2', {}, t('web.home.districts_heading')),
    districtTable(districts));
}

function numberCard(key, value) {
  return h('section', { class: 'card', 'data-testid': `overview-${key}` },
    h('h2', { class: 'card-label' }, t(`web.home.card.${key}`)),
    h('p', { class: 'card-value' }, formatNumber(value ?? 0)));
}

function volunteersCard(overview) {
  const byRole = Object.entries(overview.volunteers_by_role ?? {}).sort((a, b) => b[1] - a[1]);
  const total = overview.volunteers ?? byRole.reduce((sum, [, count]) => sum + count, 0);
  return h('section', { class: 'card card-wide', 'data-testid': 'overview-volunteers' },
    h('h2', { class: 'card-label' }, t('web.home.card.volunteers')),
    h('p', { class: 'card-value' }, formatNumber(total)),
    byRole.length
      ? h('ul', { class: 'breakdown', 'data-testid': 'overview-volunteers_by_role', 'aria-label': t('web.home.card.volunteers_by_role') },
        byRole.map(([role, count]) => h('li', {},
          h('span', {}, label('role', role)),
          h('span', { class: 'num' }, formatNumber(count)))))
      : null);
}

function districtTable(districts) {
  const rows = [...districts].sort((a, b) => String(a.code).localeCompare(String(b.code)));
  return dataTable({
    testid: 'district-table',
    rows,
    compact: true,
    columns: [
      { label: 'web.district.code', cell: (d) => d.code },
      { label: 'web.district.name', cell: (d) => h('a', { href: `#/beds?district=${encodeURIComponent(d.code)}` }, localName(d)) },
      { label: 'web.district.population', numeric: true, cell: (d) => formatNumber(d.population) },
      { label: 'web.district.hospitals', numeric: true, cell: (d) => formatNumber(d.hospitals) },
      { label: 'web.district.beds', numeric: true, cell: (d) => formatNumber(d.beds) },
      { label: 'web.district.residents', numeric: true, cell: (d) => formatNumber(d.residents) },
    ],
  });
}
