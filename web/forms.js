// Form building blocks shared by every module's pages: labelled controls whose API errors show
// under them, choice groups with large touch targets, the values a form sends (numbers, local
// date-times as ISO-8601) and a button kept disabled while its action runs.

import { h } from './dom.js';
import { t } from './i18n.js';
import { errorAlert } from './ui.js';

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
export function formField({ fields, labelId, control, hintId, unitId, wide = false }) {
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
