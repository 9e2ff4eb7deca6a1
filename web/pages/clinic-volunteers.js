// Volunteer review (#/clinic/volunteers, coordinators and admins): applications to approve with
// a readiness level (and a reason when the clinical rule is not met) or to reject with a reason;
// approved volunteers with their readiness (raised one level at a time), capacity and shifts.

import { api, request } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, formatNumber, label, t } from '../i18n.js';
import { errorAlert, loading, notice } from '../ui.js';
import { busy, clearFieldErrors, formField, isoToLocalInput, localInputToIso, showError } from '../forms.js';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7];

export async function renderVolunteers(panel) {
  const flash = h('div', { class: 'flash', 'aria-live': 'polite' });
  const pending = h('div', {}, loading());
  const decided = h('div');
  const volunteers = h('div', {}, loading());
  panel.append(flash,
    h('section', { class: 'panel', 'data-testid': 'applications' },
      h('h2', {}, t('web.clinic.review.pending')),
      h('p', { class: 'muted small' }, t('web.clinic.review.intro')),
      pending, decided),
    h('section', { class: 'panel', 'data-testid': 'volunteers' },
      h('h2', {}, t('web.clinic.review.volunteers')),
      h('p', { class: 'muted small' }, t('web.clinic.review.volunteers_intro')),
      volunteers));

  const say = (text) => flash.replaceChildren(notice(text));

  const loadApplications = async () => {
    try {
      const { applications } = await api.get('/clinic/volunteer-applications');
      const open = applications.filter((a) => a.status === 'pending');
      const done = applications.filter((a) => a.status !== 'pending').reverse();
      pending.replaceChildren(open.length
        ? h('ul', { class: 'review-list' }, open.map((a) => h('li', {}, applicationCard(a, refreshAll, say))))
        : h('p', { class: 'muted', 'data-testid': 'applications-none' }, t('web.clinic.review.none_pending')));
      decided.replaceChildren(done.length ? h('details', { class: 'earlier' },
        h('summary', {}, t('web.clinic.review.decided', { n: formatNumber(done.length) })),
        h('ul', { class: 'decided-list' }, done.map((a) => h('li', {},
          h('strong', {}, a.display_name), ` · ${label('role', a.role)} · `,
          h('span', { class: `app-status app-${a.status}` }, label('clinic.application', a.status)),
          a.decided_at ? ` · ${formatInstant(a.decided_at)}` : '',
          a.decision_reason ? h('span', { class: 'muted' }, ` · ${a.decision_reason}`) : null)))) : '');
    } catch (error) {
      pending.replaceChildren(errorAlert(error));
    }
  };

  const loadVolunteers = async () => {
    try {
      const { volunteers: list } = await api.get('/clinic/volunteers');
      volunteers.replaceChildren(list.length
        ? h('ul', { class: 'volunteer-grid' }, list.map((v) => h('li', {}, volunteerCard(v, loadVolunteers, say))))
        : h('p', { class: 'muted' }, t('web.clinic.review.no_volunteers')));
    } catch (error) {
      volunteers.replaceChildren(errorAlert(error));
    }
  };

  async function refreshAll() {
    await Promise.all([loadApplications(), loadVolunteers()]);
  }
  await refreshAll();
}

function departmentText(code) {
  if (!code) return '';
  return code === 'other' ? t('web.clinic.apply.department_other') : label('department', code);
}

