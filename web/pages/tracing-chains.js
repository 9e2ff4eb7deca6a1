// The transmission chains (GET /tracing/chains): the whole desk's graph laid out by time, the
// possible asymptomatic sources to test now, and every case's likely infectors in words.

import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { formatNumber, t } from '../i18n.js';
import { errorAlert, loading } from '../ui.js';
import { listOf, personLink, shortDay } from './tracing-common.js';
import { chainGraph } from './tracing-graph.js';
import { candidateList } from './tracing-person.js';

export async function render(panel) {
  panel.append(loading());
  let report;
  try {
    report = await api.get('/tracing/chains');
  } catch (error) {
    panel.replaceChildren(errorAlert(error));
    return;
  }
  const people = new Map((report.people ?? []).map((p) => [p.id, p]));
  const name = (id) => people.get(id)?.name;
  const graph = chainGraph(report, people);
  replace(panel, [
    h('p', { class: 'muted' }, t('web.tracing.chains.intro')),
    hiddenSources(report.hidden_sources ?? [], name),
    graph ?? h('p', { class: 'muted', 'data-testid': 'chain-none' }, t('web.tracing.chains.none')),
    h('h2', {}, t('web.tracing.chains.by_case')),
    report.chains.length
      ? h('ul', { class: 'chain-cases', 'data-testid': 'chain-cases' }, report.chains.map((chain) => h('li', {},
        h('strong', {}, personLink(chain.case_id, name(chain.case_id))),
        people.get(chain.case_id)?.onset_at ? h('span', { class: 'muted' }, ` · ${t('web.tracing.chains.onset', { day: shortDay(people.get(chain.case_id).onset_at) })}`) : null,
        candidateList(chain.candidates, people, `candidates-${chain.case_id}`))))
      : h('p', { class: 'muted' }, t('web.tracing.chains.none'))]);
}

function hiddenSources(sources, name) {
  if (!sources.length) return null;
  return h('section', { class: 'alert alert-error', role: 'alert', 'data-testid': 'hidden-sources' },
    h('h2', {}, t('web.tracing.chains.hidden_title')),
    h('ul', {}, sources.map((source) => h('li', { 'data-testid': `hidden-source-${source.person_id}` },
      personLink(source.person_id, name(source.person_id)), ': ',
      t('web.tracing.hidden_source_of', { n: formatNumber(source.case_ids.length) }), ' ',
      listOf(source.case_ids.map((id) => personLink(id, name(id))))))));
}
