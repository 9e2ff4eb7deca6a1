// The login page: username, password and the language switch, drawn over the whole screen,
// with the ways in that need no account (ask for help, apply to volunteer) above it.

import { request, setToken } from '../api.js';
import { h } from '../dom.js';
import { locale, t } from '../i18n.js';
import { errorAlert, field, languageSwitch, markFieldError } from '../ui.js';

// message: why the user is here (e.g. the session expired), shown as an alert.
// onLoggedIn(user, localeChosenHere): called after a successful login.
// onLocale(code): loads another language; the page redraws itself afterwards.
export function render(root, { message, onLoggedIn, onLocale }) {
  let localeChosenHere = false;

  const draw = (username, messageText) => {
    const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' },
      messageText ? errorAlert({ message: messageText }) : null);
    const usernameInput = h('input', {
      name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
      value: username, 'data-testid': 'login-username',
    });
    const passwordInput = h('input', {
      name: 'password', type: 'password', autocomplete: 'current-password',
      'data-testid': 'login-password',
    });
    const submitButton = h('button', { type: 'submit', class: 'button-primary button-wide', 'data-testid': 'login-submit' },
      t('web.login.submit'));

    const submit = async (event) => {
      event.preventDefault();
      submitButton.disabled = true;
      submitButton.textContent = t('web.login.submitting');
      try {
        const answer = await request('POST', '/auth/login', {
          body: { username: usernameInput.value.trim(), password: passwordInput.value },
          auth: false,
        });
        setToken(answer.token);
        onLoggedIn(answer.user, localeChosenHere);
      } catch (error) {
        alerts.replaceChildren(errorAlert(error));
        markFieldError(form, error);
        if (!error.field) passwordInput.select();
        submitButton.disabled = false;
        submitButton.textContent = t('web.login.submit');
      }
    };

    const chooseLocale = async (code) => {
      if (code === locale()) return;
      try {
        await onLocale(code);
        localeChosenHere = true;
        draw(usernameInput.value, null);
      } catch {
        alerts.replaceChildren(errorAlert({ message: t('web.error.network') }));
      }
    };

    const form = h('form', { class: 'login-form', novalidate: true, onsubmit: submit },
      field('web.login.username', usernameInput),
      field('web.login.password', passwordInput),
      submitButton);

    root.replaceChildren(h('div', { class: 'login-page' },
      h('div', { class: 'login-lang' }, languageSwitch(locale(), chooseLocale)),
      // Families and would-be volunteers arrive here too: their ways in need no account.
      h('aside', { class: 'public-entry', 'aria-label': t('web.clinic.public.links') },
        h('p', { class: 'public-entry-title' }, t('web.login.public_title')),
        h('a', { class: 'button button-primary button-wide button-big', href: '#/help', 'data-testid': 'login-ask-help' },
          t('web.login.ask_help')),
        h('p', { class: 'small' }, t('web.login.volunteer_text'), ' ',
          h('a', { href: '#/volunteer', 'data-testid': 'login-volunteer' }, t('web.login.volunteer_link')))),
      h('main', { class: 'login-card' },
        h('p', { class: 'login-brand' }, t('app.name')),
        h('p', { class: 'tagline' }, t('app.tagline')),
        h('h1', { tabindex: '-1' }, t('web.login.title')),
        alerts,
        form,
        h('p', { class: 'muted small' }, t('web.login.help')))));
    (username ? passwordInput : usernameInput).focus();
  };

  draw('', message);
}
