// The case queue: filters (state, overdue, unit, category, region, text), paging, and a table with
// overdue markers in words. Filters live in the URL hash, so a view can be bookmarked and Back
// works. Arrow keys move between rows' links.
import {h, request, t} from '/js/console/base.js';
import {formatTime, stateBadge} from '/js/console/table.js';

const PAGE = 20;
const STATES = ['submitted', 'pending_info', 'verified', 'dispositioned', 'forwarded',
  'in_progress', 'resolved', 'reopened', 'closed', 'archived'];

function filterForm(params, units) {
  const field = (name, label, input) => h('div', {class: 'field'}, h('label', {for: `f-${name}`}, label), input);
  const state = h('select', {id: 'f-state', name: 'state'},
    h('option', {value: ''}, t('queue.any')),
    STATES.map((s) => h('option', {value: s, selected: params.get('state') === s}, t('state.' + s))));
  const unit = h('select', {id: 'f-unit', name: 'unit'},
    h('option', {value: ''}, t('queue.any')),
    units.map((u) => h('option', {value: u.code, selected: params.get('unit') === u.code}, `${u.code} — ${u.name}`)));
  const text = (name, label) => field(name, label,
    h('input', {id: `f-${name}`, name, value: params.get(name) || '', maxlength: name === 'q' ? 200 : 100}));
  const overdue = h('input', {type: 'checkbox', id: 'f-overdue', name: 'overdue', checked: params.get('overdue') === 'true'});
  const form = h('form', {class: 'filters card', role: 'search', 'aria-label': t('queue.filters')},
    field('state', t('queue.state'), state),
    field('unit', t('queue.unit'), unit),
    text('category', t('queue.category')),
    text('region', t('queue.region')),
    text('q', t('queue.search')),
    h('div', {class: 'field check'}, overdue, h('label', {for: 'f-overdue'}, t('queue.overdue'))),
    h('button', {type: 'submit'}, t('queue.apply')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) next.set(k, k === 'overdue' ? 'true' : v);
    location.hash = `#/?${next}`;
  });
  return form;
}

function dueCell(c) {
  if (!c.next_due_at) return t('none');
  const when = formatTime(c.next_due_at);
  if (!c.overdue) return when;
  return h('span', {class: 'overdue'}, h('strong', {}, t('overdue')), ' ', when);
}

// Moves focus to the previous or next row's link on ArrowUp / ArrowDown.
function arrowKeys(table) {
  table.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return;
    const links = [...table.querySelectorAll('tbody a')];
    const i = links.indexOf(document.activeElement);
    if (i < 0) return;
    const j = ev.key === 'ArrowDown' ? Math.min(i + 1, links.length - 1) : Math.max(i - 1, 0);
    links[j].focus();
    ev.preventDefault();
  });
}

function caseTable(page) {
  const from = page.total === 0 ? 0 : page.offset + 1;
  const to = page.offset + page.items.length;
  const rows = page.items.map((c) => h('tr', {class: c.overdue ? 'is-overdue' : null, 'data-id': c.tracking_id},
    h('th', {scope: 'row'}, h('a', {href: `#/case/${encodeURIComponent(c.tracking_id)}`}, c.tracking_id)),
    h('td', {}, c.title), h('td', {}, c.category), h('td', {}, c.region),
    h('td', {}, stateBadge(c.state)), h('td', {}, c.unit ?? t('none')),
    h('td', {}, dueCell(c)), h('td', {}, formatTime(c.submitted_at))));
  const table = h('table', {id: 'queue'},
    h('caption', {}, t('queue.caption', {from, to, total: page.total})),
    h('thead', {}, h('tr', {}, ['tracking_id', 'title', 'category', 'region', 'state', 'unit', 'due', 'submitted']
      .map((k) => h('th', {scope: 'col'}, t('col.' + k))))),
    h('tbody', {}, rows));
  arrowKeys(table);
  return h('div', {class: 'table-wrap'}, table);
}

function pager(params, page) {
  const go = (offset) => {
    const next = new URLSearchParams(params);
    next.set('offset', String(Math.max(0, offset)));
    location.hash = `#/?${next}`;
  };
  return h('nav', {class: 'pager', 'aria-label': 'paging'},
    h('button', {type: 'button', disabled: page.offset === 0, onclick: () => go(page.offset - PAGE)}, t('queue.prev')),
    h('button', {type: 'button', disabled: page.offset + page.items.length >= page.total,
      onclick: () => go(page.offset + PAGE)}, t('queue.next')));
}

export async function renderQueue(section, user, params) {
  section.append(h('h2', {}, t('queue.title')));
  const query = new URLSearchParams();
  for (const k of ['state', 'overdue', 'unit', 'category', 'region', 'q', 'offset']) {
    if (params.get(k)) query.set(k, params.get(k));
  }
  query.set('limit', String(PAGE));
  const [units, page] = await Promise.all([
    request('GET', '/api/v1/units').then((r) => r.items),
    request('GET', `/api/v1/cases?${query}`)]);
  section.append(filterForm(params, units));
  if (page.items.length === 0) section.append(h('p', {class: 'empty', role: 'status'}, t('queue.empty')));
  else section.append(caseTable(page), pager(params, page));
}
