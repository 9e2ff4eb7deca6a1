// The online clinic's shared vocabulary and building blocks: the codes the API speaks (districts,
// symptoms, comorbidities, needs, ACVPU), their labels from the catalogue, ages, waiting times,
// badges and field errors shown next to the field they name.

import { h } from '../dom.js';
import { request } from '../api.js';
import { formatNumber, label, localName, locale, t } from '../i18n.js';
import { errorAlert } from '../ui.js';

// Districts come from the server (GET /public/districts needs no account), so the forms follow
// whatever city the deployment holds. Loaded once per page life.
let districtsByCode = null;

export async function loadDistricts() {
  if (!districtsByCode) {
    const { districts } = await request('GET', '/public/districts', { auth: false });
    districtsByCode = new Map(districts.map((district) => [district.code, district]));
  }
  return [...districtsByCode.values()];
}

export const TIERS = ['triage_desk', 'outpatient', 'ward', 'icu', 'life_care'];
export const SEXES = ['female', 'male', 'other'];
export const TEST_RESULTS = ['positive', 'negative', 'pending'];
export const ACVPU = ['A', 'C', 'V', 'P', 'U'];
export const OUTCOMES = ['recovered', 'admitted', 'died', 'lost'];
export const NEEDS = ['advice', 'oxygen', 'bed', 'medicine', 'psychological_support', 'end_of_life_care',
  'bereavement_support'];
export const COMORBIDITIES = ['heart_disease', 'lung_disease', 'kidney_disease', 'diabetes', 'hypertension',
  'cancer', 'immunosuppression', 'pregnancy', 'unvaccinated'];
// Departments whose codes the server knows (department.* in the catalogue); the first six count
// towards the clinical requirement.
export const DEPARTMENTS = ['respiratory', 'infectious_diseases', 'critical_care', 'emergency',
  'general_practice', 'general_internal_medicine', 'cardiology', 'paediatrics', 'geriatrics',
  'psychiatry', 'radiology'];
export const VOLUNTEER_ROLES = ['doctor', 'nurse', 'angel', 'counsellor'];

// Symptoms as ticked on the form. The value sent is a fixed English phrase in the words the
// triage engine matches for red flags ("difficulty breathing", "blue lips", ...), whatever the
// language of the form; the label is the catalogue's.
export const SYMPTOMS = [
  { key: 'fever', value: 'fever' },
  { key: 'cough', value: 'cough' },
  { key: 'difficulty_breathing', value: 'difficulty breathing', red: true },
  { key: 'blue_lips', value: 'blue lips', red: true },
  { key: 'confusion', value: 'confusion', red: true },
  { key: 'chest_pain', value: 'chest pain', red: true },
  { key: 'fatigue', value: 'fatigue' },
  { key: 'sore_throat', value: 'sore throat' },
  { key: 'muscle_aches', value: 'muscle aches' },
  { key: 'taste_smell', value: 'loss of taste or smell' },
  { key: 'diarrhoea', value: 'diarrhoea' },
  { key: 'vomiting', value: 'vomiting' },
];

// Yes/no findings for children (the NHC child rules), sent only when ticked.
export const CHILD_SIGNS = ['laboured_breathing', 'drowsiness_or_convulsions', 'feeding_difficulty_dehydration'];

// The district's name in the current language once loadDistricts() has run; its code before.
export function districtName(code) {
  const district = districtsByCode?.get(code);
  return district ? localName(district) : code;
}

export function tierName(tier) {
  return label('triage.tier', tier);
}

export function severityName(severity) {
  return label('triage.severity', severity);
}

// A stored symptom in the reader's language when it is one of the form's, else as written.
export function symptomLabel(value) {
  const known = SYMPTOMS.find((symptom) => symptom.value === String(value).toLowerCase());
  return known ? t(`web.clinic.symptom.${known.key}`) : String(value);
}

export function ageText(record) {
  if (record.age_months !== null && record.age_months !== undefined) {
    if (Number(record.age_months) === 1) return t('web.clinic.age.one_month');
    return t('web.clinic.age.months', { n: formatNumber(record.age_months) });
  }
  return t('web.clinic.age.years', { n: formatNumber(Math.floor(Number(record.age_years) || 0)) });
}

// "67 岁 · 女 · 武昌区"
export function patientLine(record) {
  return [ageText(record), label('web.clinic.sex', record.sex), record.district_code ? districtName(record.district_code) : null]
    .filter(Boolean).join(' · ');
}

// A span of time in minutes and hours, for waiting times and how late a case is.
export function durationText(ms) {
  const minutes = Math.max(0, Math.floor(ms / 60000));
  if (minutes < 60) return t('web.clinic.duration.minutes', { m: formatNumber(minutes) });
  const hours = Math.floor(minutes / 60);
  if (hours < 48 && minutes % 60 === 0) return t('web.clinic.duration.whole_hours', { h: formatNumber(hours) });
  if (hours < 48) return t('web.clinic.duration.hours', { h: formatNumber(hours), m: formatNumber(minutes % 60) });
  return t('web.clinic.duration.days', { d: formatNumber(Math.floor(hours / 24)), h: formatNumber(hours % 24) });
}

