// The health code's public pages, no account needed. #/code/<token>: a person's own code through
// the private link a tracer gave them — colour, reason, until when, and its history. #/gate: a
// venue checks a code (the link scanned or typed) and learns only its colour.

import { request } from '../api.js';
import { h, replace } from '../dom.js';
import { busy, formField } from '../forms.js';
import { formatInstant, label, t } from '../i18n.js';
import { errorAlert, loading, pageHeading } from '../ui.js';

function bigCode(colour, testid) {
  return h('div', { class: `code-card code-${colour}`, 'data-testid': testid, 'data-colour': colour },
    h('span', { class: 'code-card-colour' }, label('web.tracing.colour', colour)));
}

export const codePage = {
  async render(view, { parts }) {
    const token = parts[0] ?? '';
    const body = h('div', { 'aria-live': 'polite' }, loading());
    view.append(pageHeading('web.code.title'), body);
    let code;
    try {
      code = await request('GET', `/codes/${encodeURIComponent(token)}`, { auth: false });
    } catch (error) {
      body.replaceChildren(errorAlert(error.status === 404 ? { message: t('web.code.unknown') } : error));
      return;
    }
    replace(body, [
      h('p', { class: 'lead', 'data-testid': 'code-name' }, code.name_masked),
      bigCode(code.colour, 'own-code'),
      h('p', { class: 'lead', 'data-testid': 'own-code-reason' }, label('web.tracing.reason', code.reason)),
      code.until ? h('p', {}, t('web.tracing.code.until', { time: formatInstant(code.until) })) : null,
      h('p', { class: 'muted' }, t(`web.code.what_to_do_${code.colour}`)),
      h('h2', {}, t('web.tracing.code.history')),
      h('ol', { class: 'reason-list', 'data-testid': 'own-code-history' }, code.history.map((change) => h('li', {},
        formatInstant(change.at), ' · ', label('web.tracing.colour', change.colour), ' · ', label('web.tracing.reason', change.reason)))),
      h('p', { class: 'small muted' }, t('web.code.private'))]);
  },
};

// The token from what a scanner or a person enters: the whole link or the token alone.
export function tokenFrom(text) {
  const trimmed = text.trim();
  const match = /#\/code\/([^/?#\s]+)/.exec(trimmed);
  if (!match) return trimmed;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1]; // a broken %-escape: the server answers that no such code is known
  }
}

export const gatePage = {
  render(view) {
    const result = h('div', { 'aria-live': 'polite' });
    const input = h('input', { name: 'code', autocomplete: 'off', 'data-testid': 'gate-input' });
    const form = h('form', { class: 'filters', novalidate: true, 'data-testid': 'gate-form' },
      formField({ labelId: 'web.gate.code', control: input, hintId: 'web.gate.code_hint' }),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary button-big', 'data-testid': 'gate-submit' }, t('web.gate.check'))));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const token = tokenFrom(input.value);
      if (!token) return;
      busy(form.querySelector('button'), async () => {
        const { colour } = await request('GET', `/codes/${encodeURIComponent(token)}/gate`, { auth: false });
        result.replaceChildren(bigCode(colour, 'gate-colour'),
          h('p', { class: 'lead' }, t(`web.gate.advice_${colour}`)));
        input.value = '';
        input.focus();
      }, (error) => result.replaceChildren(errorAlert(error.status === 404 ? { message: t('web.code.unknown') } : error)));
    });
    view.append(pageHeading('web.gate.title'), h('p', { class: 'muted' }, t('web.gate.intro')), form, result);
    input.focus();
  },
};
