// Beds: hospitals and their beds (GET /hospitals), narrowed by district (#/beds?district=420106).

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatDay, formatNumber, label, localName, t } from '../i18n.js';
import { dataTable, errorAlert, field, loading, pageHeading } from '../ui.js';

export async function render(view, { query }) {
  let district = query.get('district') ?? '';
  const select = h('select', { name: 'district', 'data-testid': 'district-filter' },
    h('option', { value: '' }, t('web.beds.all_districts')));
  const results = h('div', { 'aria-live': 'polite' }, loading());
  view.append(
    pageHeading('web.beds.title'),
    h('p', { class: 'intro' }, t('web.beds.intro')),
    h('form', { class: 'filters', onsubmit: (event) => event.preventDefault() },
      field('web.beds.district', select)),
    results);

  let districts;
  try {
    ({ districts } = await api.get('/districts'));
  } catch (error) {
    results.replaceChildren(errorAlert(error));
    return;
  }
  const byCode = new Map(districts.map((d) => [d.code, d]));
  for (const d of [...districts].sort((a, b) => String(a.code).localeCompare(String(b.code)))) {
    select.append(h('option', { value: d.code }, `${localName(d)} (${d.code})`));
  }
  select.value = byCode.has(district) ? district : '';

  const load = async () => {
    results.replaceChildren(loading());
    try {
      const { hospitals } = await api.get('/hospitals', { district });
      results.replaceChildren(summary(hospitals), hospitalTable(hospitals, byCode));
    } catch (error) {
      results.replaceChildren(errorAlert(error));
    }
  };
  select.addEventListener('change', () => {
    district = select.value;
    // Keep the choice in the address without redrawing the page.
    window.history.replaceState(null, '', district ? `#/beds?district=${encodeURIComponent(district)}` : '#/beds');
    load();
  });
  await load();
}

function summary(hospitals) {
  const beds = hospitals.reduce((sum, hospital) => sum + (Number(hospital.beds) || 0), 0);
  return h('p', { class: 'summary', 'data-testid': 'beds-summary' },
    t('web.beds.summary', { hospitals: formatNumber(hospitals.length), beds: formatNumber(beds) }));
}

function hospitalTable(hospitals, byCode) {
  return dataTable({
    testid: 'hospital-table',
    rows: hospitals,
    emptyId: 'web.beds.none',
    columns: [
      { label: 'web.hospital.name', cell: (x) => localName(x) },
      { label: 'web.hospital.district', cell: (x) => (byCode.has(x.district_code) ? localName(byCode.get(x.district_code)) : x.district_code) },
      { label: 'web.hospital.kind', cell: (x) => h('span', { class: `kind kind-${x.kind}` }, label('web.hospital.kind', x.kind)) },
      { label: 'web.hospital.beds', numeric: true, cell: (x) => formatNumber(x.beds) },
      { label: 'web.hospital.opened', nowrap: true, cell: (x) => (x.opened_on ? formatDay(x.opened_on) : '—') },
      { label: 'web.hospital.source', wide: true, cell: (x) => x.source || '—' },
    ],
  });
}
