// Companion runs (#/tracing/runs): a tracer uploads cell-tower files (or names files already in
// the server's companion-data folder), picks the cases, and the companion engine runs as a job;
// the list shows each run's stage and progress while it works, and what it added when done:
// companions become contacts of kind "companion" with the engine's evidence on their records.

import { api, request } from '../api.js';
import { h, replace } from '../dom.js';
import { busy, clearFieldErrors, formField, numberOf, showError } from '../forms.js';
import { formatInstant, formatNumber, label, t } from '../i18n.js';
import { dataTable, errorAlert, loading, notice, tableRows } from '../ui.js';
import { personLink } from './tracing-common.js';

const POLL_MS = 2000;

export async function render(panel) {
  const runs = h('div', { 'aria-live': 'polite' }, loading());
  const files = h('datalist', { id: 'companion-data-files' });
  panel.append(h('p', { class: 'muted' }, t('web.tracing.runs.intro')), uploadForm(files), startForm(files, () => showAll()), files,
    h('h2', {}, t('web.tracing.runs.list')), runs);

  // The list is drawn once; while runs are queued or running only they are asked for again, and
  // only their rows are redrawn, so a fold the tracer opened stays open.
  let timer = null;
  const follow = (active) => {
    clearTimeout(timer);
    if (active.length) timer = setTimeout(() => poll(active), POLL_MS);
  };
  const poll = async (active) => {
    if (!runs.isConnected) return; // the page was left
    const still = [];
    for (const id of active) {
      try {
        const run = await api.get(`/tracing/companion-runs/${id}`);
        const row = runs.querySelector(`tr[data-run-id="${id}"]`);
        if (row) row.replaceWith(runRow(run));
        if (isActive(run)) still.push(id);
      } catch (error) {
        replace(runs, [errorAlert(error)]);
        return;
      }
    }
    follow(still);
  };
  const showAll = async () => {
    let list;
    try {
      ({ runs: list } = await api.get('/tracing/companion-runs'));
    } catch (error) {
      replace(runs, [errorAlert(error)]);
      return;
    }
    replace(runs, [runTable(list)]);
    follow(list.filter(isActive).map((run) => run.id));
  };
  listFiles(files);
  await showAll();
}

const isActive = (run) => run.status === 'queued' || run.status === 'running';

async function listFiles(datalist) {
  try {
    const { files } = await api.get('/tracing/companion-data');
    replace(datalist, files.map((file) => h('option', { value: file.name }, `${file.name} · ${t('web.common.bytes', { n: formatNumber(file.bytes) })}`)));
  } catch {
    // Without the list the names are typed; the server checks them when the run starts.
  }
}

const COLUMNS = [
  { label: 'web.tracing.runs.id', numeric: true, cell: (run) => String(run.id) },
  { label: 'web.tracing.runs.status', cell: (run) => h('span', { class: `badge run-${run.status}`, 'data-testid': `run-status-${run.id}`, 'data-status': run.status }, label('web.tracing.runs.status', run.status)) },
  { label: 'web.tracing.runs.progress', wide: true, cell: (run) => progress(run) },
  { label: 'web.tracing.runs.cases', cell: (run) => (run.case_ids ?? []).map((id, index) => [index ? ' ' : '', personLink(id, `#${id}`)]) },
  { label: 'web.tracing.runs.found', numeric: true, cell: (run) => (run.status === 'done' ? t('web.tracing.runs.found_value', {
    companions: formatNumber(run.companions), people: formatNumber(run.people_added), exposures: formatNumber(run.exposures_added),
  }) : '') },
  { label: 'web.tracing.runs.started', nowrap: true, cell: (run) => formatInstant(run.started_at || run.created_at) },
  { label: 'web.tracing.runs.details', wide: true, cell: (run) => details(run) },
];

function runTable(list) {
  const table = dataTable({ testid: 'runs-table', emptyId: 'web.tracing.runs.none', rows: list, columns: COLUMNS });
  table.querySelectorAll('tbody tr').forEach((row, index) => row.setAttribute('data-run-id', list[index].id));
  return table;
}

function runRow(run) {
  const [row] = tableRows(COLUMNS, [run]);
  row.setAttribute('data-run-id', run.id);
  return row;
}

