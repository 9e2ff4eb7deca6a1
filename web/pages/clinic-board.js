// The coordinator's board (GET /clinic/board): one column per tier, cards in the API's order
// (priority, then waiting time), overdue cards marked, counts per column; refreshed by hand and
// every 30 s. Doctors and nurses get the same view of the queues they may read
// (GET /clinic/queue?tier=…, every tier but life care).

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, formatNumber, label, t } from '../i18n.js';
import { errorAlert, loading } from '../ui.js';
import { TIERS, durationText, overdueBadge, patientLine, severityBadge, tierName } from './clinic-common.js';

const REFRESH_MS = 30_000;
const CARDS_SHOWN = 40; // per column before "show all"

export function renderBoard(panel, { user }) {
  const coordinator = user.role === 'coordinator';
  const status = h('span', { class: 'muted small', 'data-testid': 'board-updated', role: 'status' });
  const refreshButton = h('button', { type: 'button', class: 'button-small', 'data-testid': 'board-refresh' }, t('web.clinic.refresh'));
  const strip = h('nav', { class: 'tier-strip', 'aria-label': t('web.clinic.board.columns') });
  const body = h('div', { 'aria-live': 'polite' }, loading());
  const expanded = new Set(); // tiers whose whole column is shown
  panel.append(
    h('div', { class: 'board-toolbar' },
      h('p', { class: 'muted small' }, t(coordinator ? 'web.clinic.board.intro' : 'web.clinic.board.intro_clinician')),
      h('div', { class: 'board-refresh' }, refreshButton, status)),
    strip, body);

  let last = null;
  const draw = (tiers) => {
    last = tiers;
    strip.replaceChildren(...tiers.map((queue) => h('button', {
      type: 'button',
      class: queue.overdue ? 'strip-item strip-overdue' : 'strip-item',
      'data-testid': `strip-${queue.tier}`,
      onclick: () => body.querySelector(`[data-tier="${queue.tier}"]`)?.scrollIntoView({ block: 'start', behavior: 'smooth' }),
    }, h('span', {}, tierName(queue.tier)), h('strong', {}, formatNumber(queue.cases.length)),
    queue.overdue ? h('span', { class: 'strip-late' }, t('web.clinic.board.overdue_count', { n: formatNumber(queue.overdue) })) : null)));
    body.replaceChildren(h('div', { class: 'board', 'data-testid': 'board' }, tiers.map((queue) => column(queue))));
    status.textContent = t('web.clinic.board.updated', { time: formatInstant(new Date().toISOString(), { seconds: true }) });
  };

  const column = (queue) => {
    const all = expanded.has(queue.tier);
    const shown = all ? queue.cases : queue.cases.slice(0, CARDS_SHOWN);
    return h('section', { class: `board-column column-${queue.tier}`, 'data-tier': queue.tier, 'data-testid': `column-${queue.tier}` },
      h('header', { class: 'column-head' },
        h('h2', {}, tierName(queue.tier)),
        h('span', { class: 'column-count', 'data-testid': `count-${queue.tier}` }, formatNumber(queue.cases.length)),
        h('p', { class: 'column-meta' },
          queue.limit_minutes ? t('web.clinic.board.limit', { time: durationText(queue.limit_minutes * 60000) }) : null,
          queue.overdue ? h('span', { class: 'column-late' }, ' · ', t('web.clinic.board.overdue_count', { n: formatNumber(queue.overdue) })) : null)),
      queue.cases.length
        ? h('ol', { class: 'case-list' }, shown.map((summary) => h('li', {}, caseCard(summary))))
        : h('p', { class: 'muted empty' }, t('web.clinic.board.empty')),
      shown.length < queue.cases.length ? h('button', {
        type: 'button', class: 'button-small button-wide', 'data-testid': `show-all-${queue.tier}`,
        onclick: () => { expanded.add(queue.tier); draw(last); },
      }, t('web.clinic.board.show_all', { n: formatNumber(queue.cases.length) })) : null);
  };

  const load = async () => {
    refreshButton.disabled = true;
    try {
      let tiers;
      if (coordinator) {
        ({ tiers } = await api.get('/clinic/board'));
      } else {
        const readable = TIERS.filter((tier) => tier !== 'life_care');
        tiers = await Promise.all(readable.map((tier) => api.get('/clinic/queue', { tier })));
      }
      if (panel.isConnected || !last) draw(tiers);
    } catch (error) {
      body.replaceChildren(errorAlert(error));
    } finally {
      refreshButton.disabled = false;
    }
  };
  refreshButton.addEventListener('click', load);

  // Every 30 s while the board is on screen; the timer ends when the page is left.
  const timer = window.setInterval(() => {
    if (!panel.isConnected) {
      window.clearInterval(timer);
      return;
    }
    if (!document.hidden) load();
  }, REFRESH_MS);
  return load();
}

function caseCard(summary) {
  const now = Date.now();
  const waited = now - Date.parse(summary.waiting_since);
  const due = Date.parse(summary.due_at);
  return h('a', {
    class: summary.overdue ? 'case-card case-overdue' : 'case-card',
    href: `#/clinic/case/${summary.id}`,
    'data-testid': 'case-card',
    'data-case-id': summary.id,
    'data-overdue': summary.overdue ? 'true' : 'false',
  },
  h('div', { class: 'card-top' },
    h('strong', { class: 'case-id' }, t('web.clinic.case.short', { id: summary.id })),
    severityBadge(summary.nhc_severity),
    h('span', { class: 'priority', title: t('web.clinic.case.priority') }, t('web.clinic.board.priority', { n: formatNumber(summary.priority) }))),
  h('p', { class: 'card-patient' }, patientLine(summary)),
  h('p', { class: 'card-time' },
    summary.overdue
      ? [overdueBadge(), ' ', t('web.clinic.board.late_by', { time: durationText(now - due) })]
      : t('web.clinic.board.due_in', { time: durationText(due - now) }),
    h('span', { class: 'muted' }, ' · ', t('web.clinic.board.waiting', { time: durationText(waited) }))),
  h('p', { class: 'card-foot' },
    summary.needs?.length ? h('span', { class: 'card-needs' }, summary.needs.map((need) => label('clinic.need', need)).join(' · ')) : null,
    h('span', { class: summary.assigned ? 'card-assigned' : 'card-unassigned' },
      summary.assigned ? t('web.clinic.board.assigned', { n: formatNumber(summary.assigned) }) : t('web.clinic.board.unassigned'))));
}
