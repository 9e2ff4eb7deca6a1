// The contact-tracing desk's shared vocabulary: the codes the API speaks (statuses, exposure
// kinds, health-code colours and reasons, risk levels), their badges, links to a person's record
// and a CSV download that carries the session.

import { request } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, label, locale, t } from '../i18n.js';

// Who sees the desk at all (the API refuses everyone else too).
export const ROLES = ['tracer', 'admin'];

export const STATUSES = ['confirmed', 'asymptomatic', 'suspected', 'negative', 'untested'];
export const CASE_STATUSES = ['confirmed', 'asymptomatic', 'suspected'];
export const EXPOSURE_KINDS = ['household', 'shared_meal', 'workplace', 'same_place_time', 'companion'];
export const TEST_KINDS = ['pcr', 'antigen'];

export function statusBadge(status) {
  return h('span', { class: `badge trace-status trace-status-${status}`, 'data-testid': 'person-status' },
    label('web.tracing.status', status));
}

// The health code as a coloured badge with its colour's name (never colour alone).
export function colourBadge(colour, testid = 'code-colour') {
  return h('span', { class: `badge code-badge code-${colour}`, 'data-testid': testid, 'data-colour': colour },
    label('web.tracing.colour', colour));
}

export function reasonText(reason) {
  return label('web.tracing.reason', reason);
}

export function kindText(kind) {
  return label('web.tracing.kind', kind);
}

export function personLink(id, name) {
  return h('a', { href: `#/tracing/person/${encodeURIComponent(id)}`, 'data-testid': `person-link-${id}` },
    name || t('web.tracing.person_id', { id }));
}

// A short local date ("1月14日", "Jan 14") for dense tables and the graph's axis.
let dayFormat = null;
export function shortDay(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  if (dayFormat?.locale !== locale()) {
    dayFormat = { locale: locale(), format: new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric' }) };
  }
  return dayFormat.format.format(date);
}

// "14 Jan 08:00 – 9 Jan 20:00" in local time; one end alone when the other is missing.
export function spanText(start, end) {
  if (!start) return '';
  return end ? `${formatInstant(start)} – ${formatInstant(end)}` : formatInstant(start);
}

// The time a person entered the epidemic as the desk knows it: symptom onset, else the positive
// test (confirmation or asymptomatic finding).
export function personTime(person) {
  return person.onset_at || person.confirmed_at || person.asymptomatic_at || null;
}

// Downloads an export (CSV) with the session's token: a plain link cannot carry it.
export async function download(path, fileName) {
  const blob = await request('GET', path, { download: true });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Nodes (links, names) joined as a list in the reader's language ("A、B、C", "A, B, C").
export function listOf(nodes) {
  return nodes.map((node, index) => [index ? t('web.common.list_separator') : '', node]);
}
