// Entry point: loads the catalogue, restores the session, draws the shell and routes by hash
// (#/home, #/beds?district=420106, #/admin/audit, ...). The clinic's public pages (#/help,
// #/status/<token>, #/volunteer) and the health code's (#/code/<token>, #/gate) need no account
// and are drawn in a frame of their own.

import { ApiError, api, onUnauthorized, setToken, token } from './api.js';
import { h } from './dom.js';
import { initialLocale, label, loadCatalogue, locale, rememberLocale, t } from './i18n.js';
import { errorAlert, languageSwitch, pageHeading } from './ui.js';
import * as adminPage from './pages/admin.js';
import * as aidPage from './pages/aid.js';
import * as bedsPage from './pages/beds.js';
import * as clinicPage from './pages/clinic.js';
import { helpPage, statusPage, volunteerPage } from './pages/clinic-public.js';
import { codePage, gatePage } from './pages/code-public.js';
import * as homePage from './pages/home.js';
import * as loginPage from './pages/login.js';
import * as tracingPage from './pages/tracing.js';
import { placeholderPage } from './pages/placeholder.js';

// The platform's modules in navigation order. `roles` limits who sees one (all when absent).
const MODULES = [
  { route: 'home', page: homePage },
  { route: 'clinic', page: clinicPage, roles: clinicPage.ROLES },
  { route: 'aid', page: aidPage, roles: aidPage.ROLES },
  { route: 'beds', page: bedsPage },
  { route: 'tracing', page: tracingPage, roles: tracingPage.ROLES },
  { route: 'community', page: placeholderPage('community') },
  { route: 'blood', page: placeholderPage('blood') },
  { route: 'planning', page: placeholderPage('planning') },
  { route: 'admin', page: adminPage, roles: ['admin'] },
];

// Pages anyone may open, with or without an account.
const PUBLIC_PAGES = {
  help: helpPage,
  status: statusPage,
  volunteer: volunteerPage,
  code: codePage,
  gate: gatePage,
};

const root = document.getElementById('app');
const session = {
  user: null,
  returnTo: null, // the route asked for before logging in
  loginMessage: null, // why the user was sent back to the login page
  loggingOut: false,
};
let shell = null; // {main, nav, flash} once drawn for the current user and language

function parseHash() {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [path, queryString = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean), query: new URLSearchParams(queryString) };
}

function navigate(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

function visibleModules() {
  return MODULES.filter((module) => !module.roles || module.roles.includes(session.user?.role));
}

function route() {
  const { parts, query } = parseHash();
  const first = parts[0] ?? '';

  if (Object.hasOwn(PUBLIC_PAGES, first)) {
    shell = null;
    drawPublic(PUBLIC_PAGES[first], first, parts.slice(1));
    return;
  }

  if (!session.user) {
    shell = null;
    if (first !== 'login') {
      if (first) session.returnTo = window.location.hash;
      navigate('#/login');
      return;
    }
    const message = session.loginMessage;
    session.loginMessage = null;
    loginPage.render(root, { message, onLoggedIn: loggedIn, onLocale: chooseLoginLocale });
    return;
  }

  if (first === '' || first === 'login') {
    navigate('#/home');
    return;
  }

  if (!shell) drawShell();
  const module = MODULES.find((candidate) => candidate.route === first);
  for (const link of shell.nav.querySelectorAll('a')) {
    if (link.dataset.route === first) {
      link.setAttribute('aria-current', 'page');
      // On a phone the module bar scrolls sideways; keep the current module in sight.
      link.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    } else {
      link.removeAttribute('aria-current');
    }
  }
  shell.flash.replaceChildren();
  const view = h('section', { class: 'view', 'data-route': first });
  shell.main.replaceChildren(view);
  if (!module) {
    view.append(pageHeading('web.error.page_not_found_title'),
      h('p', {}, t('web.error.page_not_found')));
  } else if (module.roles && !module.roles.includes(session.user.role)) {
    view.append(pageHeading(`web.nav.${module.route}`),
      h('div', { class: 'alert alert-error', role: 'alert' }, t('web.error.role_required')));
  } else {
    module.page.render(view, { user: session.user, parts: parts.slice(1), query, navigate });
  }
  view.querySelector('h1')?.focus({ preventScroll: true });
}

function drawShell() {
  const user = session.user;
  const nav = h('nav', { class: 'modules', 'aria-label': t('web.nav.label') },
    h('ul', {}, visibleModules().map((module) => h('li', {},
      h('a', { href: `#/${module.route}`, 'data-route': module.route, 'data-testid': `nav-${module.route}` },
        t(`web.nav.${module.route}`))))));
  const main = h('main', { id: 'main', class: 'main' });
  const flash = h('div', { class: 'flash', 'aria-live': 'polite' });
  root.replaceChildren(
    h('a', { class: 'skip-link', href: '#main', onclick: (event) => {
      event.preventDefault();
      main.querySelector('h1')?.focus();
    } }, t('web.nav.skip')),
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '#/home' }, t('app.name')),
      h('div', { class: 'who' },
        h('span', { class: 'who-name', 'data-testid': 'user-name' }, user.display_name || user.username),
        h('span', { class: 'role-badge', 'data-testid': 'user-role' }, label('role', user.role))),
      h('div', { class: 'topbar-actions' },
        languageSwitch(locale(), changeLocale),
        h('button', { type: 'button', class: 'button-quiet', 'data-testid': 'logout', onclick: logout },
          t('web.nav.logout')))),
    nav,
    h('div', { class: 'content' }, flash, main));
  shell = { main, nav, flash };
}

