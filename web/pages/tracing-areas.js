// Risk areas (GET /tracing/risk-areas): every district, street or compound a case visited, medium
// while a case was there in the last 14 days, high from 10 cases, with since when and until when
// it stays so unless a new case comes.

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, formatNumber, label, t } from '../i18n.js';
import { dataTable, errorAlert, loading } from '../ui.js';

const ORDER = { high: 0, medium: 1, low: 2 };

export async function render(panel) {
  panel.append(loading());
  let areas;
  try {
    ({ areas } = await api.get('/tracing/risk-areas'));
  } catch (error) {
    panel.replaceChildren(errorAlert(error));
    return;
  }
  const rows = [...areas].sort((a, b) => (ORDER[a.level] - ORDER[b.level]) || (b.cases - a.cases) || a.area.localeCompare(b.area));
  panel.replaceChildren(
    h('p', { class: 'muted' }, t('web.tracing.areas.intro')),
    dataTable({
      testid: 'areas-table',
      rows,
      columns: [
        { label: 'web.tracing.areas.area', cell: (a) => a.area },
        { label: 'web.tracing.areas.level', cell: (a) => h('span', { class: `badge risk-badge risk-${a.level}`, 'data-testid': 'area-level' }, label('web.tracing.level', a.level)) },
        { label: 'web.tracing.areas.cases', numeric: true, cell: (a) => formatNumber(a.cases) },
        { label: 'web.tracing.areas.since', nowrap: true, cell: (a) => formatInstant(a.since) },
        { label: 'web.tracing.areas.until', nowrap: true, cell: (a) => (a.until ? formatInstant(a.until) : '') },
      ],
    }));
}
