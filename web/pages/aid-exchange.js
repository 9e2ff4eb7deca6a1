// The exchange board (#/aid/exchange?kind=…&status=…&district=…): offers and needs with filters,
// the map, forms to add an offer or a need, and withdrawal. GET /exchange/board hides households'
// addresses from everyone but coordinators; the page shows what it is given.

import { api } from '../api.js';
import { h } from '../dom.js';
import { formatDay, formatInstant, formatNumber, label, localName, t } from '../i18n.js';
import { dataTable, errorAlert, field, loading, markFieldError, notice } from '../ui.js';
import { renderMap } from './aid-map.js';

export const KINDS = ['concentrator', 'oximeter', 'ventilator', 'medicine', 'other'];
const FLOWS = [3, 5, 10];
const VENTILATOR_TYPES = ['invasive', 'non_invasive', 'high_flow'];
const STATUSES = ['open', 'withdrawn', 'exhausted', 'fulfilled', 'all'];
const OFFER_WRITERS = ['coordinator', 'doctor', 'nurse', 'angel', 'admin'];
const NEED_WRITERS = ['coordinator', 'doctor', 'nurse', 'admin'];
const URGENCIES = ['immediate', 'urgent', 'routine'];

// "Oxygen concentrator 5 L/min", "Medicine Ibuprofen 200 mg (expires …)".
export function itemText(item) {
  const kind = label('web.exchange.kind', item.kind);
  if (item.kind === 'concentrator') return `${kind} ${t('web.exchange.flow', { n: item.flow_lpm })}`;
  if (item.kind === 'ventilator') return `${kind} (${label('web.exchange.ventilator_type', item.ventilator_type)})`;
  if (item.kind === 'medicine') {
    const expiry = item.expiry_date ? ` · ${t('web.exchange.field.expiry_date')} ${formatDay(item.expiry_date)}` : '';
    return `${kind} ${item.medicine_name} ${item.strength}${expiry}`;
  }
  if (item.kind === 'other') return `${kind}: ${item.description}`;
  return kind;
}

function options(values, prefix, { any = false } = {}) {
  return [any ? h('option', { value: '' }, t('web.exchange.filter.any')) : null,
    ...values.map((value) => h('option', { value: String(value) }, label(prefix, value)))];
}

// The spec fields of an item form, shown for the chosen kind only.
function itemFields(form) {
  const kind = h('select', { name: 'kind', 'data-testid': `${form}-kind` }, options(KINDS, 'web.exchange.kind'));
  const specs = {
    concentrator: [field('web.exchange.field.flow_lpm', h('select', { name: 'flow_lpm', 'data-testid': `${form}-flow` },
      FLOWS.map((flow) => h('option', { value: String(flow), selected: flow === 5 }, t('web.exchange.flow', { n: flow })))))],
    ventilator: [field('web.exchange.field.ventilator_type', h('select', { name: 'ventilator_type' }, options(VENTILATOR_TYPES, 'web.exchange.ventilator_type')))],
    medicine: [
      field('web.exchange.field.medicine_name', h('input', { name: 'medicine_name', 'data-testid': `${form}-medicine` })),
      field('web.exchange.field.strength', h('input', { name: 'strength' })),
      form === 'offer' ? field('web.exchange.field.expiry_date', h('input', { name: 'expiry_date', type: 'date', 'data-testid': 'offer-expiry' })) : null,
    ],
    other: [field('web.exchange.field.description', h('input', { name: 'description' }))],
  };
  const holder = h('div', { class: 'form-grid' });
  const show = () => holder.replaceChildren(...(specs[kind.value] ?? []).filter(Boolean));
  kind.addEventListener('change', show);
  show();
  return [field('web.exchange.field.kind', kind), holder];
}

function itemBody(form) {
  const value = (name) => form.elements.namedItem(name)?.value ?? '';
  const body = { kind: value('kind'), quantity: Number(value('quantity')) };
  if (body.kind === 'concentrator') body.flow_lpm = Number(value('flow_lpm'));
  if (body.kind === 'ventilator') body.ventilator_type = value('ventilator_type');
  if (body.kind === 'medicine') {
    body.medicine_name = value('medicine_name');
    body.strength = value('strength');
    if (form.elements.namedItem('expiry_date')) body.expiry_date = value('expiry_date');
  }
  if (body.kind === 'other') body.description = value('description');
  return body;
}

function location(form, body) {
  const lat = form.elements.namedItem('lat').value.trim();
  const lon = form.elements.namedItem('lon').value.trim();
  if (lat !== '' || lon !== '') {
    body.lat = lat === '' ? null : Number(lat);
    body.lon = lon === '' ? null : Number(lon);
  }
  return body;
}

