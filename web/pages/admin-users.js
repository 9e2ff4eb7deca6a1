// Admin › users: the list with disable/enable, and the form that creates an account.

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, label, t } from '../i18n.js';
import { dataTable, errorAlert, field, loading, markFieldError, notice } from '../ui.js';

export async function render(panel, { user: me }) {
  const formAlerts = h('div', { class: 'alerts', 'aria-live': 'polite' });
  const listAlerts = h('div', { class: 'alerts', 'aria-live': 'polite' });
  const list = h('div', {}, loading());
  const roleSelect = h('select', { name: 'role', 'data-testid': 'new-user-role' });
  const form = h('form', { class: 'form-grid', novalidate: true, 'data-testid': 'new-user-form' },
    field('web.admin.users.username', h('input', { name: 'username', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' })),
    field('web.admin.users.display_name', h('input', { name: 'display_name', autocomplete: 'off' })),
    field('web.admin.users.role', roleSelect),
    field('web.admin.users.locale', h('select', { name: 'locale' },
      ['zh-CN', 'en'].map((code) => h('option', { value: code }, t(`web.lang.${code}`))))),
    field('web.admin.users.password', h('input', { name: 'password', type: 'password', autocomplete: 'new-password' })),
    h('div', { class: 'form-actions' },
      h('button', { type: 'submit', class: 'button-primary' }, t('web.admin.users.create'))));

  panel.append(
    h('section', { class: 'panel' },
      h('h2', {}, t('web.admin.users.list_heading')), listAlerts, list),
    h('section', { class: 'panel' },
      h('h2', {}, t('web.admin.users.create_heading')), formAlerts, form));

  const loadUsers = async () => {
    try {
      const { users } = await api.get('/users');
      list.replaceChildren(userTable(users));
    } catch (error) {
      list.replaceChildren(errorAlert(error));
    }
  };

  const setDisabled = async (target, disabled) => {
    if (disabled && !window.confirm(t('web.admin.users.confirm_disable', { username: target.username }))) return;
    listAlerts.replaceChildren();
    try {
      await api.patch(`/users/${encodeURIComponent(target.id)}`, { disabled });
      listAlerts.replaceChildren(notice(t(disabled ? 'web.admin.users.disabled_done' : 'web.admin.users.enabled_done', { username: target.username })));
      await loadUsers();
    } catch (error) {
      listAlerts.replaceChildren(errorAlert(error));
    }
  };

  const userTable = (users) => dataTable({
    testid: 'user-table',
    rows: users,
    columns: [
      { label: 'web.admin.users.username', cell: (u) => u.username },
      { label: 'web.admin.users.id', numeric: true, cell: (u) => String(u.id) },
      { label: 'web.admin.users.display_name', cell: (u) => u.display_name },
      { label: 'web.admin.users.role', cell: (u) => label('role', u.role) },
      { label: 'web.admin.users.locale', cell: (u) => label('web.lang', u.locale) },
      { label: 'web.admin.users.status', cell: (u) => h('span', { class: u.disabled ? 'status status-off' : 'status status-on' },
        t(u.disabled ? 'web.admin.users.status_disabled' : 'web.admin.users.status_active')) },
      { label: 'web.admin.users.created_at', wide: true, nowrap: true, cell: (u) => formatInstant(u.created_at) },
      { label: 'web.admin.users.actions', wide: true, cell: (u) => (u.id === me.id
        ? h('span', { class: 'muted' }, t('web.admin.users.you'))
        : h('button', { type: 'button', class: 'button-small', 'data-testid': `toggle-user-${u.username}`, onclick: () => setDisabled(u, !u.disabled) },
          t(u.disabled ? 'web.admin.users.enable' : 'web.admin.users.disable'))) },
    ],
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const body = {
      username: data.username.trim(),
      display_name: data.display_name.trim(),
      role: data.role,
      password: data.password,
      locale: data.locale,
    };
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    formAlerts.replaceChildren();
    try {
      const created = await api.post('/users', body);
      formAlerts.replaceChildren(notice(t('web.admin.users.created', { username: created.username })));
      markFieldError(form, null);
      form.reset();
      await loadUsers();
    } catch (error) {
      formAlerts.replaceChildren(errorAlert(error));
      markFieldError(form, error);
    } finally {
      button.disabled = false;
    }
  });

  try {
    const { roles } = await api.get('/roles');
    roleSelect.replaceChildren(...roles.map((role) => h('option', { value: role }, label('role', role))));
  } catch (error) {
    formAlerts.replaceChildren(errorAlert(error));
  }
  await loadUsers();
}
