// The online clinic's shared vocabulary: the codes the API speaks (symptoms, comorbidities, needs,
// ACVPU), their labels from the catalogue, ages, waiting times and badges. Form building blocks
// are in ../forms.js, districts in ../districts.js.

import { districtName } from '../districts.js';
import { h } from '../dom.js';
import { formatNumber, label, locale, t } from '../i18n.js';

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

