// The ventilator pipeline (#/aid/ventilators): orders as columns by state (pledged → ordered →
// shipped → delivered → in use) with a button to move each one step on, needs and totals per
// hospital, pledges and totals per foundation, suppliers' stock, and a proposal computed by the
// server (each line with its reason) whose lines a coordinator accepts one by one. Reading is
// for coordinators, admins, planners and doctors; the forms and buttons only for coordinators
// and admins (the API checks again).

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatInstant, formatNumber, label, localName, t } from '../i18n.js';
import { dataTable, errorAlert, field, loading, markFieldError, notice } from '../ui.js';

const STATES = ['pledged', 'ordered', 'shipped', 'delivered', 'in_use'];
const TYPES = ['invasive', 'non_invasive', 'high_flow'];
const URGENCIES = ['critical', 'urgent', 'routine'];
const METHODS = ['phone_call', 'official_notice', 'visit'];
const WRITERS = ['coordinator', 'admin'];

const typeName = (code) => label('web.ventilators.type', code);
const stateName = (code) => label('web.ventilators.state', code);
const yuan = (amount) => t('web.ventilators.yuan', { amount: formatNumber(amount) });
const count = (value) => formatNumber(value ?? 0);

export async function render(panel, context) {
  const canWrite = WRITERS.includes(context.user?.role);
  const flash = h('div', { class: 'flash', 'aria-live': 'polite' });
  const pipeline = h('div', {}, loading());
  const proposal = h('div');
  const hospitals = h('div', {}, loading());
  const needs = h('div');
  const foundations = h('div', {}, loading());
  const pledges = h('div');
  const stock = h('div', {}, loading());
  const hospitalList = [];

  const say = (text) => flash.replaceChildren(notice(text));
  const fail = (error) => flash.replaceChildren(errorAlert(error));

  const proposeButton = canWrite
    ? h('button', { type: 'button', class: 'button-primary', 'data-testid': 'vent-propose', onclick: () => propose() },
      t('web.ventilators.propose'))
    : null;

  panel.append(
    h('p', { class: 'muted' }, t('web.ventilators.intro')),
    flash,
    h('section', { class: 'panel', 'data-testid': 'vent-pipeline' },
      h('div', { class: 'board-toolbar' },
        h('h2', {}, t('web.ventilators.pipeline')),
        proposeButton),
      proposal,
      pipeline),
    h('section', { class: 'panel', 'data-testid': 'vent-hospitals' },
      h('h2', {}, t('web.ventilators.hospitals')), hospitals, needs),
    h('section', { class: 'panel', 'data-testid': 'vent-foundations' },
      h('h2', {}, t('web.ventilators.foundations')), foundations, pledges),
    h('section', { class: 'panel', 'data-testid': 'vent-stock' },
      h('h2', {}, t('web.ventilators.stock')), stock));

  async function refresh() {
    try {
      const [orders, totals, needList, pledgeList, stockList] = await Promise.all([
        api.get('/ventilators/orders'),
        api.get('/ventilators/totals'),
        api.get('/ventilators/needs'),
        api.get('/ventilators/pledges'),
        api.get('/ventilators/stock'),
      ]);
      hospitalList.splice(0, hospitalList.length, ...totals.hospitals);
      pipeline.replaceChildren(pipelineBoard(orders.orders));
      hospitals.replaceChildren(hospitalTotals(totals.hospitals));
      needs.replaceChildren(needTable(needList.needs), canWrite ? needForm() : '');
      foundations.replaceChildren(foundationTotals(totals.foundations));
      pledges.replaceChildren(pledgeTable(pledgeList.pledges), canWrite ? pledgeForm() : '');
      stock.replaceChildren(stockTable(stockList.stock), canWrite ? stockForm() : '');
    } catch (error) {
      pipeline.replaceChildren(errorAlert(error));
    }
  }

  // --- The pipeline ---
  function pipelineBoard(orders) {
    return h('div', { class: 'board', 'data-testid': 'vent-board' }, STATES.map((state) => {
      const here = orders.filter((order) => order.state === state);
      const units = here.reduce((sum, order) => sum + order.units, 0);
      return h('section', { class: 'board-column', 'data-testid': `vent-column-${state}` },
        h('header', { class: 'column-head' },
          h('h3', {}, stateName(state)),
          h('span', { class: 'column-count', 'data-testid': `vent-count-${state}` }, count(here.length)),
          h('p', { class: 'column-meta' }, t('web.ventilators.units', { n: count(units) }))),
        here.length
          ? h('ol', { class: 'case-list' }, here.map((order) => h('li', {}, orderCard(order))))
          : h('p', { class: 'muted empty' }, t('web.ventilators.column_empty')));
    }));
  }

  function orderCard(order) {
    const next = STATES[STATES.indexOf(order.state) + 1];
    const last = order.history[order.history.length - 1];
    return h('article', { class: 'card', 'data-testid': `vent-order-${order.id}` },
      h('div', { class: 'card-top' },
        h('strong', {}, t('web.ventilators.order_short', { id: order.id })),
        h('span', {}, t('web.ventilators.units_of', { n: count(order.units), type: typeName(order.type) }))),
      h('p', { class: 'card-patient' }, localName({ name_zh: order.hospital_name_zh, name_en: order.hospital_name_en })),
      h('p', { class: 'small' }, order.stock_id
        ? t('web.ventilators.order_bought', { foundation: order.foundation, supplier: order.supplier, model: order.model, cost: yuan(order.cost_yuan) })
        : t('web.ventilators.order_pledged', { foundation: order.foundation })),
      h('div', { class: 'card-foot' },
        h('span', {}, t('web.ventilators.expected', { at: formatInstant(order.expected_delivery_at) })),
        last ? h('span', {}, t('web.ventilators.since', { at: formatInstant(last.at), by: last.by })) : null),
      canWrite && next
        ? h('button', {
          type: 'button', class: 'button-small', 'data-testid': `vent-advance-${order.id}`,
          onclick: (event) => advance(order, next, event.currentTarget),
        }, t('web.ventilators.advance_to', { state: stateName(next) }))
        : null);
  }

  async function advance(order, next, button) {
    button.disabled = true;
    try {
      await api.post(`/ventilators/orders/${order.id}/advance`, { state: next });
      say(t('web.ventilators.advanced', { id: order.id, state: stateName(next) }));
      await refresh();
    } catch (error) {
      button.disabled = false;
      fail(error);
    }
  }

  // --- Proposals ---
  async function propose() {
    proposeButton.disabled = true;
    try {
      showProposal(await api.post('/ventilators/proposals', {}));
    } catch (error) {
      fail(error);
    } finally {
      proposeButton.disabled = false;
    }
  }

  function hospitalName(id) {
    const found = hospitalList.find((hospital) => hospital.hospital_id === id);
    return found ? localName(found) : `#${id}`;
  }

  function showProposal(plan) {
    const columns = [
      { label: 'web.ventilators.col.hospital', cell: (line) => hospitalName(line.hospital_id) },
      { label: 'web.ventilators.col.need', cell: (line) => t('web.ventilators.need_line', { type: typeName(line.type), urgency: label('web.ventilators.urgency', line.urgency) }) },
      { label: 'web.ventilators.col.units', numeric: true, cell: (line) => count(line.units) },
      { label: 'web.ventilators.col.cost', numeric: true, cell: (line) => (line.cost_yuan ? yuan(line.cost_yuan) : '') },
      { label: 'web.ventilators.col.expected', nowrap: true, cell: (line) => formatInstant(line.expected_delivery_at) },
      { label: 'web.ventilators.col.reason', wide: true, cell: (line) => reasonText(line) },
      { label: 'web.ventilators.col.action', cell: (line) => acceptButton(line) },
    ];
    proposal.replaceChildren(h('div', { class: 'panel', 'data-testid': 'vent-proposal' },
      h('h3', {}, t('web.ventilators.proposal_title', { id: plan.id, at: formatInstant(plan.computed_at) })),
      h('p', { class: 'muted small' }, t('web.ventilators.proposal_rule')),
      dataTable({ columns, rows: plan.lines, testid: 'vent-proposal-lines', emptyId: 'web.ventilators.proposal_empty' }),
      plan.uncovered.length
        ? h('div', {},
          h('h3', {}, t('web.ventilators.uncovered_title')),
          h('ul', { 'data-testid': 'vent-uncovered' }, plan.uncovered.map((need) => h('li', {},
            t('web.ventilators.uncovered_line', {
              hospital: hospitalName(need.hospital_id), n: count(need.units), type: typeName(need.type),
              urgency: label('web.ventilators.urgency', need.urgency),
              reason: label('web.ventilators.uncovered', need.reason),
            })))))
        : null));
  }

  function reasonText(line) {
    const args = { ...line.reason_args };
    if (args.type) args.type = typeName(args.type);
    if (args.urgency) args.urgency = label('web.ventilators.urgency', args.urgency);
    if (args.price) args.price = yuan(args.price);
    return h('span', { class: line.in_time ? '' : 'card-unassigned' }, t(`web.ventilators.reason.${line.reason}`, args));
  }

  function acceptButton(line) {
    if (line.order_id) return t('web.ventilators.accepted', { id: line.order_id });
    if (!canWrite) return '';
    return h('button', {
      type: 'button', class: 'button-small', 'data-testid': `vent-accept-${line.id}`,
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        try {
          const order = await api.post(`/ventilators/proposal-lines/${line.id}/accept`, {});
          line.order_id = order.id;
          button.replaceWith(t('web.ventilators.accepted', { id: order.id }));
          say(t('web.ventilators.accepted_notice', { id: order.id, state: stateName(order.state) }));
          await refresh();
        } catch (error) {
          button.disabled = false;
          fail(error);
        }
      },
    }, t('web.ventilators.accept'));
  }

  // --- Tables ---
  function hospitalTotals(rows) {
    const numeric = (key) => ({ label: `web.ventilators.col.${key}`, numeric: true, cell: (row) => count(row[key]) });
    return dataTable({
      testid: 'vent-hospital-totals',
      compact: true,
      columns: [
        { label: 'web.ventilators.col.hospital', cell: (row) => localName(row) },
        numeric('needed'), numeric('pledged'), numeric('ordered'), numeric('shipped'),
        numeric('delivered'), numeric('in_use'), numeric('uncovered'),
      ],
      rows,
    });
  }

  function needTable(rows) {
    return h('details', { class: 'earlier', 'data-testid': 'vent-needs' },
      h('summary', {}, t('web.ventilators.needs_title', { n: count(rows.length) })),
      dataTable({
        testid: 'vent-need-table',
        columns: [
          { label: 'web.ventilators.col.hospital', cell: (row) => localName({ name_zh: row.hospital_name_zh, name_en: row.hospital_name_en }) },
          { label: 'web.ventilators.col.type', cell: (row) => typeName(row.type) },
          { label: 'web.ventilators.col.urgency', cell: (row) => label('web.ventilators.urgency', row.urgency) },
          { label: 'web.ventilators.col.quantity', numeric: true, cell: (row) => count(row.quantity) },
          { label: 'web.ventilators.col.covered', numeric: true, cell: (row) => count(row.covered) },
          { label: 'web.ventilators.col.verified', wide: true, cell: (row) => t('web.ventilators.verified_line', {
            method: label('web.ventilators.method', row.verification_method),
            at: formatInstant(row.verified_at),
            by: row.verified_by_name || t('web.ventilators.verified_by_system'),
          }) },
          { label: 'web.ventilators.col.status', cell: (row) => withdrawControl(row) },
        ],
        rows,
      }));
  }

  function withdrawControl(need) {
    const status = label('web.ventilators.need_status', need.status);
    if (!canWrite || need.status !== 'open' || need.covered > 0) return status;
    const note = h('input', { name: 'note', 'aria-label': t('web.ventilators.withdraw_note'), placeholder: t('web.ventilators.withdraw_note'), 'data-testid': `vent-withdraw-note-${need.id}` });
    const form = h('form', { class: 'inline-form' }, note,
      h('button', { type: 'submit', class: 'button-small button-quiet', 'data-testid': `vent-withdraw-${need.id}` }, t('web.ventilators.withdraw')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api.post(`/ventilators/needs/${need.id}/withdraw`, { note: note.value });
        say(t('web.ventilators.withdrawn', { id: need.id }));
        await refresh();
      } catch (error) {
        markFieldError(form, error);
        fail(error);
      }
    });
    return h('div', {}, status, form);
  }

  function foundationTotals(rows) {
    return dataTable({
      testid: 'vent-foundation-totals',
      columns: [
        { label: 'web.ventilators.col.foundation', cell: (row) => row.foundation },
        { label: 'web.ventilators.col.units_pledged', numeric: true, cell: (row) => `${count(row.units_allocated)} / ${count(row.units_pledged)}` },
        { label: 'web.ventilators.col.budget', numeric: true, cell: (row) => `${yuan(row.budget_spent_yuan)} / ${yuan(row.budget_pledged_yuan)}` },
        { label: 'web.ventilators.col.units_bought', numeric: true, cell: (row) => count(row.units_bought) },
        { label: 'web.ventilators.col.units_delivered', numeric: true, cell: (row) => count(row.units_delivered) },
      ],
      rows,
    });
  }

  function pledgeTable(rows) {
    return h('details', { class: 'earlier', 'data-testid': 'vent-pledges' },
      h('summary', {}, t('web.ventilators.pledges_title', { n: count(rows.length) })),
      dataTable({
        testid: 'vent-pledge-table',
        columns: [
          { label: 'web.ventilators.col.foundation', cell: (row) => row.foundation },
          { label: 'web.ventilators.col.pledge', cell: (row) => (row.kind === 'units'
            ? t('web.ventilators.pledge_units', { n: count(row.units), type: typeName(row.type), left: count(row.units - row.units_allocated) })
            : t('web.ventilators.pledge_budget', { amount: yuan(row.budget_yuan), left: yuan(row.budget_yuan - row.budget_spent_yuan) })) },
          { label: 'web.ventilators.col.pledged_at', nowrap: true, cell: (row) => formatInstant(row.pledged_at) },
        ],
        rows,
      }));
  }

  function stockTable(rows) {
    return dataTable({
      testid: 'vent-stock-table',
      columns: [
        { label: 'web.ventilators.col.supplier', cell: (row) => row.supplier },
        { label: 'web.ventilators.col.model', cell: (row) => row.model },
        { label: 'web.ventilators.col.type', cell: (row) => typeName(row.type) },
        { label: 'web.ventilators.col.unit_price', numeric: true, cell: (row) => yuan(row.unit_price_yuan) },
        { label: 'web.ventilators.col.lead_time', numeric: true, cell: (row) => t('web.ventilators.days', { n: count(row.lead_time_days) }) },
        { label: 'web.ventilators.col.available', numeric: true, cell: (row) => `${count(row.available)} / ${count(row.quantity)}` },
      ],
      rows,
    });
  }

  // --- Forms ---
  function select(name, codes, prefix, testid) {
    return h('select', { name, 'data-testid': testid }, codes.map((code) => h('option', { value: code }, label(prefix, code))));
  }

  function numberInput(name, testid, min = '0') {
    return h('input', { name, type: 'number', min, step: '1', inputmode: 'numeric', 'data-testid': testid });
  }

  // A form that posts its fields (number inputs and selects marked data-number as numbers, empty
  // ones left out) and reloads.
  function postForm({ testid, titleId, path, fields, doneId }) {
    const form = h('form', { class: 'form-grid', 'data-testid': testid, novalidate: true }, fields,
      h('div', { class: 'field' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': `${testid}-submit` }, t('web.ventilators.save'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      for (const control of form.elements) {
        if (!control.name || control.value === '') continue;
        body[control.name] = control.type === 'number' || control.dataset.number ? Number(control.value) : control.value;
      }
      try {
        await api.post(path, body);
        say(t(doneId));
        await refresh();
      } catch (error) {
        markFieldError(form, error);
        fail(error);
      }
    });
    return h('details', { class: 'earlier' }, h('summary', {}, t(titleId)), form);
  }

  function needForm() {
    // The hospital id travels as a number.
    const hospital = h('select', { name: 'hospital_id', 'data-number': 'true', 'data-testid': 'vent-need-hospital' },
      hospitalList.map((row) => h('option', { value: String(row.hospital_id) }, localName(row))));
    const form = postForm({
      testid: 'vent-need-form', titleId: 'web.ventilators.add_need', path: '/ventilators/needs', doneId: 'web.ventilators.need_added',
      fields: [
        field('web.ventilators.col.hospital', hospital),
        field('web.ventilators.col.type', select('type', TYPES, 'web.ventilators.type', 'vent-need-type')),
        field('web.ventilators.col.quantity', numberInput('quantity', 'vent-need-quantity', '1')),
        field('web.ventilators.col.urgency', select('urgency', URGENCIES, 'web.ventilators.urgency', 'vent-need-urgency')),
        field('web.ventilators.col.method', select('verification_method', METHODS, 'web.ventilators.method', 'vent-need-method'), 'web.ventilators.method_hint'),
        field('web.ventilators.col.note', h('input', { name: 'note', 'data-testid': 'vent-need-note' })),
      ],
    });
    return form;
  }

  function pledgeForm() {
    return postForm({
      testid: 'vent-pledge-form', titleId: 'web.ventilators.add_pledge', path: '/ventilators/pledges', doneId: 'web.ventilators.pledge_added',
      fields: [
        field('web.ventilators.col.foundation', h('input', { name: 'foundation', 'data-testid': 'vent-pledge-foundation' })),
        field('web.ventilators.col.type', h('select', { name: 'type', 'data-testid': 'vent-pledge-type' },
          h('option', { value: '' }, t('web.ventilators.budget_only')),
          TYPES.map((code) => h('option', { value: code }, typeName(code))))),
        field('web.ventilators.col.units', numberInput('units', 'vent-pledge-units'), 'web.ventilators.units_or_budget_hint'),
        field('web.ventilators.col.delivery_days', numberInput('delivery_days', 'vent-pledge-days')),
        field('web.ventilators.col.budget_yuan', numberInput('budget_yuan', 'vent-pledge-budget')),
      ],
    });
  }

  function stockForm() {
    return postForm({
      testid: 'vent-stock-form', titleId: 'web.ventilators.add_stock', path: '/ventilators/stock', doneId: 'web.ventilators.stock_added',
      fields: [
        field('web.ventilators.col.supplier', h('input', { name: 'supplier', 'data-testid': 'vent-stock-supplier' })),
        field('web.ventilators.col.model', h('input', { name: 'model', 'data-testid': 'vent-stock-model' })),
        field('web.ventilators.col.type', select('type', TYPES, 'web.ventilators.type', 'vent-stock-type')),
        field('web.ventilators.col.unit_price', numberInput('unit_price_yuan', 'vent-stock-price', '1')),
        field('web.ventilators.col.lead_time', numberInput('lead_time_days', 'vent-stock-lead')),
        field('web.ventilators.col.quantity', numberInput('quantity', 'vent-stock-quantity', '1')),
      ],
    });
  }

  await refresh();
}