function applicationCard(application, refreshAll, say) {
  const clinical = application.role === 'doctor' || application.role === 'nurse';
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const readiness = h('select', { name: 'readiness', 'data-testid': 'approve-readiness' },
    [1, 2, 3].map((level) => h('option', { value: String(level) }, t(`web.clinic.readiness.${level}`))));
  const override = formField({
    fields: 'override_reason', labelId: 'web.clinic.review.override_reason', hintId: 'web.clinic.review.override_hint',
    control: h('textarea', { name: 'override_reason', rows: '2', 'data-testid': 'approve-override' }), wide: true,
  });
  const approveForm = h('form', { class: 'subform', novalidate: true, 'data-testid': 'approve-form' },
    h('div', { class: 'form-grid' },
      formField({ labelId: 'web.clinic.review.readiness', hintId: 'web.clinic.review.readiness_hint', control: readiness }),
      formField({ labelId: 'web.clinic.review.capacity', hintId: 'web.clinic.review.capacity_hint', control: h('input', { name: 'capacity', type: 'number', inputmode: 'numeric', min: '0', max: '50', value: '5', 'data-testid': 'approve-capacity' }) })),
    application.meets_clinical_requirement ? null : override,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'approve-submit' }, t('web.clinic.review.approve'))));
  approveForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(approveForm);
    clearFieldErrors(approveForm);
    busy(approveForm.querySelector('button[type=submit]'), async () => {
      const body = { readiness: Number(data.get('readiness')), capacity: Number(data.get('capacity')) };
      if (!application.meets_clinical_requirement) body.override_reason = String(data.get('override_reason') ?? '');
      await api.post(`/clinic/volunteer-applications/${application.id}/approve`, body);
      say(t('web.clinic.review.approved', { name: application.display_name }));
      await refreshAll();
    }, (error) => showError(approveForm, alerts, error));
  });

  const rejectForm = h('form', { class: 'subform', novalidate: true, 'data-testid': 'reject-form' },
    formField({ fields: 'reason', labelId: 'web.clinic.review.reject_reason', control: h('input', { name: 'reason', 'data-testid': 'reject-reason' }) }),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-danger', 'data-testid': 'reject-submit' }, t('web.clinic.review.reject'))));
  rejectForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(rejectForm);
    clearFieldErrors(rejectForm);
    busy(rejectForm.querySelector('button[type=submit]'), async () => {
      await api.post(`/clinic/volunteer-applications/${application.id}/reject`, { reason: String(data.get('reason') ?? '') });
      say(t('web.clinic.review.rejected', { name: application.display_name }));
      await refreshAll();
    }, (error) => showError(rejectForm, alerts, error));
  });

  return h('article', { class: 'review-card', 'data-testid': 'application', 'data-username': application.username, 'data-application-id': application.id },
    h('header', { class: 'review-head' },
      h('h3', {}, application.display_name),
      h('span', { class: 'role-chip' }, label('role', application.role)),
      h('span', { class: 'muted small' }, t('web.clinic.review.submitted', { time: formatInstant(application.submitted_at) }))),
    h('dl', { class: 'facts' },
      fact('web.login.username', application.username),
      fact('web.clinic.form.phone', application.phone_last4 ? t('web.clinic.case.phone_last4', { digits: application.phone_last4 }) : ''),
      clinical ? fact('web.clinic.apply.licence_number', application.licence_number) : null,
      clinical ? fact('web.clinic.apply.hospital', application.hospital) : null,
      clinical ? fact('web.clinic.apply.department', departmentText(application.department)) : null,
      fact('web.clinic.apply.years_practice', application.years_practice ? formatNumber(application.years_practice) : null)),
    clinical ? h('p', { class: application.meets_clinical_requirement ? 'rule-ok' : 'rule-not-met', 'data-testid': 'requirement' },
      t(application.meets_clinical_requirement ? 'web.clinic.review.rule_met' : 'web.clinic.review.rule_not_met')) : null,
    alerts,
    approveForm,
    h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'reject-open' }, t('web.clinic.review.reject')), rejectForm));
}

function fact(labelId, value) {
  if (value === null || value === undefined || value === '') return null;
  return h('div', { class: 'fact' }, h('dt', {}, t(labelId)), h('dd', {}, value));
}

function shiftText(shift) {
  if (shift.kind === 'weekly') {
    return t('web.clinic.shift.weekly_text', { day: t(`web.clinic.weekday.${shift.weekday}`), start: shift.start, end: shift.end });
  }
  return t('web.clinic.shift.once_text', { start: formatInstant(shift.starts_at), end: formatInstant(shift.ends_at) });
}

