// Admin: users (#/admin/users) and the audit log (#/admin/audit), as two tabs.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeading } from '../ui.js';
import * as auditTab from './admin-audit.js';
import * as usersTab from './admin-users.js';

const TABS = [
  { route: 'users', tab: usersTab },
  { route: 'audit', tab: auditTab },
];

export function render(view, context) {
  const current = TABS.find((entry) => entry.route === context.parts[0]) ?? TABS[0];
  const panel = h('div', { class: 'tab-panel' });
  view.append(
    pageHeading('web.admin.title'),
    h('nav', { class: 'tabs', 'aria-label': t('web.admin.tabs') },
      TABS.map((entry) => h('a', {
        href: `#/admin/${entry.route}`,
        'data-testid': `admin-tab-${entry.route}`,
        'aria-current': entry === current ? 'page' : null,
      }, t(`web.admin.tab.${entry.route}`)))),
    panel);
  current.tab.render(panel, context);
}