export async function render(panel, { user, query }) {
  const filter = {
    kind: query?.get('kind') ?? '',
    status: query?.get('status') ?? 'open',
    district: query?.get('district') ?? '',
  };
  const flash = h('div', { 'aria-live': 'polite' });
  const mapHolder = h('section', { class: 'exchange-map' }, loading());
  const boardHolder = h('div', { 'aria-live': 'polite' }, loading());
  const say = (text) => flash.replaceChildren(notice(text));
  panel.append(h('p', { class: 'intro' }, t('web.exchange.intro')), flash);

  let districts = [];
  let hospitals = [];
  try {
    [{ districts }, { hospitals }] = await Promise.all([api.get('/districts'), api.get('/hospitals')]);
  } catch (error) {
    panel.append(errorAlert(error));
    return;
  }
  const districtByCode = new Map(districts.map((d) => [d.code, d]));
  const districtOptions = () => [...districts].sort((a, b) => String(a.code).localeCompare(String(b.code)))
    .map((d) => h('option', { value: d.code }, `${localName(d)} (${d.code})`));
  const districtName = (code) => localName(districtByCode.get(code)) || code;

  // --- Filters ---
  const kindSelect = h('select', { name: 'kind', 'data-testid': 'filter-kind' }, options(KINDS, 'web.exchange.kind', { any: true }));
  const statusSelect = h('select', { name: 'status', 'data-testid': 'filter-status' }, options(STATUSES, 'web.exchange.status'));
  const districtSelect = h('select', { name: 'district', 'data-testid': 'filter-district' },
    h('option', { value: '' }, t('web.exchange.filter.any')), districtOptions());
  kindSelect.value = filter.kind;
  statusSelect.value = filter.status;
  districtSelect.value = districtByCode.has(filter.district) ? filter.district : '';
  const filters = h('form', { class: 'filters', 'aria-label': t('web.exchange.filters'), 'data-testid': 'exchange-filters' },
    field('web.exchange.filter.kind', kindSelect),
    field('web.exchange.filter.status', statusSelect),
    field('web.exchange.filter.district', districtSelect),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-small', 'data-testid': 'filter-apply' }, t('web.exchange.filter.apply'))));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    filter.kind = kindSelect.value;
    filter.status = statusSelect.value;
    filter.district = districtSelect.value;
    load();
  });

  // --- Forms ---
  const forms = h('div', { class: 'exchange-forms' });
  let pickTarget = null; // the form whose lat/lon a click on the map fills
  const offerForm = OFFER_WRITERS.includes(user.role) ? buildOfferForm() : null;
  const needForm = NEED_WRITERS.includes(user.role) ? buildNeedForm() : null;
  if (offerForm) forms.append(h('details', { 'data-testid': 'offer-details', ontoggle: (e) => { if (e.target.open) pickTarget = offerForm; } }, h('summary', {}, t('web.exchange.add_offer')), offerForm));
  if (needForm) forms.append(h('details', { 'data-testid': 'need-details', ontoggle: (e) => { if (e.target.open) pickTarget = needForm; } }, h('summary', {}, t('web.exchange.add_need')), needForm));

  panel.append(filters, mapHolder, forms, boardHolder);

  const map = await renderMap(mapHolder, {
    districts,
    describe: itemText,
    onPick: (lat, lon) => {
      if (!pickTarget) return;
      pickTarget.elements.namedItem('lat').value = lat.toFixed(5);
      pickTarget.elements.namedItem('lon').value = lon.toFixed(5);
      say(t('web.exchange.map.pick'));
    },
  });

  function locationFields(form, districtControl) {
    const lat = h('input', { name: 'lat', inputmode: 'decimal', 'data-testid': `${form}-lat` });
    const lon = h('input', { name: 'lon', inputmode: 'decimal', 'data-testid': `${form}-lon` });
    districtControl?.addEventListener('change', () => {
      const centre = districtByCode.get(districtControl.value);
      if (centre && !lat.value && !lon.value) {
        lat.value = centre.lat.toFixed(5);
        lon.value = centre.lon.toFixed(5);
      }
    });
    return [field('web.exchange.field.lat', lat, 'web.exchange.field.location_hint'), field('web.exchange.field.lon', lon)];
  }

  function buildOfferForm() {
    const district = h('select', { name: 'district_code', 'data-testid': 'offer-district' }, h('option', { value: '' }, ''), districtOptions());
    const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'offer-form' },
      h('div', { class: 'form-grid' },
        field('web.exchange.field.offerer_kind', h('select', { name: 'offerer_kind' }, options(['person', 'organisation'], 'web.exchange.offerer_kind'))),
        field('web.exchange.field.offerer_name', h('input', { name: 'offerer_name', 'data-testid': 'offer-name' })),
        field('web.exchange.field.contact_phone', h('input', { name: 'contact_phone', type: 'tel', 'data-testid': 'offer-phone' })),
        field('web.exchange.field.district_code', district),
        field('web.exchange.field.address', h('input', { name: 'address', 'data-testid': 'offer-address' })),
        ...locationFields('offer', district)),
      h('div', { class: 'form-grid' },
        ...itemFields('offer'),
        field('web.exchange.field.quantity', h('input', { name: 'quantity', type: 'number', min: '1', value: '1', 'data-testid': 'offer-quantity' })),
        field('web.exchange.field.mode', h('select', { name: 'mode' }, options(['lend', 'give'], 'web.exchange.mode'))),
        field('web.exchange.field.condition', h('select', { name: 'condition' }, options(['good', 'new', 'fair'], 'web.exchange.condition')))),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'offer-submit' }, t('web.exchange.save'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = (name) => form.elements.namedItem(name).value;
      const body = location(form, {
        offerer_kind: value('offerer_kind'), offerer_name: value('offerer_name'), contact_phone: value('contact_phone'),
        district_code: value('district_code'), address: value('address'), mode: value('mode'), condition: value('condition'),
        ...itemBody(form),
      });
      await submit(form, '/exchange/offers', body, (created) => t('web.exchange.offer_added', { id: created.id }));
    });
    return form;
  }

  function buildNeedForm() {
    const source = h('select', { name: 'source', 'data-testid': 'need-source' }, options(['case', 'hospital'], 'web.exchange.source'));
    const bySource = {
      case: [field('web.exchange.field.case_id', h('input', { name: 'case_id', inputmode: 'numeric', 'data-testid': 'need-case' }))],
      hospital: [
        field('web.exchange.field.hospital_id', h('select', { name: 'hospital_id', 'data-testid': 'need-hospital' },
          hospitals.map((hospital) => h('option', { value: String(hospital.id) }, `${localName(hospital)} · ${districtName(hospital.district_code)}`)))),
        field('web.exchange.field.urgency', h('select', { name: 'urgency' }, options(URGENCIES, 'web.exchange.urgency'))),
      ],
    };
    const sourceFields = h('div', { class: 'form-grid' });
    const showSource = () => sourceFields.replaceChildren(...bySource[source.value]);
    source.addEventListener('change', showSource);
    showSource();
    const form = h('form', { class: 'subform', novalidate: true, 'data-testid': 'need-form' },
      h('div', { class: 'form-grid' }, field('web.exchange.field.source', source)),
      sourceFields,
      h('div', { class: 'form-grid' },
        ...itemFields('need'),
        field('web.exchange.field.quantity', h('input', { name: 'quantity', type: 'number', min: '1', value: '1', 'data-testid': 'need-quantity' })),
        field('web.exchange.field.needed_by', h('input', { name: 'needed_by', type: 'date' })),
        field('web.exchange.field.address_optional', h('input', { name: 'address' })),
        ...locationFields('need', null)),
      h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button-primary', 'data-testid': 'need-submit' }, t('web.exchange.save'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = (name) => form.elements.namedItem(name)?.value ?? '';
      const body = location(form, { source: value('source'), address: value('address'), ...itemBody(form) });
      if (body.source === 'case') body.case_id = value('case_id') === '' ? null : Number(value('case_id'));
      else {
        body.hospital_id = Number(value('hospital_id'));
        body.urgency = value('urgency');
      }
      // A date is the end of that day in the browser's time zone.
      if (value('needed_by')) body.needed_by = new Date(`${value('needed_by')}T23:59:59`).toISOString();
      await submit(form, '/exchange/needs', body, (created) => t('web.exchange.need_added', { id: created.id }));
    });
    return form;
  }

  async function submit(form, path, body, message) {
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    markFieldError(form, null);
    try {
      const created = await api.post(path, body);
      say(message(created));
      form.reset();
      form.closest('details')?.removeAttribute('open');
      await load();
    } catch (error) {
      flash.replaceChildren(errorAlert(error));
      markFieldError(form, error);
    } finally {
      button.disabled = false;
    }
  }

  async function withdraw(kind, record) {
    const reason = window.prompt(t('web.exchange.withdraw_reason'), '');
    if (reason === null) return;
    try {
      await api.post(`/exchange/${kind}/${record.id}/withdraw`, { reason });
      say(t('web.exchange.withdrawn', { id: record.id }));
      await load();
    } catch (error) {
      flash.replaceChildren(errorAlert(error));
    }
  }

  const mayChange = (record) => record.status === 'open' &&
    (['coordinator', 'admin'].includes(user.role) || record.created_by === user.id);
  const addressCell = (record) => (record.precise ? record.address : h('span', { class: 'muted' }, t('web.exchange.hidden')));

  function offerTable(offers) {
    return dataTable({
      testid: 'offers-table',
      rows: offers,
      columns: [
        { label: 'web.exchange.col.id', numeric: true, cell: (o) => `#${o.id}` },
        { label: 'web.exchange.col.item', wide: true, cell: (o) => itemText(o.item) },
        { label: 'web.exchange.col.quantity', numeric: true, cell: (o) => `${formatNumber(o.remaining)} / ${formatNumber(o.quantity)}` },
        { label: 'web.exchange.col.mode', cell: (o) => `${label('web.exchange.mode', o.mode)} · ${label('web.exchange.condition', o.condition)}` },
        { label: 'web.exchange.col.offerer', cell: (o) => `${o.offerer_name} (${label('web.exchange.offerer_kind', o.offerer_kind)})` },
        { label: 'web.exchange.col.district', cell: (o) => districtName(o.district_code) },
        { label: 'web.exchange.col.address', wide: true, cell: addressCell },
        { label: 'web.exchange.col.status', cell: (o) => h('span', { 'data-testid': `offer-status-${o.id}` }, label('web.exchange.status', o.status)) },
        { label: 'web.exchange.col.actions', cell: (o) => (mayChange(o) ? h('button', {
          type: 'button', class: 'button-small', 'data-testid': `offer-withdraw-${o.id}`, onclick: () => withdraw('offers', o),
        }, t('web.exchange.withdraw')) : '') },
      ],
    });
  }

  function needTable(needs) {
    return dataTable({
      testid: 'needs-table',
      rows: needs,
      columns: [
        { label: 'web.exchange.col.id', numeric: true, cell: (n) => `#${n.id}` },
        { label: 'web.exchange.col.item', wide: true, cell: (n) => itemText(n.item) },
        { label: 'web.exchange.col.quantity', numeric: true, cell: (n) => `${formatNumber(n.remaining)} / ${formatNumber(n.quantity)}` },
        { label: 'web.exchange.col.priority', numeric: true, cell: (n) => String(n.priority) },
        { label: 'web.exchange.col.source', cell: (n) => (n.source === 'case'
          ? t('web.exchange.source_case', { id: n.case_id })
          : `${t('web.exchange.source_hospital', { id: n.hospital_id })} · ${label('web.exchange.urgency', n.urgency)}`) },
        { label: 'web.exchange.col.district', cell: (n) => districtName(n.district_code) },
        { label: 'web.exchange.col.address', wide: true, cell: addressCell },
        { label: 'web.exchange.col.needed_by', cell: (n) => formatInstant(n.needed_by) },
        { label: 'web.exchange.col.status', cell: (n) => h('span', { 'data-testid': `need-status-${n.id}` }, label('web.exchange.status', n.status)) },
        { label: 'web.exchange.col.actions', cell: (n) => (mayChange(n) ? h('button', {
          type: 'button', class: 'button-small', 'data-testid': `need-withdraw-${n.id}`, onclick: () => withdraw('needs', n),
        }, t('web.exchange.withdraw')) : '') },
      ],
    });
  }

  async function load() {
    boardHolder.replaceChildren(loading());
    try {
      const board = await api.get('/exchange/board', { kind: filter.kind, status: filter.status, district: filter.district });
      let matches = [];
      if (['coordinator', 'admin'].includes(user.role)) ({ matches } = await api.get('/exchange/matches', { status: 'proposed' }));
      map?.show({ offers: board.offers, needs: board.needs, matches });
      boardHolder.replaceChildren(
        h('section', {}, h('h2', {}, t('web.exchange.offers'), ' ', h('span', { class: 'muted small', 'data-testid': 'offers-count' }, t('web.exchange.count', { n: formatNumber(board.offers.length) }))), offerTable(board.offers)),
        h('section', {}, h('h2', {}, t('web.exchange.needs'), ' ', h('span', { class: 'muted small', 'data-testid': 'needs-count' }, t('web.exchange.count', { n: formatNumber(board.needs.length) }))), needTable(board.needs)));
    } catch (error) {
      boardHolder.replaceChildren(errorAlert(error));
    }
  }
  await load();
}
