// "My cases" (#/clinic/mine) for angels, doctors, nurses and counsellors: cases offered to them
// (accept or decline), cases they look after (step back at any time, no reason needed), their
// open tasks and their own shifts.

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, label, t } from '../i18n.js';
import { errorAlert, loading, notice } from '../ui.js';
import { busy } from '../forms.js';
import { overdueBadge, patientLine, severityBadge, tierBadge } from './clinic-common.js';
import { shiftEditor } from './clinic-volunteers.js';

export async function renderMine(panel, { user }) {
  const flash = h('div', { class: 'flash', 'aria-live': 'polite' });
  const offered = h('div', {}, loading());
  const active = h('div');
  const tasks = h('div', {}, loading());
  const shifts = h('div', {}, loading());
  panel.append(flash,
    h('section', { class: 'panel', 'data-testid': 'my-offered' }, h('h2', {}, t('web.clinic.mine.offered')),
      h('p', { class: 'muted small' }, t('web.clinic.mine.offered_intro')), offered),
    h('section', { class: 'panel', 'data-testid': 'my-active' }, h('h2', {}, t('web.clinic.mine.active')), active),
    h('section', { class: 'panel', 'data-testid': 'my-tasks' }, h('h2', {}, t('web.clinic.mine.tasks')), tasks),
    h('section', { class: 'panel', 'data-testid': 'my-shifts' }, h('h2', {}, t('web.clinic.mine.shifts')), shifts));

  const say = (text) => flash.replaceChildren(notice(text));

  const respond = (assignment, action, note) => api.post(`/clinic/assignments/${assignment.id}/${action}`, note === undefined ? {} : { note });

  const caseItem = (mine) => {
    const { assignment, case: summary } = mine;
    const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
    const noteInput = h('input', { name: 'note', placeholder: t('web.clinic.mine.note_placeholder'), 'aria-label': t('web.clinic.mine.note_label') });
    const button = (id, action, testid, primary) => {
      const node = h('button', { type: 'button', class: primary ? 'button-primary' : '', 'data-testid': testid }, t(id));
      node.addEventListener('click', () => busy(node, async () => {
        await respond(assignment, action, action === 'accept' ? undefined : noteInput.value);
        say(t(`web.clinic.mine.done_${action.replace('-', '_')}`, { id: summary.id }));
        await loadCases();
      }, (error) => alerts.replaceChildren(errorAlert(error))));
      return node;
    };
    const isOffered = assignment.status === 'offered';
    return h('article', { class: `review-card my-case ${summary.overdue ? 'case-overdue' : ''}`, 'data-testid': 'my-case', 'data-case-id': summary.id, 'data-assignment-status': assignment.status },
      h('header', { class: 'review-head' },
        h('h3', {}, h('a', { href: `#/clinic/case/${summary.id}` }, t('web.clinic.case.title', { id: summary.id }))),
        tierBadge(summary.tier), severityBadge(summary.nhc_severity),
        summary.overdue ? overdueBadge() : null),
      h('p', {}, patientLine(summary)),
      h('p', { class: 'small muted' },
        label('clinic.exposure', summary.exposure), ' · ',
        t(isOffered ? 'web.clinic.mine.offered_at' : 'web.clinic.mine.accepted_at', { time: formatInstant(isOffered ? assignment.offered_at : assignment.accepted_at) })),
      assignment.above_readiness ? h('p', { class: 'warn small' }, t('web.clinic.assign.above_readiness')) : null,
      alerts,
      h('div', { class: 'form-actions wrap' },
        isOffered ? button('web.clinic.mine.accept', 'accept', 'accept', true) : h('a', { class: 'button button-primary', href: `#/clinic/case/${summary.id}` }, t('web.clinic.mine.open')),
        isOffered ? button('web.clinic.mine.decline', 'decline', 'decline') : button('web.clinic.mine.step_back', 'step-back', 'step-back')),
      h('details', { class: 'subform-box' }, h('summary', {}, t('web.clinic.mine.note_label')), noteInput,
        h('p', { class: 'muted small' }, t('web.clinic.mine.no_reason_needed'))));
  };

  const loadCases = async () => {
    try {
      const { cases } = await api.get('/clinic/my/cases');
      const offers = cases.filter((mine) => mine.assignment.status === 'offered');
      const mineActive = cases.filter((mine) => mine.assignment.status === 'active');
      offered.replaceChildren(offers.length ? h('div', { class: 'card-stack' }, offers.map(caseItem)) : h('p', { class: 'muted', 'data-testid': 'offered-none' }, t('web.clinic.mine.none_offered')));
      active.replaceChildren(mineActive.length ? h('div', { class: 'card-stack' }, mineActive.map(caseItem)) : h('p', { class: 'muted', 'data-testid': 'active-none' }, t('web.clinic.mine.none_active')));
    } catch (error) {
      offered.replaceChildren(errorAlert(error));
      active.replaceChildren();
    }
  };

  const loadTasks = async () => {
    try {
      const { tasks: list } = await api.get('/clinic/my/tasks');
      tasks.replaceChildren(list.length ? h('ul', { class: 'task-list' }, list.map((task) => {
        const alerts = h('div', { class: 'alerts' });
        const done = h('button', { type: 'button', class: 'button-small', 'data-testid': 'task-done' }, t('web.clinic.task.mark_done'));
        done.addEventListener('click', () => busy(done, async () => {
          await api.post(`/clinic/tasks/${task.id}/done`, {});
          say(t('web.clinic.task.done_notice'));
          await loadTasks();
        }, (error) => alerts.replaceChildren(errorAlert(error))));
        return h('li', { class: `task ${task.overdue ? 'task-overdue' : ''}`, 'data-testid': 'my-task' },
          h('div', { class: 'task-text' }, task.text || label('clinic.task', task.kind)),
          h('div', { class: 'small' }, task.overdue ? [overdueBadge(), ' '] : null,
            t('web.clinic.task.due', { time: formatInstant(task.due_at) }), ' · ',
            h('a', { href: `#/clinic/case/${task.case_id}` }, t('web.clinic.case.short', { id: task.case_id }))),
          alerts, done);
      })) : h('p', { class: 'muted' }, t('web.clinic.task.none')));
    } catch (error) {
      tasks.replaceChildren(errorAlert(error));
    }
  };

  // A volunteer keeps their own shifts; an account that is not a clinic volunteer has no record.
  const loadShifts = async (text) => {
    if (text) say(text);
    try {
      // The volunteer's own record: readiness and load, then the shifts to edit.
      const me = await api.get(`/clinic/volunteers/${user.id}`);
      shifts.replaceChildren(
        h('p', { 'data-testid': 'my-standing' }, t('web.clinic.mine.standing', {
          readiness: me.readiness, active: me.active_cases, capacity: me.capacity,
        })),
        h('p', { class: 'muted small' }, t('web.clinic.mine.shifts_intro')),
        shiftEditor(user.id, me.shifts ?? [], loadShifts, (error) => shifts.prepend(errorAlert(error))));
    } catch (error) {
      shifts.replaceChildren(error.status === 404
        ? h('p', { class: 'muted', 'data-testid': 'not-volunteer' }, t('web.clinic.mine.not_volunteer'))
        : errorAlert(error));
    }
  };

  await Promise.all([loadCases(), loadTasks(), loadShifts()]);
}
