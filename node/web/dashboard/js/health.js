// Federation health: the sortable table of member nodes (GET /api/v1/monitor/nodes) and a grid of
// the 38 provinces (GET /api/v1/regions), each tile coloured and labelled by its nodes' status.
import {h, t} from '/js/console/base.js';
import {dataTable, formatAge, formatTime} from '/js/console/table.js';

// The province code of a node id ("kab:32.04" → "32"), or null for ministries and the coordinator.
export function provinceOf(nodeId) {
  const m = /^(?:prov|kab|kota):(\d{2})(?:\.|$)/.exec(nodeId);
  return m ? m[1] : null;
}

// 'alarm' if any node has an alarm, else 'silent' if any is silent, 'ok' if all report, 'none'.
export function provinceStatus(nodes) {
  if (nodes.length === 0) return 'none';
  if (nodes.some((n) => n.alarms.length > 0 || n.witness_alarms > 0)) return 'alarm';
  if (nodes.some((n) => n.silent)) return 'silent';
  return 'ok';
}

function healthTable(data) {
  const num = (key) => ({key, label: t('health.' + key)});
  return dataTable({
    caption: t('health.caption', {version: data.directory_version}), id: 'health', sortable: true,
    rowClass: (n) => (n.silent ? 'is-silent' : n.alarms.length ? 'is-alarm' : null),
    rows: data.nodes,
    columns: [
      num('node_id'), num('name'), num('class'),
      {key: 'last_seen_at', label: t('health.last_seen_at'), cell: (n) => formatTime(n.last_seen_at)},
      {key: 'silent', label: t('health.silent'),
        cell: (n) => (n.silent ? h('strong', {class: 'warn'}, t('health.silent_yes')) : t('health.silent_no'))},
      num('directory_version'), num('outbox_pending'),
      {key: 'outbox_oldest_age_ms', label: t('health.outbox_oldest_age_ms'), cell: (n) => formatAge(n.outbox_oldest_age_ms)},
      num('log_size'), num('witnessed_size'),
      {key: 'audit_mismatches', label: t('health.audit_mismatches'), cell: (n) => (n.audit_mismatches
        ? h('strong', {class: 'warn'}, String(n.audit_mismatches)) : (n.audit_mismatches ?? t('none')))},
      num('cases'), num('overdue'),
      {key: 'alarms', label: t('health.alarms'), value: (n) => n.alarms.length,
        cell: (n) => (n.alarms.length ? h('strong', {class: 'warn'}, n.alarms.join(', ')) : t('none'))},
    ],
  });
}

function provinceGrid(provinces, nodes) {
  const tiles = provinces.map((p) => {
    const mine = nodes.filter((n) => provinceOf(n.node_id) === p.code);
    const status = provinceStatus(mine);
    return h('li', {class: `tile tile-${status}`, 'data-province': p.code, 'data-status': status},
      h('span', {class: 'tile-name'}, p.name),
      h('span', {class: 'tile-status'}, t('grid.' + status)),
      mine.length ? h('span', {class: 'tile-count'}, t('grid.nodes', {n: mine.length})) : null);
  });
  return h('section', {class: 'card', 'aria-labelledby': 'grid-title'},
    h('h3', {id: 'grid-title'}, t('grid.title')), h('p', {}, t('grid.help')),
    h('ul', {class: 'province-grid', id: 'province-grid'}, tiles));
}

export function renderHealth(section, data, provinces) {
  section.append(h('h2', {id: 'health-title'}, t('health.title')), healthTable(data),
    provinceGrid(provinces, data.nodes));
}
