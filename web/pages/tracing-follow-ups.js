// Follow-up of close contacts (GET /tracing/follow-ups): everyone in quarantine now with the
// day's symptom check and the tests due on days 1, 4, 7 and 14, overdue ones first; and the
// exports with the minimum fields for those who visit them and for reporting.

import { api } from '../api.js';
import { h } from '../dom.js';
import { busy } from '../forms.js';
import { formatInstant, formatNumber, label, t } from '../i18n.js';
import { dataTable, errorAlert, loading } from '../ui.js';
import { download, personLink, shortDay } from './tracing-common.js';

export async function render(panel) {
  const list = h('div', { 'aria-live': 'polite' }, loading());
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const exportButton = (path, file, labelId, testid) => {
    const button = h('button', { type: 'button', 'data-testid': testid }, t(labelId));
    button.addEventListener('click', () => busy(button, () => download(path, file), (error) => alerts.replaceChildren(errorAlert(error))));
    return button;
  };
  panel.append(
    h('div', { class: 'link-actions' },
      exportButton('/tracing/exports/follow-ups.csv', 'follow-ups.csv', 'web.tracing.follow_ups.export', 'export-follow-ups'),
      exportButton('/tracing/exports/cases.csv', 'cases.csv', 'web.tracing.follow_ups.export_cases', 'export-cases'),
      h('span', { class: 'small muted' }, t('web.tracing.follow_ups.export_hint'))),
    alerts, list);

  let followUps;
  try {
    ({ follow_ups: followUps } = await api.get('/tracing/follow-ups'));
  } catch (error) {
    list.replaceChildren(errorAlert(error));
    return;
  }
  const overdue = followUps.filter((f) => f.overdue.length).length;
  const task = (item) => t('web.tracing.follow_ups.task', {
    task: label('web.tracing.task', item.kind), day: formatNumber(item.day), due: shortDay(item.due),
  });
  list.replaceChildren(
    h('p', { 'data-testid': 'follow-ups-summary' }, t('web.tracing.follow_ups.summary', {
      n: formatNumber(followUps.length), overdue: formatNumber(overdue),
    })),
    dataTable({
      testid: 'follow-ups-table',
      rows: followUps,
      columns: [
        { label: 'web.tracing.field.name', cell: (f) => personLink(f.person_id, f.name) },
        { label: 'web.tracing.field.quarantine', cell: (f) => `${formatInstant(f.quarantine_start)} – ${formatInstant(f.quarantine_end)}` },
        { label: 'web.tracing.field.overdue', wide: true, cell: (f) => (f.overdue.length
          ? h('ul', { class: 'chips' }, f.overdue.map((item) => h('li', { class: 'warn' }, task(item))))
          : h('span', { class: 'muted' }, t('web.tracing.follow_ups.on_track'))) },
        { label: 'web.tracing.field.next_task', cell: (f) => {
          const next = f.tasks.find((item) => !item.done && Date.parse(item.due) >= Date.now());
          return next ? task(next) : '';
        } },
      ],
    }));
}
