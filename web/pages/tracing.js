// The contact-tracing desk (#/tracing/...), for tracers and admins: tabs for the cases and
// people, the transmission chains, the follow-up of close contacts, rings and workload, risk
// areas, testing rounds and companion runs; a person's record (#/tracing/person/<id>) and a round
// (#/tracing/rounds/<id>). Each tab lives in its own file exporting `render(panel, context)`,
// loaded when opened.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { errorAlert, loading, pageHeading } from '../ui.js';
import { ROLES as DESK_ROLES } from './tracing-common.js';

export const ROLES = DESK_ROLES;

const TABS = {
  cases: () => import('./tracing-cases.js'),
  chains: () => import('./tracing-chains.js'),
  'follow-ups': () => import('./tracing-follow-ups.js'),
  rings: () => import('./tracing-rings.js'),
  areas: () => import('./tracing-areas.js'),
  rounds: () => import('./tracing-rounds.js'),
  runs: () => import('./tracing-runs.js'),
};
const ORDER = Object.keys(TABS);

export function render(view, context) {
  const { parts } = context;
  if (parts[0] === 'person' && /^\d+$/.test(parts[1] ?? '')) {
    show(view, () => import('./tracing-person.js'), { ...context, id: Number(parts[1]) });
    return;
  }
  const current = ORDER.includes(parts[0]) ? parts[0] : ORDER[0];
  const panel = h('div', { class: 'tab-panel', 'data-testid': `tracing-${current}` }, loading());
  view.append(
    pageHeading('web.tracing.title'),
    h('nav', { class: 'tabs', 'aria-label': t('web.tracing.tabs') },
      ORDER.map((name) => h('a', {
        href: `#/tracing/${name}`,
        'data-testid': `tracing-tab-${name}`,
        'aria-current': name === current ? 'page' : null,
      }, t(`web.tracing.tab.${name}`)))),
    panel);
  show(panel, TABS[current], { ...context, parts: parts.slice(1) });
}

async function show(target, load, context) {
  let page;
  try {
    page = await load();
  } catch {
    target.replaceChildren(errorAlert({ message: t('web.tracing.tab_unavailable') }));
    return;
  }
  if (target.classList.contains('tab-panel')) target.replaceChildren();
  page.render(target, context);
}
