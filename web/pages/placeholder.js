// A module that a later version builds: its purpose, and plainly that it is not here yet.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeading } from '../ui.js';

export function placeholderPage(moduleKey) {
  return {
    render(view) {
      view.append(
        pageHeading(`web.nav.${moduleKey}`),
        h('div', { class: 'panel panel-pending', 'data-testid': 'module-pending' },
          h('p', {}, t(`web.module.${moduleKey}.purpose`)),
          h('p', { class: 'pending-note' }, t('web.module.unavailable'))));
    },
  };
}