// A compact local date and time ("11月23日 21:58", "Nov 23, 9:58 PM") for dense tables.
let shortFormat = null;
export function shortInstant(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso ?? '');
  if (shortFormat?.locale !== locale()) {
    shortFormat = { locale: locale(), format: new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }) };
  }
  return shortFormat.format.format(date);
}

export function tierBadge(tier) {
  return h('span', { class: `tier-badge tier-${tier}`, 'data-testid': 'tier-badge', 'data-tier': tier }, tierName(tier));
}

export function severityBadge(severity, prefixId) {
  return h('span', { class: `sev-badge sev-${severity}` },
    prefixId ? `${t(prefixId)} ${severityName(severity)}` : severityName(severity));
}

export function overdueBadge() {
  return h('span', { class: 'flag-overdue', 'data-testid': 'overdue' }, t('web.clinic.overdue'));
}

export function chips(codes, prefix) {
  if (!codes?.length) return null;
  return h('ul', { class: 'chips' }, codes.map((code) => h('li', {}, label(prefix, code))));
}

// A labelled group of checkboxes or radio buttons with large touch targets.
// options: [{value, labelText, hint?, checked?}]
// `wide`: long labels, one per line on a phone.
export function choiceGroup({ name, legendId, options, type = 'checkbox', hintId, testid, fields, wide = false }) {
  const oneColumn = wide || options.some((option) => option.hint);
  return h('fieldset', { class: 'field choice-group', 'data-field': fields ?? name, 'data-testid': testid },
    h('legend', {}, t(legendId)),
    hintId ? h('small', { class: 'hint' }, t(hintId)) : null,
    h('div', { class: oneColumn ? 'choices choices-wide' : 'choices' }, options.map((option) => h('label', { class: 'choice' },
      h('input', { type, name, value: option.value, checked: option.checked || null }),
      h('span', {}, option.labelText, option.hint ? h('small', { class: 'choice-hint' }, option.hint) : null)))));
}

// A labelled control whose API errors (error.field in `fields`, space-separated) are shown
// under it. `unit` is a catalogue id shown after the control (%, /min, °C).
export function clinicField({ fields, labelId, control, hintId, unitId, wide = false }) {
  const id = control.id || `c-${control.name}-${Math.random().toString(36).slice(2, 8)}`;
  control.id = id;
  const hintNode = hintId ? h('small', { class: 'hint', id: `${id}-hint` }, t(hintId)) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return h('div', { class: wide ? 'field field-wide' : 'field', 'data-field': fields ?? control.name },
    h('label', { for: id }, t(labelId)),
    unitId ? h('div', { class: 'input-unit' }, control, h('span', { class: 'unit' }, t(unitId))) : control,
    hintNode);
}

export function clearFieldErrors(form) {
  for (const node of form.querySelectorAll('.field-error')) node.remove();
  for (const wrapper of form.querySelectorAll('.field-invalid')) wrapper.classList.remove('field-invalid');
  for (const control of form.querySelectorAll('[aria-invalid="true"]')) control.removeAttribute('aria-invalid');
}

// Shows the API's error in `alerts` and, when it names a field of the form, next to that
// field too, and takes the user there.
export function showError(form, alerts, error) {
  if (form) clearFieldErrors(form);
  alerts?.replaceChildren(errorAlert(error));
  if (!form || !error?.field) return;
  const wrapper = [...form.querySelectorAll('[data-field]')]
    .find((node) => node.dataset.field.split(' ').includes(error.field));
  if (!wrapper) return;
  wrapper.classList.add('field-invalid');
  wrapper.append(h('p', { class: 'field-error', 'data-testid': `field-error-${error.field}` }, error.message));
  const control = wrapper.querySelector('input:not([type=hidden]), select, textarea');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.focus({ preventScroll: true });
  }
  wrapper.scrollIntoView({ block: 'center' });
}

// The number in an input, or undefined when empty or not a number.
export function numberOf(value) {
  const text = String(value ?? '').trim().replace(',', '.');
  if (!text) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : text; // a non-number goes to the server, which names it
}

// A datetime-local value ("2020-02-03T08:00") read as the browser's local time, as ISO-8601 UTC.
export function localInputToIso(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

// The browser-local "YYYY-MM-DDTHH:MM" for a datetime-local input.
export function isoToLocalInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function todayLocal() {
  return isoToLocalInput(new Date()).slice(0, 10);
}

// Runs `action` with `button` disabled; errors go to `onError`.
export async function busy(button, action, onError) {
  button.disabled = true;
  try {
    await action();
  } catch (error) {
    onError(error);
  } finally {
    if (button.isConnected) button.disabled = false;
  }
}
