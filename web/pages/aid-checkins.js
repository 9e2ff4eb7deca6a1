// The angel's check-in list (#/aid/checkins): their open lendings, earliest due first, overdue
// ones highlighted, each with a form to record the call. Coordinators see everyone's.

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, t } from '../i18n.js';
import { errorAlert, loading, notice } from '../ui.js';
import { districtName, loadDistricts } from '../districts.js';
import { busy, showError } from '../forms.js';
import { checkInBody, checkInControls, deviceName } from './aid-devices.js';

export async function render(panel) {
  const flash = h('div', { class: 'flash', 'aria-live': 'polite' });
  const summary = h('p', { class: 'lead', 'data-testid': 'checkins-summary' });
  const list = h('div', {}, loading());
  panel.append(h('p', { class: 'muted' }, t('web.checkins.intro')), flash, summary, list);
  try {
    await loadDistricts();
  } catch {
    // District names fall back to codes.
  }

  const item = ({ device, drift }) => {
    const alerts = h('div', { class: 'alerts' });
    const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'checkin-form' },
      ...checkInControls(),
      alerts,
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'checkin-submit' }, t('web.checkins.submit'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(form.querySelector('button[type=submit]'), async () => {
        await api.post(`/devices/${device.id}/checkins`, checkInBody(form));
        flash.replaceChildren(notice(t('web.checkins.done', { name: deviceName(device) })));
        await load();
      }, (error) => showError(form, alerts, error));
    });
    const household = drift.household;
    return h('article', {
      class: `review-card ${drift.checkin_overdue ? 'case-overdue' : ''}`,
      'data-testid': 'checkin-item',
      'data-device-id': device.id,
      'data-overdue': drift.checkin_overdue ? 'true' : 'false',
    },
    h('header', { class: 'review-head' },
      h('h3', {}, h('a', { href: `#/aid/devices/${device.id}`, 'data-testid': 'checkin-device' }, deviceName(device))),
      drift.checkin_overdue ? h('span', { class: 'flag-overdue', 'data-testid': 'checkin-overdue' }, t('web.checkins.overdue')) : null),
    household
      ? h('p', { 'data-testid': 'checkin-household' }, `${household.contact_name} · ${household.phone} · ${household.address} (${districtName(household.district_code)})`)
      : h('p', { class: 'muted small' }, districtName(drift.district_code)),
    h('p', { class: drift.checkin_overdue ? 'warn' : '' },
      t('web.checkins.due', { time: formatInstant(drift.next_checkin_due) }), ' · ',
      drift.last_checkin_at ? t('web.checkins.last', { time: formatInstant(drift.last_checkin_at) }) : t('web.checkins.never')),
    device.angel_username ? h('p', { class: 'muted small' }, t('web.checkins.angel', { angel: device.angel_username })) : null,
    h('p', { class: 'small' }, drift.guidance),
    h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'checkin-open' }, t('web.checkins.submit')), form));
  };

  const load = async () => {
    try {
      const { checkins, overdue } = await api.get('/devices/checkins');
      summary.textContent = overdue ? t('web.checkins.overdue_count', { count: overdue }) : '';
      list.replaceChildren(checkins.length
        ? h('div', { class: 'card-stack', 'data-testid': 'checkin-list' }, checkins.map(item))
        : h('p', { class: 'muted', 'data-testid': 'checkins-none' }, t('web.checkins.none')));
    } catch (error) {
      list.replaceChildren(errorAlert(error));
    }
  };
  await load();
}
