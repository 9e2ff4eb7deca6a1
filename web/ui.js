// Building blocks shared by the pages: headings, alerts, tables, form fields.

import { h } from './dom.js';
import { t } from './i18n.js';

export function pageHeading(id, ...extra) {
  return h('header', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t(id)), ...extra);
}

export function loading() {
  return h('p', { class: 'muted loading', role: 'status' }, t('web.common.loading'));
}

// The API's message as returned (the server renders it in the user's language).
export function errorAlert(error) {
  return h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' },
    error?.message || t('web.error.unknown'));
}

export function notice(text) {
  return h('div', { class: 'alert alert-ok', role: 'status', 'data-testid': 'notice' }, text);
}

// Marks the form control named by error.field (if any) as invalid and focuses it; clears
// earlier marks first.
export function markFieldError(form, error) {
  for (const control of form.querySelectorAll('[aria-invalid="true"]')) {
    control.removeAttribute('aria-invalid');
    control.closest('.field')?.classList.remove('field-invalid');
  }
  if (!error?.field) return;
  const control = form.elements.namedItem(error.field);
  if (!(control instanceof Element)) return;
  control.setAttribute('aria-invalid', 'true');
  control.closest('.field')?.classList.add('field-invalid');
  control.focus();
}

// A labelled form control. `control` is an input/select element carrying the name.
export function field(labelId, control, hintId) {
  const id = control.id || `f-${control.name}-${Math.random().toString(36).slice(2, 8)}`;
  control.id = id;
  return h('div', { class: 'field' },
    h('label', { for: id }, t(labelId)),
    control,
    hintId ? h('small', { class: 'hint' }, t(hintId)) : null);
}

// columns: [{label: <catalogue id>, numeric?: bool, wide?: bool, nowrap?: bool, cell: (row) => string|Node}]
// On phones each row becomes a card of label/value pairs, two per line; `wide` cells take a
// whole line.
// `compact`: every value is short, so phones may show two per line.
export function dataTable({ columns, rows, testid, emptyId = 'web.common.empty', compact = false }) {
  if (!rows.length) return h('p', { class: 'muted empty', 'data-testid': testid && `${testid}-empty` }, t(emptyId));
  return h('div', { class: compact ? 'table-wrap table-compact' : 'table-wrap' },
    h('table', { 'data-testid': testid },
      h('thead', {}, h('tr', {}, columns.map((column) =>
        h('th', { scope: 'col', class: column.numeric ? 'num' : null }, t(column.label))))),
      h('tbody', {}, tableRows(columns, rows))));
}

export function tableRows(columns, rows) {
  return rows.map((row) => h('tr', {}, columns.map((column) =>
    h('td', { class: cellClass(column), 'data-label': t(column.label) },
      column.cell(row)))));
}

function cellClass(column) {
  const classes = [];
  if (column.numeric) classes.push('num');
  if (column.wide) classes.push('wide');
  if (column.nowrap) classes.push('nowrap');
  return classes.length ? classes.join(' ') : null;
}

// Two buttons, 中文 and English, the current one pressed.
export function languageSwitch(current, onChoose) {
  return h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('web.lang.switch') },
    ['zh-CN', 'en'].map((code) => h('button', {
      type: 'button',
      lang: code,
      'data-testid': `lang-${code}`,
      'aria-pressed': String(code === current),
      onclick: () => onChoose(code),
    }, t(`web.lang.${code}`))));
}