// Shifts of one volunteer with remove buttons and the form to add one. Used here and by the
// volunteers themselves on "My cases". `onChange` reloads whatever shows them.
export function shiftEditor(userId, shifts, onChange, onError) {
  const list = shifts.length
    ? h('ul', { class: 'shift-list', 'data-testid': 'shift-list' }, shifts.map((shift) => {
      const remove = h('button', { type: 'button', class: 'button-small button-quiet', 'aria-label': t('web.clinic.shift.remove') }, '✕');
      remove.addEventListener('click', () => busy(remove, async () => {
        await request('DELETE', `/clinic/shifts/${shift.id}`);
        await onChange(t('web.clinic.shift.removed'));
      }, onError));
      return h('li', { 'data-testid': 'shift' }, h('span', {}, shiftText(shift)), remove);
    }))
    : h('p', { class: 'muted small', 'data-testid': 'shift-none' }, t('web.clinic.shift.none'));

  const now = new Date();
  now.setSeconds(0, 0);
  const later = new Date(now.getTime() + 8 * 3600_000);
  const kind = h('select', { name: 'kind', 'data-testid': 'shift-kind' },
    h('option', { value: 'once' }, t('web.clinic.shift.once')),
    h('option', { value: 'weekly' }, t('web.clinic.shift.weekly')));
  const once = h('div', { class: 'form-grid' },
    formField({ fields: 'starts_at', labelId: 'web.clinic.shift.starts_at', control: h('input', { name: 'starts_at', type: 'datetime-local', value: isoToLocalInput(now), 'data-testid': 'shift-starts' }) }),
    formField({ fields: 'ends_at', labelId: 'web.clinic.shift.ends_at', control: h('input', { name: 'ends_at', type: 'datetime-local', value: isoToLocalInput(later), 'data-testid': 'shift-ends' }) }));
  const weekly = h('div', { class: 'form-grid', hidden: true },
    formField({ labelId: 'web.clinic.shift.weekday', control: h('select', { name: 'weekday' }, WEEKDAYS.map((day) => h('option', { value: String(day) }, t(`web.clinic.weekday.${day}`)))) }),
    formField({ labelId: 'web.clinic.shift.start', hintId: 'web.clinic.shift.clinic_time', control: h('input', { name: 'start', type: 'time', value: '08:00' }) }),
    formField({ labelId: 'web.clinic.shift.end', control: h('input', { name: 'end', type: 'time', value: '16:00' }) }));
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const form = h('form', { class: 'subform shift-form', novalidate: true, 'data-testid': 'shift-form' },
    formField({ labelId: 'web.clinic.shift.kind', control: kind }),
    once, weekly, alerts,
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-small', 'data-testid': 'shift-submit' }, t('web.clinic.shift.add'))));
  kind.addEventListener('change', () => {
    once.hidden = kind.value !== 'once';
    weekly.hidden = kind.value !== 'weekly';
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    clearFieldErrors(form);
    const body = kind.value === 'once'
      ? { kind: 'once', starts_at: localInputToIso(String(data.get('starts_at') ?? '')), ends_at: localInputToIso(String(data.get('ends_at') ?? '')) }
      : { kind: 'weekly', weekday: Number(data.get('weekday')), start: String(data.get('start') ?? ''), end: String(data.get('end') ?? '') };
    busy(form.querySelector('button[type=submit]'), async () => {
      await api.post(`/clinic/volunteers/${userId}/shifts`, body);
      await onChange(t('web.clinic.shift.added'));
    }, (error) => showError(form, alerts, error));
  });
  return h('div', { class: 'shifts' }, list, h('details', { class: 'subform-box' }, h('summary', { 'data-testid': 'shift-open' }, t('web.clinic.shift.add')), form));
}

function volunteerCard(volunteer, reload, say) {
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const onError = (error) => alerts.replaceChildren(errorAlert(error));
  const changed = async (text) => {
    say(text);
    await reload();
  };

  const setReadiness = (level) => {
    const button = h('button', { type: 'button', class: 'button-small', 'data-testid': level > volunteer.readiness ? 'readiness-raise' : 'readiness-lower' },
      t(level > volunteer.readiness ? 'web.clinic.review.raise_to' : 'web.clinic.review.lower_to', { n: level }));
    button.addEventListener('click', () => busy(button, async () => {
      await api.post(`/clinic/volunteers/${volunteer.user_id}/readiness`, { level });
      await changed(t('web.clinic.review.readiness_set', { name: volunteer.display_name || volunteer.username, n: level }));
    }, onError));
    return button;
  };

  const capacity = h('input', { name: 'capacity', type: 'number', inputmode: 'numeric', min: '0', max: '50', value: String(volunteer.capacity), class: 'input-short', 'aria-label': t('web.clinic.review.capacity') });
  const capacityForm = h('form', { class: 'inline-form', novalidate: true },
    capacity, h('button', { type: 'submit', class: 'button-small' }, t('web.clinic.review.save')));
  capacityForm.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(capacityForm.querySelector('button'), async () => {
      await request('PATCH', `/clinic/volunteers/${volunteer.user_id}`, { body: { capacity: Number(capacity.value) } });
      await changed(t('web.clinic.review.capacity_set', { name: volunteer.display_name || volunteer.username }));
    }, onError);
  });

  return h('article', {
    class: `review-card volunteer-card ${volunteer.disabled ? 'is-disabled' : ''}`,
    'data-testid': 'volunteer', 'data-username': volunteer.username, 'data-user-id': volunteer.user_id,
  },
  h('header', { class: 'review-head' },
    h('h3', {}, volunteer.display_name || volunteer.username),
    h('span', { class: 'role-chip' }, label('role', volunteer.role)),
    h('span', { class: volunteer.on_shift ? 'shift-on' : 'shift-off', 'data-testid': 'on-shift' },
      t(volunteer.on_shift ? 'web.clinic.review.on_shift' : 'web.clinic.review.off_shift')),
    volunteer.disabled ? h('span', { class: 'status status-off' }, t('web.admin.users.status_disabled')) : null),
  h('dl', { class: 'facts' },
    fact('web.login.username', volunteer.username),
    fact('web.clinic.apply.department', departmentText(volunteer.department)),
    fact('web.clinic.apply.hospital', volunteer.hospital),
    fact('web.clinic.review.active_cases', t('web.clinic.review.load', { active: formatNumber(volunteer.active_cases), capacity: formatNumber(volunteer.capacity) }))),
  h('div', { class: 'readiness-row' },
    h('span', {}, t('web.clinic.review.readiness'), ' ', h('strong', { 'data-testid': 'readiness' }, t(`web.clinic.readiness.${volunteer.readiness}`))),
    volunteer.readiness < 3 ? setReadiness(volunteer.readiness + 1) : null,
    volunteer.readiness > 1 ? setReadiness(volunteer.readiness - 1) : null),
  h('div', { class: 'capacity-row' }, h('span', {}, t('web.clinic.review.capacity')), capacityForm),
  alerts,
  h('h4', {}, t('web.clinic.shift.title')),
  shiftEditor(volunteer.user_id, volunteer.shifts ?? [], changed, onError));
}
