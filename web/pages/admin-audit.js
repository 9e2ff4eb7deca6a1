// Admin › audit log: newest first, filtered by entity and actor, paged back with "older".
// Filters live in the address (#/admin/audit?entity=user&entity_id=3&actor=1).

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, label, t } from '../i18n.js';
import { dataTable, errorAlert, field, loading, markFieldError, tableRows } from '../ui.js';

const PAGE_SIZE = 50;
const KNOWN_ENTITIES = ['user', 'hospital'];
const FILTERS = ['entity', 'entity_id', 'actor'];

export async function render(panel, { query, navigate }) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? '']));
  const applyFilters = (next) => {
    const params = new URLSearchParams();
    for (const name of FILTERS) if (next[name]) params.set(name, next[name]);
    const queryString = params.toString();
    navigate(queryString ? `#/admin/audit?${queryString}` : '#/admin/audit');
  };

  const form = h('form', { class: 'filters filters-row', novalidate: true },
    field('web.audit.entity', h('input', { name: 'entity', list: 'audit-entities', value: filters.entity, autocapitalize: 'none' })),
    h('datalist', { id: 'audit-entities' }, KNOWN_ENTITIES.map((entity) => h('option', { value: entity }))),
    field('web.audit.entity_id', h('input', { name: 'entity_id', value: filters.entity_id, autocapitalize: 'none' })),
    field('web.audit.actor', h('input', { name: 'actor', inputmode: 'numeric', value: filters.actor })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button-primary' }, t('web.audit.apply')),
      h('button', { type: 'button', class: 'button-quiet', onclick: () => applyFilters({}) }, t('web.audit.clear'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    applyFilters(Object.fromEntries(FILTERS.map((name) => [name, String(data[name] ?? '').trim()])));
  });

  const list = h('div', { 'aria-live': 'polite' }, loading());
  const more = h('div', { class: 'more' });
  // Folded on phones unless a filter is set, so the entries come first.
  const filtering = FILTERS.some((name) => filters[name]);
  const wide = window.matchMedia('(min-width: 641px)').matches;
  panel.append(
    h('details', { class: 'panel filter-box', open: filtering || wide },
      h('summary', {}, t('web.audit.filters')),
      form, h('p', { class: 'muted small' }, t('web.audit.actor_hint'))),
    list, more);

  const columns = [
    { label: 'web.audit.at', nowrap: true, cell: (e) => h('time', { datetime: e.at }, formatInstant(e.at, { seconds: true })) },
    { label: 'web.audit.actor', wide: true, cell: (e) => actorCell(e, filters, applyFilters) },
    { label: 'web.audit.action', cell: (e) => h('code', {}, e.action) },
    { label: 'web.audit.record', wide: true, cell: (e) => entityCell(e, filters, applyFilters) },
    { label: 'web.audit.reason', wide: true, cell: (e) => e.reason || '—' },
    { label: 'web.audit.request_id', wide: true, cell: (e) => h('code', { class: 'small' }, e.request_id || '') },
  ];

  const fetchPage = (beforeId) => api.get('/audit', {
    entity: filters.entity,
    entity_id: filters.entity_id,
    actor: filters.actor,
    limit: PAGE_SIZE,
    before_id: beforeId,
  });

  const showMore = (nextBeforeId) => {
    more.replaceChildren();
    if (nextBeforeId === null || nextBeforeId === undefined) return;
    const button = h('button', { type: 'button', class: 'button-quiet', 'data-testid': 'audit-older' }, t('web.audit.older'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const page = await fetchPage(nextBeforeId);
        list.querySelector('tbody')?.append(...tableRows(columns, page.entries));
        showMore(page.next_before_id);
      } catch (error) {
        more.replaceChildren(errorAlert(error), button);
        button.disabled = false;
      }
    });
    more.append(button);
  };

  try {
    const page = await fetchPage();
    list.replaceChildren(dataTable({ testid: 'audit-table', rows: page.entries, columns, emptyId: 'web.audit.none' }));
    showMore(page.next_before_id);
  } catch (error) {
    list.replaceChildren(errorAlert(error));
    markFieldError(form, error);
  }
}

function actorCell(entry, filters, applyFilters) {
  // Id 0 is no account: the public (e.g. a failed login) or the command line (seeding, setup).
  if (!entry.actor_user_id) {
    return h('span', { class: 'muted' },
      entry.actor_username ? label('web.audit.actor', entry.actor_username) : t('web.audit.system'));
  }
  const name = `${entry.actor_username ?? `#${entry.actor_user_id}`}`;
  return h('span', {},
    h('button', {
      type: 'button', class: 'link-button', title: t('web.audit.filter_actor'),
      onclick: () => applyFilters({ ...filters, actor: String(entry.actor_user_id) }),
    }, name),
    entry.actor_role ? h('span', { class: 'muted' }, ` · ${label('role', entry.actor_role)}`) : null);
}

function entityCell(entry, filters, applyFilters) {
  if (!entry.entity) return '—';
  // "*" is an action on the whole set, such as listing the users.
  let text = entry.entity;
  if (entry.entity_id === '*') text = `${entry.entity} · ${t('web.audit.all_records')}`;
  else if (entry.entity_id) text = `${entry.entity} #${entry.entity_id}`;
  return h('button', {
    type: 'button', class: 'link-button', title: t('web.audit.filter_entity'),
    onclick: () => applyFilters({ ...filters, entity: entry.entity, entity_id: entry.entity_id ?? '' }),
  }, text);
}
