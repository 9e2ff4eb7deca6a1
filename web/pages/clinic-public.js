// The clinic's pages for people without an account: ask for help (#/help), follow a request by
// its private link (#/status/<token>) and apply to volunteer (#/volunteer). app.js draws them in
// a light frame of their own, logged in or not.

import { request } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, has, label, locale, t } from '../i18n.js';
import { errorAlert, loading } from '../ui.js';
import { choiceGroup, clearFieldErrors, formField, numberOf, showError } from '../forms.js';
import { DEPARTMENTS, VOLUNTEER_ROLES, tierBadge } from './clinic-common.js';
import { renderIntake } from './clinic-intake.js';

export const helpPage = {
  render(view) {
    view.append(
      h('header', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('web.clinic.help.title'))),
      h('p', { class: 'lead' }, t('web.clinic.help.intro')),
      h('p', { class: 'emergency', 'data-testid': 'help-emergency' }, t('web.clinic.emergency')));
    renderIntake(view, { mode: 'public' });
  },
};

// What the family sees: status, tier, advice and actions in plain words, the last update.
export const statusPage = {
  async render(view, { parts }) {
    const token = parts[0] ?? '';
    const body = h('div', { 'aria-live': 'polite' }, loading());
    view.append(h('header', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('web.clinic.status.title'))), body);

    const load = async () => {
      try {
        const status = await request('GET', '/clinic/status', { query: { token }, auth: false });
        body.replaceChildren(statusView(status, load));
      } catch (error) {
        body.replaceChildren(errorAlert(error),
          h('p', {}, h('a', { href: '#/help' }, t('web.clinic.status.new_request'))));
      }
    };
    if (!token) {
      body.replaceChildren(errorAlert({ message: t('web.clinic.status.no_token') }));
      return;
    }
    await load();
  },
};

function familyAction(code) {
  const id = `web.clinic.family_action.${code}`;
  return has(id) ? t(id) : label('triage.action', code);
}

function statusView(status, reload) {
  const open = status.status === 'open';
  const refresh = h('button', { type: 'button', class: 'button-quiet', 'data-testid': 'status-refresh' }, t('web.clinic.refresh'));
  refresh.addEventListener('click', async () => {
    refresh.disabled = true;
    await reload();
  });
  const actions = status.actions ?? [];
  return h('div', { class: 'status-page', 'data-testid': 'status-view', 'data-tier': status.tier, 'data-status': status.status },
    h('section', { class: `panel status-card ${open ? '' : 'status-closed'}` },
      h('dl', { class: 'status-facts' },
        h('div', {}, h('dt', {}, t('web.clinic.status.state')),
          h('dd', { 'data-testid': 'status-state' }, label('clinic.status', status.status))),
        h('div', {}, h('dt', {}, t('web.clinic.status.tier')),
          h('dd', { 'data-testid': 'status-tier' }, tierBadge(status.tier),
            h('span', { class: 'tier-plain' }, t(`web.clinic.tier_plain.${status.tier}`))))),
      status.advice ? h('p', { class: 'advice', 'data-testid': 'status-advice' }, status.advice) : null),
    open && actions.length ? h('section', { class: 'panel' },
      h('h2', {}, t('web.clinic.status.actions')),
      h('ul', { class: 'action-list', 'data-testid': 'status-actions' }, actions.map((code) =>
        h('li', { class: code === 'call_120' ? 'action-urgent' : null }, familyAction(code))))) : null,
    h('p', { class: 'muted' },
      h('span', { 'data-testid': 'status-updated' }, t('web.clinic.status.updated', { time: formatInstant(status.updated_at) })),
      ' ', refresh),
    h('p', { class: 'emergency' }, t('web.clinic.emergency')),
    h('p', { class: 'muted small' }, t('web.clinic.status.private')));
}

