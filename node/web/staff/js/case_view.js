// Case detail: content, reporter identity (as far as the role may see it), attachments, SLA
// deadlines, federation link, history, and the action forms (case_actions.js). After an action
// the view redraws from the server's answer; a refusal stays on screen.
import {download, h, language, request, t} from '/js/console/base.js';
import {announce} from '/js/console/session.js';
import {formatTime, stateBadge} from '/js/console/table.js';
import {actionForms} from './case_actions.js';

function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(([, v]) => v !== undefined)
    .map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v === null || v === '' ? t('none') : v)]));
}

function reporter(c) {
  if (!c.reporter) return t('case.identity.' + c.identity);
  const r = c.reporter;
  return [r.name, r.nik && `NIK ${r.nik}`, r.phone, r.email].filter(Boolean).join(' · ');
}

function attachments(c) {
  if (c.attachments.length === 0) return h('p', {}, t('case.no_attachments'));
  return h('ul', {class: 'attachments'}, c.attachments.map((a) => h('li', {},
    h('button', {type: 'button', class: 'link', onclick: () => download(
      `/api/v1/cases/${encodeURIComponent(c.tracking_id)}/attachments/${a.sha256}`, a.filename)
      .catch((e) => announce(t('error', {message: e.message}), 'error'))},
    a.filename), ` (${a.media_type}, ${Math.ceil(a.size / 1024)} KiB)`)));
}

function slaTable(c) {
  const status = (k) => {
    if (k.breached) return h('strong', {class: 'overdue'}, t('case.sla.breached'));
    return k.stopped_at ? t('case.sla.met') : t('case.sla.running');
  };
  return h('div', {class: 'table-wrap'}, h('table', {id: 'sla'},
    h('caption', {}, t('case.sla')),
    h('thead', {}, h('tr', {}, ['clock', 'started', 'due', 'stopped', 'status']
      .map((k) => h('th', {scope: 'col'}, t('case.sla.' + k))))),
    h('tbody', {}, c.sla.clocks.map((k) => h('tr', {class: k.breached ? 'is-overdue' : null},
      h('th', {scope: 'row'}, t('clock.' + k.clock)), h('td', {}, formatTime(k.started_at)),
      h('td', {}, formatTime(k.due)), h('td', {}, formatTime(k.stopped_at)), h('td', {}, status(k)))))),
    c.sla.paused ? h('p', {}, t('case.sla.paused')) : null);
}

// The human part of an event's detail: message, reason, unit, destination.
function eventNote(e) {
  const d = e.detail && typeof e.detail === 'object' ? e.detail : {};
  const parts = [e.reason, d.reason, d.message, d.unit_name || d.unit, d.to && `→ ${d.to}`,
    d.suggested_node && `→ ${d.suggested_node}`, d.archive_reason && t('archive.' + d.archive_reason),
    d.note, d.state && typeof d.state === 'string' && t('state.' + d.state)];
  return parts.filter((p) => p && typeof p === 'string').join(' · ') || t('none');
}

function history(c) {
  return h('div', {class: 'table-wrap'}, h('table', {id: 'history'},
    h('caption', {}, t('case.history')),
    h('thead', {}, h('tr', {}, ['at', 'action', 'state', 'actor', 'note'].map((k) => h('th', {scope: 'col'}, t('ev.' + k))))),
    h('tbody', {}, c.events.map((e) => h('tr', {},
      h('th', {scope: 'row'}, formatTime(e.at)), h('td', {}, t('action.' + e.action)),
      h('td', {}, stateBadge(e.state_after)), h('td', {}, e.actor), h('td', {}, eventNote(e)))))));
}

function federation(c) {
  if (!c.federation) return null;
  const f = c.federation;
  return h('section', {class: 'card', 'aria-labelledby': 'fed-title'},
    h('h3', {id: 'fed-title'}, t('case.federation')),
    facts([['case.origin', f.origin], ['case.upstream', f.upstream], ['case.handler', f.handler],
      ['case.handler_state', f.handler_state ? t('state.' + f.handler_state) : null]]));
}

function categoryName(categories, code) {
  const cat = categories.find((x) => x.code === code);
  if (!cat) return code;
  return `${language() === 'en' && cat.name_en ? cat.name_en : cat.name_id} (${code})`;
}

function draw(section, user, c, context) {
  const head = h('h2', {id: 'case-title'}, `${c.tracking_id} — ${c.title} `, stateBadge(c.state),
    c.overdue ? h('strong', {class: 'overdue'}, ` ${t('overdue')}`) : null);
  const flags = [c.anonymous && t('case.anonymous'), c.confidential && t('case.confidential')]
    .filter(Boolean).join(', ') || t('case.public');
  section.replaceChildren(...[
    h('p', {}, h('a', {href: '#/'}, t('case.back'))), head,
    h('section', {class: 'card', 'aria-labelledby': 'content-title'},
      h('h3', {id: 'content-title'}, t('case.content')),
      h('p', {class: 'body', id: 'case-body'}, c.body),
      facts([['case.classification', t('class.' + c.classification)],
        ['col.category', categoryName(context.categories, c.category)], ['col.region', c.region],
        ['case.address', c.address], ['case.incident_date', c.incident_date],
        ['case.channel', c.channel], ['case.flags', flags], ['col.unit', c.unit],
        ['col.submitted', formatTime(c.submitted_at)], ['case.reporter', reporter(c)]])),
    federation(c),
    h('section', {class: 'card', 'aria-labelledby': 'att-title'}, h('h3', {id: 'att-title'}, t('case.attachments')), attachments(c)),
    h('section', {class: 'card'}, slaTable(c)),
    h('section', {class: 'card'}, history(c)),
    actionForms(c, user, context, (updated) => draw(section, user, updated, context))].filter(Boolean));
}

export async function renderCase(section, user, id) {
  const path = `/api/v1/cases/${encodeURIComponent(id)}`;
  const [c, categories, units] = await Promise.all([
    request('GET', path), request('GET', '/api/v1/categories').then((r) => r.items),
    request('GET', '/api/v1/units').then((r) => r.items)]);
  draw(section, user, c, {categories, units, path});
  document.getElementById('case-title')?.setAttribute('tabindex', '-1');
  document.getElementById('case-title')?.focus();
}
