// The help request form: the public one families fill in without an account (#/help), and the
// hotline one an angel or coordinator types while a caller speaks (#/clinic/hotline). Both send
// the same body; the public one gets back the private status link, shown big and copyable.

import { request } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, label, t } from '../i18n.js';
import { districtName, loadDistricts } from '../districts.js';
import { choiceGroup, clearFieldErrors, formField, numberOf, showError, todayLocal } from '../forms.js';
import { ACVPU, CHILD_SIGNS, COMORBIDITIES, NEEDS, SEXES, SYMPTOMS, TEST_RESULTS, tierBadge } from './clinic-common.js';

// mode: 'public' | 'hotline'. `user` is the logged-in hotline volunteer.
export function renderIntake(container, { mode = 'public', user = null } = {}) {
  const hotline = mode === 'hotline';
  const alerts = h('div', { class: 'alerts', 'aria-live': 'assertive' });
  const result = h('div', { 'aria-live': 'polite' });

  const ageInput = h('input', { name: 'age', type: 'number', inputmode: 'decimal', min: '0', max: '120', step: 'any', 'data-testid': 'help-age' });
  const ageUnit = h('select', { name: 'age_unit', 'data-testid': 'help-age-unit', 'aria-label': t('web.clinic.form.age_unit') },
    h('option', { value: 'years' }, t('web.clinic.form.age_unit_years')),
    h('option', { value: 'months' }, t('web.clinic.form.age_unit_months')));
  const ageField = h('div', { class: 'field', 'data-field': 'age_years age_months' },
    h('label', { for: 'help-age' }, t('web.clinic.form.age')),
    h('div', { class: 'input-unit' }, ageInput, ageUnit),
    h('small', { class: 'hint' }, t('web.clinic.form.age_hint')));
  ageInput.id = 'help-age';

  const pregnancyField = formField({
    labelId: 'web.clinic.form.pregnancy_weeks', hintId: 'web.clinic.form.pregnancy_weeks_hint', unitId: 'web.clinic.unit.weeks',
    control: h('input', { name: 'pregnancy_weeks', type: 'number', inputmode: 'numeric', min: '0', max: '45', 'data-testid': 'help-pregnancy' }),
  });
  pregnancyField.hidden = true;

  const childSigns = choiceGroup({
    name: 'child_signs', legendId: 'web.clinic.form.child_signs', hintId: 'web.clinic.form.child_signs_hint',
    fields: CHILD_SIGNS.join(' '),
    options: CHILD_SIGNS.map((code) => ({ value: code, labelText: t(`web.clinic.child_sign.${code}`) })),
  });

  const sexGroup = choiceGroup({
    name: 'sex', legendId: 'web.clinic.form.sex', type: 'radio', testid: 'help-sex',
    options: SEXES.map((code) => ({ value: code, labelText: label('web.clinic.sex', code) })),
  });

  const district = h('select', { name: 'district_code', 'data-testid': 'help-district' },
    h('option', { value: '' }, t('web.clinic.form.choose')));
  loadDistricts()
    .then((districts) => district.append(...districts.map(
      (each) => h('option', { value: each.code }, districtName(each.code)))))
    .catch((error) => showError(null, alerts, error));

  const symptomOptions = SYMPTOMS.map((symptom) => ({
    value: symptom.value,
    labelText: t(`web.clinic.symptom.${symptom.key}`),
  }));

  const form = h('form', { class: 'intake-form', novalidate: true, 'data-testid': 'help-form' },
    section('web.clinic.form.section_patient', 'web.clinic.form.section_patient_intro',
      h('div', { class: 'form-grid' }, ageField, sexGroup, pregnancyField)),
    section('web.clinic.form.section_where', null,
      h('div', { class: 'form-grid' },
        formField({ labelId: 'web.clinic.form.district', control: district }),
        formField({ labelId: 'web.clinic.form.street', hintId: 'web.clinic.form.street_hint', control: h('input', { name: 'street', autocomplete: 'street-address', 'data-testid': 'help-street' }) }),
        formField({ labelId: 'web.clinic.form.phone', hintId: hotline ? 'web.clinic.form.phone_hint_hotline' : 'web.clinic.form.phone_hint', control: h('input', { name: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel', 'data-testid': 'help-phone' }) }))),
    section('web.clinic.form.section_symptoms', null,
      choiceGroup({ name: 'symptoms', legendId: 'web.clinic.form.symptoms', hintId: 'web.clinic.form.symptoms_hint', options: symptomOptions, testid: 'help-symptoms' }),
      h('div', { class: 'form-grid' },
        formField({ fields: 'symptoms', labelId: 'web.clinic.form.other_symptoms', hintId: 'web.clinic.form.other_symptoms_hint', control: h('input', { name: 'other_symptoms', 'data-testid': 'help-other-symptoms' }) }),
        formField({ labelId: 'web.clinic.form.onset_date', control: h('input', { name: 'onset_date', type: 'date', max: todayLocal(), 'data-testid': 'help-onset' }) }),
        formField({ labelId: 'web.clinic.form.fever_days', unitId: 'web.clinic.unit.days', control: h('input', { name: 'fever_days', type: 'number', inputmode: 'numeric', min: '0', max: '60', 'data-testid': 'help-fever-days' }) })),
      childSigns),
    section('web.clinic.form.section_vitals', 'web.clinic.form.section_vitals_intro',
      vitalSignFields()),
    section('web.clinic.form.section_tests', null,
      h('div', { class: 'form-grid' },
        formField({ labelId: 'web.clinic.form.antigen', control: testSelect('antigen') }),
        formField({ labelId: 'web.clinic.form.pcr', control: testSelect('pcr') }),
        formField({
          fields: 'pneumonia_on_imaging', labelId: 'web.clinic.form.imaging', hintId: 'web.clinic.form.imaging_hint',
          control: h('select', { name: 'imaging', 'data-testid': 'help-imaging' },
            ['', 'none', 'pneumonia'].map((code) => h('option', { value: code }, t(`web.clinic.form.imaging_${code || 'unknown'}`)))),
        }),
        formField({ labelId: 'web.clinic.form.imaging_findings', hintId: 'web.clinic.form.imaging_findings_hint', control: h('textarea', { name: 'imaging_findings', rows: '2', maxlength: '1000', 'data-testid': 'help-imaging-findings' }) }),
        formField({ labelId: 'web.clinic.form.lesion_progression', hintId: 'web.clinic.form.lesion_progression_hint', unitId: 'web.clinic.unit.percent', control: h('input', { name: 'lesion_progression_48h_pct', type: 'number', inputmode: 'decimal', min: '0', max: '1000' }) }))),
    section('web.clinic.form.section_history', null,
      choiceGroup({
        name: 'comorbidities', legendId: 'web.clinic.form.comorbidities', hintId: 'web.clinic.form.comorbidities_hint', testid: 'help-comorbidities',
        options: COMORBIDITIES.map((code) => ({ value: code, labelText: t(`web.clinic.comorbidity.${code}`) })),
      })),
    section('web.clinic.form.section_needs', null,
      choiceGroup({
        name: 'needs', legendId: 'web.clinic.form.needs', testid: 'help-needs',
        options: NEEDS.map((code) => ({ value: code, labelText: label('clinic.need', code) })),
      })),
    h('section', { class: 'panel form-section consent-section' },
      h('div', { class: 'field', 'data-field': 'consent' },
        h('label', { class: 'choice choice-consent' },
          h('input', { type: 'checkbox', name: 'consent', value: 'yes', 'data-testid': 'help-consent' }),
          h('span', {}, t(hotline ? 'web.clinic.form.consent_hotline' : 'web.clinic.form.consent')))),
      h('p', { class: 'muted small' }, t('web.clinic.form.privacy')),
      alerts,
      h('button', { type: 'submit', class: 'button-primary button-wide button-big', 'data-testid': 'help-submit' },
        t(hotline ? 'web.clinic.form.submit_hotline' : 'web.clinic.form.submit'))));

  // Pregnancy only for women; the children's signs only for children.
  const refresh = () => {
    const sex = form.querySelector('input[name=sex]:checked')?.value;
    pregnancyField.hidden = sex !== 'female';
    const age = Number(ageInput.value);
    childSigns.hidden = !(ageUnit.value === 'months' || (ageInput.value !== '' && age < 16));
  };
  form.addEventListener('change', refresh);
  form.addEventListener('input', refresh);
  refresh();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    button.textContent = t('web.clinic.form.submitting');
    alerts.replaceChildren();
    clearFieldErrors(form);
    try {
      const answer = await request('POST', hotline ? '/clinic/hotline/requests' : '/clinic/requests', {
        body: requestBody(form, ageUnit.value), auth: hotline,
      });
      form.hidden = true;
      result.replaceChildren(hotline ? hotlineResult(answer, user, () => reset()) : publicResult(answer, () => reset()));
      result.querySelector('h2')?.focus();
      window.scrollTo({ top: 0 });
    } catch (error) {
      showError(form, alerts, error);
    } finally {
      button.disabled = false;
      button.textContent = t(hotline ? 'web.clinic.form.submit_hotline' : 'web.clinic.form.submit');
    }
  });

  const reset = () => {
    form.reset();
    refresh();
    form.hidden = false;
    result.replaceChildren();
    window.scrollTo({ top: 0 });
  };

  container.append(result, form);
}

function section(headingId, introId, ...children) {
  return h('section', { class: 'panel form-section' },
    h('h2', {}, t(headingId)),
    introId ? h('p', { class: 'muted' }, t(introId)) : null,
    ...children);
}

function testSelect(name) {
  return h('select', { name, 'data-testid': `help-${name}` },
    h('option', { value: '' }, t('web.clinic.form.test_not_done')),
    TEST_RESULTS.map((code) => h('option', { value: code }, t(`web.clinic.test.${code}`))));
}

// The vital signs with their units and plain-words hints; shared with the case page's
// "new measurements" form.
export function vitalSignFields() {
  // ACVPU in plain words, every choice visible: a family should not have to know the letters.
  const acvpu = choiceGroup({
    name: 'consciousness', legendId: 'web.clinic.vital.consciousness', hintId: 'web.clinic.vital.consciousness_hint',
    type: 'radio', testid: 'vital-consciousness', wide: true,
    options: [...ACVPU.map((letter) => ({ value: letter, labelText: t(`web.clinic.acvpu.${letter}`) })),
      { value: '', labelText: t('web.clinic.form.not_sure'), checked: true }],
  });
  const onOxygen = h('fieldset', { class: 'field choice-group field-span2', 'data-field': 'on_oxygen' },
    h('legend', {}, t('web.clinic.form.on_oxygen')),
    h('div', { class: 'choices choices-row choices-wide' },
      [['false', 'web.clinic.form.on_air'], ['true', 'web.clinic.form.on_o2'], ['', 'web.clinic.form.not_sure']]
        .map(([value, id]) => h('label', { class: 'choice' },
          h('input', { type: 'radio', name: 'on_oxygen', value, checked: value === '' || null, 'data-testid': `vital-on-oxygen-${value || 'unknown'}` }),
          h('span', {}, t(id))))));
  return h('div', { class: 'vitals' },
    h('div', { class: 'form-grid' },
      formField({ labelId: 'web.clinic.vital.spo2', hintId: 'web.clinic.vital.spo2_hint', unitId: 'web.clinic.unit.percent', control: h('input', { name: 'spo2', type: 'number', inputmode: 'decimal', min: '50', max: '100', 'data-testid': 'vital-spo2' }) }),
      onOxygen,
      formField({ labelId: 'web.clinic.vital.resp_rate', hintId: 'web.clinic.vital.resp_rate_hint', unitId: 'web.clinic.unit.per_minute', control: h('input', { name: 'resp_rate', type: 'number', inputmode: 'numeric', min: '0', max: '100', 'data-testid': 'vital-resp-rate' }) }),
      formField({ labelId: 'web.clinic.vital.heart_rate', hintId: 'web.clinic.vital.heart_rate_hint', unitId: 'web.clinic.unit.per_minute', control: h('input', { name: 'heart_rate', type: 'number', inputmode: 'numeric', min: '0', max: '300', 'data-testid': 'vital-heart-rate' }) }),
      formField({ labelId: 'web.clinic.vital.temperature_c', hintId: 'web.clinic.vital.temperature_c_hint', unitId: 'web.clinic.unit.celsius', control: h('input', { name: 'temperature_c', type: 'number', inputmode: 'decimal', min: '25', max: '45', step: '0.1', 'data-testid': 'vital-temperature' }) }),
      formField({ labelId: 'web.clinic.vital.systolic_bp', hintId: 'web.clinic.vital.systolic_bp_hint', unitId: 'web.clinic.unit.mmhg', control: h('input', { name: 'systolic_bp', type: 'number', inputmode: 'numeric', min: '0', max: '300', 'data-testid': 'vital-systolic-bp' }) })),
    acvpu);
}

// The observation fields of a form (vital signs, symptoms, findings) as the API names them;
// empty fields are left out ("not measured"), never sent as zero.
export function observationBody(form) {
  const data = new FormData(form);
  const body = {};
  for (const name of ['spo2', 'resp_rate', 'heart_rate', 'temperature_c', 'systolic_bp', 'fever_days', 'lesion_progression_48h_pct']) {
    const value = numberOf(data.get(name));
    if (value !== undefined) body[name] = value;
  }
  const onOxygen = data.get('on_oxygen');
  if (onOxygen === 'true' || onOxygen === 'false') body.on_oxygen = onOxygen === 'true';
  const consciousness = data.get('consciousness');
  if (consciousness) body.consciousness = consciousness;
  const imaging = data.get('imaging');
  if (imaging) body.pneumonia_on_imaging = imaging === 'pneumonia';
  const symptoms = data.getAll('symptoms').map(String);
  for (const word of String(data.get('other_symptoms') ?? '').split(/[,，、;；\n]/)) {
    if (word.trim()) symptoms.push(word.trim());
  }
  if (symptoms.length) body.symptoms = symptoms;
  for (const sign of data.getAll('child_signs')) body[sign] = true;
  return body;
}

function requestBody(form, ageUnit) {
  const data = new FormData(form);
  const body = observationBody(form);
  const age = numberOf(data.get('age'));
  if (age !== undefined) {
    if (ageUnit === 'months') body.age_months = age;
    else body.age_years = age;
  }
  body.sex = String(data.get('sex') ?? '');
  const weeks = numberOf(data.get('pregnancy_weeks'));
  if (weeks !== undefined && body.sex === 'female') body.pregnancy_weeks = weeks;
  body.district_code = String(data.get('district_code') ?? '');
  body.street = String(data.get('street') ?? '').trim();
  body.phone = String(data.get('phone') ?? '').trim();
  const onset = String(data.get('onset_date') ?? '');
  if (onset) body.onset_date = onset;
  body.comorbidities = data.getAll('comorbidities').map(String);
  for (const name of ['antigen', 'pcr']) {
    const value = String(data.get(name) ?? '');
    if (value) body[name] = value;
  }
  const findings = String(data.get('imaging_findings') ?? '').trim();
  if (findings) body.imaging_findings = findings;
  body.needs = data.getAll('needs').map(String);
  body.consent = data.get('consent') === 'yes';
  return body;
}

function statusLink(token) {
  const base = `${window.location.origin}${window.location.pathname}`;
  return `${base}#/status/${encodeURIComponent(token)}`;
}

// The private link, big, with a copy button.
function linkBox(link) {
  const input = h('input', { type: 'text', readonly: true, value: link, class: 'link-input', 'data-testid': 'status-link', 'aria-label': t('web.clinic.done.link_label') });
  const copied = h('span', { class: 'copied', role: 'status' });
  const copy = async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // No clipboard permission (plain http): the text is selected for a manual copy.
      document.execCommand?.('copy');
    }
    copied.textContent = t('web.clinic.done.copied');
  };
  input.addEventListener('focus', () => input.select());
  return h('div', { class: 'link-box' },
    h('label', { class: 'link-label' }, t('web.clinic.done.link_label')),
    input,
    h('div', { class: 'link-actions' },
      h('button', { type: 'button', class: 'button-primary', 'data-testid': 'copy-link', onclick: copy }, t('web.clinic.done.copy')),
      h('a', { class: 'button', href: link, 'data-testid': 'open-status' }, t('web.clinic.done.open')),
      copied));
}

function publicResult(answer, again) {
  if (answer.duplicate) {
    return h('section', { class: 'panel done-panel', 'data-testid': 'help-duplicate' },
      h('h2', { tabindex: '-1' }, t('web.clinic.done.duplicate_title')),
      h('p', {}, t('web.clinic.done.duplicate_body')),
      h('button', { type: 'button', onclick: again }, t('web.clinic.done.another')));
  }
  const link = statusLink(answer.status_token);
  return h('section', { class: 'panel done-panel', 'data-testid': 'help-done', 'data-case-id': answer.case_id },
    h('h2', { tabindex: '-1' }, t('web.clinic.done.title')),
    h('p', { class: 'done-lead' }, t('web.clinic.done.keep_link')),
    linkBox(link),
    answer.status ? h('div', { class: 'status-now' },
      h('p', {}, t('web.clinic.done.placed_in'), ' ', tierBadge(answer.status.tier)),
      answer.status.advice ? h('p', { class: 'advice', 'data-testid': 'help-advice' }, answer.status.advice) : null) : null,
    h('h3', {}, t('web.clinic.done.next_title')),
    h('ol', { class: 'next-steps' },
      ['step1', 'step2', 'step3', 'step4'].map((step) => h('li', {}, t(`web.clinic.done.${step}`)))),
    h('p', { class: 'emergency' }, t('web.clinic.emergency')));
}

function hotlineResult(answer, user, again) {
  const canOpenCase = user && user.role !== 'angel';
  return h('section', { class: 'panel done-panel', 'data-testid': 'hotline-done', 'data-case-id': answer.case_id },
    h('h2', { tabindex: '-1' }, t(answer.duplicate ? 'web.clinic.done.hotline_duplicate' : 'web.clinic.done.hotline_title', { id: answer.case_id })),
    answer.status ? h('p', {}, t('web.clinic.done.placed_in'), ' ', tierBadge(answer.status.tier)) : null,
    answer.status?.advice ? h('p', { class: 'advice' }, answer.status.advice) : null,
    answer.status_token ? h('div', {}, h('p', {}, t('web.clinic.done.hotline_link')), linkBox(statusLink(answer.status_token))) : null,
    answer.status?.updated_at ? h('p', { class: 'muted small' }, t('web.clinic.status.updated', { time: formatInstant(answer.status.updated_at) })) : null,
    h('div', { class: 'form-actions' },
      canOpenCase ? h('a', { class: 'button button-primary', href: `#/clinic/case/${answer.case_id}` }, t('web.clinic.done.open_case')) : null,
      h('button', { type: 'button', onclick: again }, t('web.clinic.done.another'))),
    h('p', { class: 'emergency' }, t('web.clinic.done.hotline_note')));
}
