// Mutual aid (#/aid/...): tabs by role for the exchange board with its map, the proposed
// matches, the named devices that drift between families, the angels' check-ins and the
// ventilator pipeline. Each tab lives in its own file exporting `render(panel, context)` and is
// loaded when opened, so a tab that fails to load shows its error alone.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { errorAlert, loading, pageHeading } from '../ui.js';

// Who sees the module at all; the API decides the rest.
export const ROLES = ['coordinator', 'doctor', 'nurse', 'angel', 'community_worker', 'planner', 'admin'];

const TABS = {
  exchange: { load: () => import('./aid-exchange.js'), roles: ['coordinator', 'doctor', 'nurse', 'angel', 'admin'] },
  matches: { load: () => import('./aid-matches.js'), roles: ['coordinator', 'admin'] },
  devices: { load: () => import('./aid-devices.js'), roles: ['coordinator', 'doctor', 'nurse', 'angel', 'community_worker', 'admin'] },
  checkins: { load: () => import('./aid-checkins.js'), roles: ['angel', 'coordinator', 'admin'] },
  ventilators: { load: () => import('./aid-ventilators.js'), roles: ['coordinator', 'doctor', 'planner', 'admin'] },
};

// The tab names shown to each role, in order; the first is the module's landing tab.
function tabsFor(role) {
  const order = role === 'angel'
    ? ['checkins', 'devices', 'exchange', 'matches', 'ventilators']
    : ['exchange', 'matches', 'devices', 'checkins', 'ventilators'];
  return order.filter((name) => TABS[name].roles.includes(role));
}

export function render(view, context) {
  const { user, parts } = context;
  const tabs = tabsFor(user.role);
  const current = tabs.includes(parts[0]) ? parts[0] : tabs[0];
  const panel = h('div', { class: 'tab-panel', 'data-testid': `aid-${current}` }, loading());
  view.append(
    pageHeading('web.aid.title'),
    h('nav', { class: 'tabs', 'aria-label': t('web.aid.tabs') },
      tabs.map((name) => h('a', {
        href: `#/aid/${name}`,
        'data-testid': `aid-tab-${name}`,
        'aria-current': name === current ? 'page' : null,
      }, t(`web.aid.tab.${name}`)))),
    panel);
  if (parts[0] && !tabs.includes(parts[0])) {
    panel.replaceChildren(h('div', { class: 'alert alert-error', role: 'alert' }, t('web.error.role_required')));
    return;
  }
  showTab(panel, current, { ...context, parts: parts.slice(1) });
}

async function showTab(panel, name, context) {
  let page;
  try {
    page = await TABS[name].load();
  } catch {
    panel.replaceChildren(errorAlert({ message: t('web.aid.tab_unavailable') }));
    return;
  }
  panel.replaceChildren();
  page.render(panel, context);
}