// A public page: the brand, the language switch, the page, and the ways on (ask for help,
// volunteer, staff login).
function drawPublic(page, routeName, parts) {
  const main = h('main', { id: 'main', class: 'public-main' });
  const view = h('section', { class: 'view', 'data-route': routeName });
  main.append(view);
  const chooseLocale = async (code) => {
    if (code === locale()) return;
    try {
      await loadCatalogue(code);
      rememberLocale(code);
    } catch {
      view.prepend(errorAlert({ message: t('web.error.network') }));
      return;
    }
    route();
  };
  const links = [
    routeName !== 'help' ? ['#/help', 'web.clinic.public.ask_help', 'public-help'] : null,
    routeName !== 'volunteer' ? ['#/volunteer', 'web.clinic.public.volunteer', 'public-volunteer'] : null,
    [session.user ? '#/home' : '#/login', session.user ? 'web.clinic.public.back_to_app' : 'web.clinic.public.staff_login', 'public-login'],
  ].filter(Boolean);
  root.replaceChildren(
    h('header', { class: 'public-top' },
      h('span', { class: 'brand' }, t('app.name')),
      h('span', { class: 'public-tagline' }, t('web.clinic.public.tagline')),
      languageSwitch(locale(), chooseLocale)),
    main,
    h('footer', { class: 'public-foot' },
      h('nav', { 'aria-label': t('web.clinic.public.links') },
        links.map(([href, id, testid]) => h('a', { href, 'data-testid': testid }, t(id))))));
  page.render(view, { parts, user: session.user, navigate });
  window.scrollTo({ top: 0 });
  view.querySelector('h1')?.focus({ preventScroll: true });
}

// After a successful login. A language picked on the login page wins over the saved one and is
// saved to the account; otherwise the account's saved language is used.
async function loggedIn(user, localeChosenOnLoginPage) {
  session.user = user;
  try {
    if (localeChosenOnLoginPage && user.locale !== locale()) {
      session.user = await api.patch('/me', { locale: locale() });
    } else if (user.locale && user.locale !== locale()) {
      await loadCatalogue(user.locale);
    }
  } catch {
    // The UI keeps working in the language it has; the switch in the top bar can retry.
  }
  const target = session.returnTo;
  session.returnTo = null;
  navigate(target && !target.startsWith('#/login') ? target : '#/home');
}

async function chooseLoginLocale(code) {
  await loadCatalogue(code);
  rememberLocale(code);
}

async function changeLocale(code) {
  if (code === locale()) return;
  try {
    session.user = await api.patch('/me', { locale: code });
    await loadCatalogue(session.user.locale || code);
    rememberLocale(locale());
  } catch (error) {
    // A failed catalogue load is not an ApiError and has no message for the user.
    if (!(error instanceof ApiError)) shell?.flash.replaceChildren(errorAlert({ message: t('web.error.network') }));
    else if (error.status !== 401) shell?.flash.replaceChildren(errorAlert(error));
    return;
  }
  shell = null;
  route();
}

async function logout() {
  session.loggingOut = true;
  try {
    await api.post('/auth/logout');
  } catch {
    // The token is dropped either way; the server expires it in time.
  }
  session.loggingOut = false;
  setToken(null);
  session.user = null;
  session.returnTo = null;
  navigate('#/login');
}

onUnauthorized((error) => {
  if (!session.user || session.loggingOut) return;
  session.user = null;
  session.loginMessage = error.message;
  session.returnTo = window.location.hash;
  navigate('#/login');
});

// Without the catalogue there is no text to show, so this one message is written in both
// languages here.
function bootFailure() {
  root.replaceChildren(h('div', { class: 'boot-failure', role: 'alert' },
    h('p', { lang: 'zh-CN' }, '无法连接生命线服务器。'),
    h('p', { lang: 'en' }, 'Cannot reach the Lifeline server.'),
    h('button', { type: 'button', onclick: () => boot() }, '重试 · Retry')));
}

let listening = false;

async function boot() {
  try {
    await loadCatalogue(initialLocale());
  } catch {
    bootFailure();
    return;
  }
  if (token()) {
    try {
      session.user = await api.get('/me');
      if (session.user.locale && session.user.locale !== locale()) {
        await loadCatalogue(session.user.locale);
      }
    } catch (error) {
      session.user = null;
      if (error.status !== 401) {
        bootFailure();
        return;
      }
      session.loginMessage = error.message;
    }
  }
  if (!listening) window.addEventListener('hashchange', route);
  listening = true;
  route();
}

boot();