// The volunteer application: who they are, their role and, for doctors and nurses, their
// credentials; the account they will log in with once a coordinator approves.
export const volunteerPage = {
  render(view) {
    const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
    const result = h('div', { 'aria-live': 'polite' });
    const roleGroup = choiceGroup({
      name: 'role', legendId: 'web.clinic.apply.role', type: 'radio', testid: 'apply-role',
      options: VOLUNTEER_ROLES.map((role) => ({ value: role, labelText: label('role', role), hint: t(`web.clinic.apply.role_hint.${role}`) })),
    });
    const department = h('select', { name: 'department', 'data-testid': 'apply-department' },
      h('option', { value: '' }, t('web.clinic.form.choose')),
      DEPARTMENTS.map((code) => h('option', { value: code }, label('department', code))),
      h('option', { value: 'other' }, t('web.clinic.apply.department_other')));
    const clinical = h('div', { class: 'form-grid' },
      formField({ labelId: 'web.clinic.apply.licence_number', control: h('input', { name: 'licence_number', autocomplete: 'off', 'data-testid': 'apply-licence' }) }),
      formField({ labelId: 'web.clinic.apply.hospital', control: h('input', { name: 'hospital', autocomplete: 'organization', 'data-testid': 'apply-hospital' }) }),
      formField({ labelId: 'web.clinic.apply.department', control: department }));
    const years = formField({
      labelId: 'web.clinic.apply.years_practice', hintId: 'web.clinic.apply.years_practice_hint', unitId: 'web.clinic.unit.years',
      control: h('input', { name: 'years_practice', type: 'number', inputmode: 'numeric', min: '0', max: '70', 'data-testid': 'apply-years' }),
    });
    const clinicalSection = h('section', { class: 'panel form-section' },
      h('h2', {}, t('web.clinic.apply.section_credentials')),
      h('p', { class: 'muted', 'data-testid': 'apply-requirement' }, t('web.clinic.apply.requirement')),
      clinical, years);

    const form = h('form', { class: 'intake-form', novalidate: true, 'data-testid': 'apply-form' },
      h('section', { class: 'panel form-section' },
        h('h2', {}, t('web.clinic.apply.section_you')),
        h('div', { class: 'form-grid' },
          formField({ labelId: 'web.clinic.apply.display_name', control: h('input', { name: 'display_name', autocomplete: 'name', 'data-testid': 'apply-name' }) }),
          formField({ labelId: 'web.clinic.form.phone', hintId: 'web.clinic.apply.phone_hint', control: h('input', { name: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel', 'data-testid': 'apply-phone' }) })),
        roleGroup),
      clinicalSection,
      h('section', { class: 'panel form-section' },
        h('h2', {}, t('web.clinic.apply.section_account')),
        h('p', { class: 'muted' }, t('web.clinic.apply.account_intro')),
        h('div', { class: 'form-grid' },
          formField({ labelId: 'web.login.username', hintId: 'web.clinic.apply.username_hint', control: h('input', { name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', 'data-testid': 'apply-username' }) }),
          formField({ labelId: 'web.login.password', hintId: 'web.clinic.apply.password_hint', control: h('input', { name: 'password', type: 'password', autocomplete: 'new-password', 'data-testid': 'apply-password' }) })),
        alerts,
        h('button', { type: 'submit', class: 'button-primary button-wide button-big', 'data-testid': 'apply-submit' }, t('web.clinic.apply.submit'))));

    const refresh = () => {
      const role = form.querySelector('input[name=role]:checked')?.value;
      const isClinical = role === 'doctor' || role === 'nurse';
      clinical.hidden = !isClinical;
      clinicalSection.querySelector('[data-testid=apply-requirement]').hidden = !isClinical;
      clinicalSection.hidden = !(isClinical || role === 'counsellor');
    };
    form.addEventListener('change', refresh);
    refresh();

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const role = String(data.get('role') ?? '');
      const isClinical = role === 'doctor' || role === 'nurse';
      const body = {
        display_name: String(data.get('display_name') ?? '').trim(),
        role,
        phone: String(data.get('phone') ?? '').trim(),
        username: String(data.get('username') ?? '').trim(),
        password: String(data.get('password') ?? ''),
        locale: locale(),
      };
      if (isClinical) {
        body.licence_number = String(data.get('licence_number') ?? '').trim();
        body.hospital = String(data.get('hospital') ?? '').trim();
        body.department = String(data.get('department') ?? '');
      }
      const yearsValue = numberOf(data.get('years_practice'));
      if (yearsValue !== undefined && (isClinical || role === 'counsellor')) body.years_practice = yearsValue;
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      alerts.replaceChildren();
      clearFieldErrors(form);
      try {
        await request('POST', '/clinic/volunteer-applications', { body, auth: false });
        form.hidden = true;
        result.replaceChildren(h('section', { class: 'panel done-panel', 'data-testid': 'apply-done' },
          h('h2', { tabindex: '-1' }, t('web.clinic.apply.done_title')),
          h('p', {}, t('web.clinic.apply.done_body', { username: body.username })),
          h('p', {}, h('a', { class: 'button button-primary', href: '#/login' }, t('web.clinic.public.staff_login')))));
        result.querySelector('h2')?.focus();
        window.scrollTo({ top: 0 });
      } catch (error) {
        showError(form, alerts, error);
      } finally {
        button.disabled = false;
      }
    });

    view.append(
      h('header', { class: 'page-head' }, h('h1', { tabindex: '-1' }, t('web.clinic.apply.title'))),
      h('p', { class: 'lead' }, t('web.clinic.apply.intro')),
      result, form);
  },
};
