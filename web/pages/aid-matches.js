// Proposed matches (#/aid/matches?status=proposed): run the optimal matcher
// (POST /exchange/proposals), read each match's reasons (distance, priority) and confirm or
// reject it. A confirmed concentrator match links to the devices tab with its need, where the
// machine is lent (#/aid/devices?need=<need id>).

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, formatNumber, label, t } from '../i18n.js';
import { dataTable, errorAlert, field, loading, notice } from '../ui.js';
import { itemText } from './aid-exchange.js';

const STATUSES = ['proposed', 'confirmed', 'rejected', 'superseded'];
const DEFAULT_RADIUS_KM = 30;

function km(value) {
  return formatNumber(Number(value).toFixed(1));
}

// A confirmed concentrator match goes on to lending a named device to the family.
function lendLink(match) {
  if (match.status !== 'confirmed' || match.need_item?.kind !== 'concentrator') return null;
  return h('a', { href: `#/aid/devices?need=${match.need_id}&match=${match.id}`, 'data-testid': `match-lend-${match.id}` }, t('web.matches.lend_device'));
}

export async function render(panel, { query }) {
  let status = STATUSES.includes(query?.get('status')) ? query.get('status') : 'proposed';
  const flash = h('div', { 'aria-live': 'polite' });
  const latest = h('div', { 'data-testid': 'latest-proposal' });
  const list = h('div', { 'aria-live': 'polite' }, loading());
  const say = (text) => flash.replaceChildren(notice(text));

  const radius = h('input', { name: 'radius_km', type: 'number', min: '1', max: '200', step: '1', value: String(DEFAULT_RADIUS_KM), 'data-testid': 'propose-radius' });
  const proposeButton = h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'propose' }, t('web.matches.propose'));
  const proposeForm = h('form', { class: 'filters', novalidate: true, 'data-testid': 'propose-form' },
    field('web.matches.radius', radius),
    h('div', { class: 'form-actions' }, proposeButton));
  const statusSelect = h('select', { name: 'status', 'data-testid': 'matches-status' },
    STATUSES.map((value) => h('option', { value, selected: value === status }, label('web.exchange.status', value))));
  statusSelect.addEventListener('change', () => {
    status = statusSelect.value;
    load();
  });
  panel.append(
    h('p', { class: 'intro' }, t('web.matches.intro')),
    proposeForm, flash, latest,
    h('form', { class: 'filters', onsubmit: (event) => event.preventDefault() }, field('web.matches.status_filter', statusSelect)),
    list);

  const summary = (proposal) => h('p', { 'data-testid': 'proposal-summary' },
    t('web.matches.proposed_summary', {
      id: proposal.id,
      matches: formatNumber(proposal.matches?.length ?? 0),
      served: formatNumber(proposal.served_priority),
      km: km(proposal.total_distance_km),
      unmet: formatNumber(proposal.unmet_quantity),
    }), ' ', h('span', { class: 'muted small' }, formatInstant(proposal.created_at)));

  proposeForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    proposeButton.disabled = true;
    try {
      const proposal = await api.post('/exchange/proposals', { radius_km: Number(radius.value) });
      latest.replaceChildren(summary(proposal));
      status = 'proposed';
      statusSelect.value = status;
      await load();
    } catch (error) {
      flash.replaceChildren(errorAlert(error));
    } finally {
      proposeButton.disabled = false;
    }
  });

  const decide = async (match, action) => {
    let body;
    if (action === 'reject') {
      const reason = window.prompt(t('web.matches.reject_reason'), '');
      if (reason === null) return;
      body = { reason };
    }
    try {
      const decided = await api.post(`/exchange/matches/${match.id}/${action}`, body);
      say(t(action === 'confirm' ? 'web.matches.confirmed' : 'web.matches.rejected', { id: match.id }));
      // The confirmed match leaves the "proposed" list; its next step stays at hand.
      const next = lendLink({ ...match, ...decided, status: action === 'confirm' ? 'confirmed' : 'rejected' });
      if (next) flash.firstChild.append(' ', next);
      await load();
    } catch (error) {
      flash.replaceChildren(errorAlert(error));
      await load();
    }
  };

  const actions = (match) => {
    if (match.status === 'proposed') {
      return h('span', { class: 'button-row' },
        h('button', { type: 'button', class: 'button-small button-primary', 'data-testid': `match-confirm-${match.id}`, onclick: () => decide(match, 'confirm') }, t('web.matches.confirm')),
        h('button', { type: 'button', class: 'button-small', 'data-testid': `match-reject-${match.id}`, onclick: () => decide(match, 'reject') }, t('web.matches.reject')));
    }
    return lendLink(match) ?? (match.note ? h('span', { class: 'muted small' }, match.note) : '');
  };

  const table = (matches) => dataTable({
    testid: 'matches-table',
    rows: matches,
    columns: [
      { label: 'web.matches.col.match', numeric: true, cell: (m) => h('span', { 'data-testid': `match-row-${m.id}` }, `#${m.id}`) },
      { label: 'web.matches.col.need', wide: true, cell: (m) => `#${m.need_id} ${itemText(m.need_item)} · ${m.need_source === 'case'
        ? t('web.exchange.source_case', { id: m.case_id }) : t('web.exchange.source_hospital', { id: m.hospital_id })}` },
      { label: 'web.matches.col.offer', wide: true, cell: (m) => `#${m.offer_id} ${itemText(m.offer_item)} · ${label('web.exchange.mode', m.offer_mode)}` },
      { label: 'web.matches.col.quantity', numeric: true, cell: (m) => formatNumber(m.quantity) },
      { label: 'web.matches.col.reasons', cell: (m) => h('span', { 'data-testid': `match-reasons-${m.id}` }, t('web.matches.reasons', { km: km(m.distance_km), priority: m.priority })) },
      { label: 'web.matches.col.status', cell: (m) => h('span', { 'data-testid': `match-status-${m.id}` }, label('web.exchange.status', m.status)) },
      { label: 'web.matches.col.actions', cell: actions },
    ],
  });

  async function load() {
    try {
      const { matches } = await api.get('/exchange/matches', { status });
      list.replaceChildren(table(matches));
    } catch (error) {
      list.replaceChildren(errorAlert(error));
    }
  }

  try {
    const { proposals } = await api.get('/exchange/proposals', { limit: 1 });
    if (proposals.length) {
      const proposal = await api.get(`/exchange/proposals/${proposals[0].id}`);
      latest.replaceChildren(h('h2', {}, t('web.matches.latest')), summary(proposal));
    } else {
      latest.replaceChildren(h('p', { class: 'muted' }, t('web.matches.none')));
    }
  } catch (error) {
    latest.replaceChildren(errorAlert(error));
  }
  await load();
}
