// The online clinic for staff and volunteers (#/clinic/...): tabs by role (the board or the
// queues, volunteer review, the hotline form, "my cases") and the case page
// (#/clinic/case/<id>). The public pages are in clinic-public.js.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeading } from '../ui.js';
import { renderBoard } from './clinic-board.js';
import { renderCase } from './clinic-case.js';
import { renderIntake } from './clinic-intake.js';
import { renderMine } from './clinic-mine.js';
import { renderVolunteers } from './clinic-volunteers.js';

// Who sees the module at all; the API decides the rest.
export const ROLES = ['coordinator', 'doctor', 'nurse', 'angel', 'counsellor', 'admin'];

const TABS = {
  board: { render: renderBoard, roles: ['coordinator', 'doctor', 'nurse'] },
  mine: { render: renderMine, roles: ['doctor', 'nurse', 'angel', 'counsellor'] },
  hotline: { render: (panel, context) => renderIntake(panel, { mode: 'hotline', user: context.user }), roles: ['angel', 'coordinator'] },
  volunteers: { render: renderVolunteers, roles: ['coordinator', 'admin'] },
};

// The tab names shown to each role, in order; the first is the module's landing tab.
function tabsFor(role) {
  const order = role === 'coordinator' ? ['board', 'volunteers', 'hotline'] : ['mine', 'board', 'hotline', 'volunteers'];
  return order.filter((name) => TABS[name].roles.includes(role));
}

export function render(view, context) {
  const { user, parts } = context;
  const tabs = tabsFor(user.role);
  if (parts[0] === 'case' && /^\d+$/.test(parts[1] ?? '')) {
    renderCase(view, { user, id: parts[1] });
    return;
  }
  const current = tabs.includes(parts[0]) ? parts[0] : tabs[0];
  const panel = h('div', { class: 'tab-panel', 'data-testid': `clinic-${current}` });
  view.append(
    pageHeading('web.clinic.title'),
    h('nav', { class: 'tabs', 'aria-label': t('web.clinic.tabs') },
      tabs.map((name) => h('a', {
        href: `#/clinic/${name}`,
        'data-testid': `clinic-tab-${name}`,
        'aria-current': name === current ? 'page' : null,
      }, t(`web.clinic.tab.${name}`)))),
    panel);
  if (parts[0] && !tabs.includes(parts[0])) {
    panel.append(h('div', { class: 'alert alert-error', role: 'alert' }, t('web.error.role_required')));
    return;
  }
  if (current === 'hotline') panel.append(h('p', { class: 'muted' }, t('web.clinic.hotline.intro')));
  TABS[current].render(panel, context);
}