// What the engine said while loading (bad rows, counts) and, once done, the pairs it found with
// their evidence, loaded when opened.
function details(run) {
  const parts = [];
  if (run.log) parts.push(h('details', {}, h('summary', {}, t('web.tracing.runs.log')), h('pre', { class: 'evidence' }, run.log)));
  if (run.status === 'done' && run.companions > 0) {
    const box = h('div', {});
    const fold = h('details', { 'data-testid': `run-findings-${run.id}` }, h('summary', {}, t('web.tracing.runs.findings')), box);
    fold.addEventListener('toggle', async () => {
      if (!fold.open || box.childElementCount) return;
      box.append(loading());
      try {
        const { findings, total } = await api.get(`/tracing/companion-runs/${run.id}/findings`, { limit: 100 });
        replace(box, [
          total > findings.length ? h('p', { class: 'small muted' }, t('web.tracing.runs.findings_shown', { n: formatNumber(findings.length), total: formatNumber(total) })) : null,
          h('ul', { class: 'note-list' }, findings.map((finding) => h('li', { class: 'note' },
            h('div', {}, personLink(finding.case_id, `#${finding.case_id}`), ' → ', personLink(finding.companion_id, `#${finding.companion_id}`),
              finding.companion_added ? h('span', { class: 'small muted' }, ` ${t('web.tracing.runs.new_person')}`) : null),
            h('div', { class: 'small' }, t('web.tracing.runs.finding_figures', {
              co_stays: formatNumber(finding.co_stays),
              minutes: formatNumber(Math.round(finding.longest_overlap_s / 60)),
              first: formatInstant(finding.first_overlap_start),
            })),
            h('details', {}, h('summary', {}, t('web.tracing.person.evidence_show')), h('pre', { class: 'evidence' }, finding.evidence))))),
        ]);
      } catch (error) {
        replace(box, [errorAlert(error)]);
      }
    });
    parts.push(fold);
  }
  return parts.length ? h('div', {}, parts) : '';
}

function progress(run) {
  if (run.status === 'failed') return h('span', { class: 'warn' }, run.error || t('web.tracing.runs.failed'));
  const percent = Math.max(0, Math.min(100, Number(run.percent) || 0));
  return h('div', { class: 'run-progress' },
    h('progress', { max: '100', value: String(run.status === 'done' ? 100 : percent) }),
    h('small', {}, run.stage ? label('web.tracing.runs.stage', run.stage) : '', run.total ? ` ${formatNumber(run.done)} / ${formatNumber(run.total)}` : ''));
}

// Files go up one by one as the request body (the server keeps them in its companion-data
// folder under their own names); a run then names them.
function uploadForm(datalist) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const input = h('input', { type: 'file', name: 'files', multiple: true, accept: '.csv,text/csv', 'data-testid': 'upload-files' });
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'upload-form' },
    formField({ labelId: 'web.tracing.runs.upload_files', control: input, hintId: 'web.tracing.runs.upload_hint' }),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'upload-submit' }, t('web.tracing.runs.upload'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button'), async () => {
      const names = [];
      for (const file of input.files) {
        await request('POST', `/tracing/companion-data/${encodeURIComponent(file.name)}`, { upload: file });
        names.push(file.name);
      }
      alerts.replaceChildren(notice(t('web.tracing.runs.uploaded', { names: names.join(t('web.common.list_separator')) })));
      input.value = '';
      await listFiles(datalist);
    }, (error) => alerts.replaceChildren(errorAlert(error)));
  });
  return h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'upload-open' }, t('web.tracing.runs.upload_title')), form);
}

function startForm(datalist, onStarted) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const fileInput = (name) => h('input', { name, list: datalist.id, autocomplete: 'off', 'data-testid': `run-${name}` });
  const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'run-form' },
    h('div', { class: 'form-grid' },
      formField({ labelId: 'web.tracing.runs.cells', control: fileInput('cells'), hintId: 'web.tracing.runs.cells_hint' }),
      formField({ labelId: 'web.tracing.runs.records', control: fileInput('records'), hintId: 'web.tracing.runs.records_hint' }),
      formField({ labelId: 'web.tracing.runs.store', control: fileInput('store'), hintId: 'web.tracing.runs.store_hint' }),
      formField({ labelId: 'web.tracing.runs.case_ids', control: h('input', { name: 'case_ids', 'data-testid': 'run-case-ids' }), hintId: 'web.tracing.runs.case_ids_hint' }),
      formField({ labelId: 'web.tracing.runs.gap', control: h('input', { name: 'gap_s', inputmode: 'numeric', class: 'input-short', value: '3600' }), hintId: 'web.tracing.runs.gap_hint' })),
    alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'run-submit' }, t('web.tracing.runs.start'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const value = (name) => form.elements.namedItem(name).value.trim();
    const body = {
      case_ids: value('case_ids').split(/[\s,，、]+/).filter(Boolean).map((id) => numberOf(id)),
      gap_s: numberOf(value('gap_s')),
    };
    for (const name of ['cells', 'records', 'store']) if (value(name)) body[name] = value(name);
    busy(form.querySelector('button[type=submit]'), async () => {
      const run = await api.post('/tracing/companion-runs', body);
      alerts.replaceChildren(notice(t('web.tracing.runs.started_notice', { id: run.id })));
      await onStarted();
    }, (error) => showError(form, alerts, error));
  });
  return h('details', { class: 'subform-box', open: true }, h('summary', {}, t('web.tracing.runs.start_title')), form);
}
