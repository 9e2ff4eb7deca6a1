// The UI speaks the language of the catalogue it loaded from GET /api/v1/i18n/{locale}.
// Every visible text goes through t(id); a missing id shows as the id itself so gaps are seen.

export const LOCALES = ['zh-CN', 'en'];
export const DEFAULT_LOCALE = 'zh-CN';
const STORAGE_KEY = 'lifeline.locale';

let currentLocale = DEFAULT_LOCALE;
let messages = {};
let formatters = {};

export function locale() {
  return currentLocale;
}

// The locale to start with before anyone logs in: an earlier explicit choice on this device,
// else the browser's preferred languages (first zh* or en* wins), else Chinese.
export function initialLocale() {
  const stored = safeStorageGet(STORAGE_KEY);
  if (LOCALES.includes(stored)) return stored;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const lower = String(tag ?? '').toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return DEFAULT_LOCALE;
}

export function rememberLocale(value) {
  try {
    localStorage.setItem(STORAGE_KEY, value);
  } catch {
    // Private mode or storage disabled: the choice simply is not remembered.
  }
}

// Loads the whole catalogue of `value` and makes it current. Throws on network or HTTP failure.
// Catalogues already fetched by this page, so switching back and forth costs no request (the
// endpoint is public and rate-limited per address).
const loaded = new Map();

export async function loadCatalogue(value) {
  const wanted = LOCALES.includes(value) ? value : DEFAULT_LOCALE;
  if (!loaded.has(wanted)) {
    const response = await fetch(`/api/v1/i18n/${encodeURIComponent(wanted)}`, {
      headers: { Accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`catalogue ${wanted}: HTTP ${response.status}`);
    const body = await response.json();
    loaded.set(wanted, body.messages ?? {});
  }
  messages = loaded.get(wanted);
  currentLocale = wanted;
  formatters = {};
  document.documentElement.lang = currentLocale;
  document.title = t('app.name');
}

// The message `id` with "{name}" placeholders filled from `args`.
export function t(id, args = {}) {
  const text = messages[id];
  if (text === undefined) return id;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in args ? String(args[name]) : match));
}

export function has(id) {
  return id in messages;
}

// A label for a code (role, hospital kind, ...): its catalogue entry when there is one,
// else the code itself, so a new code from the server still shows.
export function label(prefix, code) {
  const id = `${prefix}.${code}`;
  return has(id) ? t(id) : String(code ?? '');
}

function formatter(key, make) {
  formatters[key] ??= make();
  return formatters[key];
}

// An ISO-8601 instant in the browser's time zone, in the user's language; `seconds` where
// the order of close events matters (the audit log).
export function formatInstant(iso, { seconds = false } = {}) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const timeStyle = seconds ? 'medium' : 'short';
  return formatter(`instant-${timeStyle}`, () =>
    new Intl.DateTimeFormat(currentLocale, { dateStyle: 'medium', timeStyle }),
  ).format(date);
}

// A calendar date ("2020-02-03"): a day, not an instant, so no time-zone shift.
export function formatDay(isoDate) {
  if (!isoDate) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return formatInstant(isoDate);
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return formatter('day', () =>
    new Intl.DateTimeFormat(currentLocale, { dateStyle: 'medium', timeZone: 'UTC' }),
  ).format(date);
}

export function formatNumber(value) {
  if (value === undefined || value === null || value === '') return '';
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  return formatter('number', () => new Intl.NumberFormat(currentLocale)).format(number);
}

// The name of a record that carries name_zh and name_en, in the current language.
export function localName(record) {
  if (!record) return '';
  return currentLocale === 'en'
    ? record.name_en || record.name_zh || ''
    : record.name_zh || record.name_en || '';
}

function safeStorageGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
