// The SLA-compliance ranking (GET /api/v1/monitor/sla): every member node with its met and missed
// deadlines and rate; the Top 12 are marked in words and style.
import {h, t} from '/js/console/base.js';
import {dataTable} from '/js/console/table.js';

const percent = (rate) => (rate === null || rate === undefined ? t('none') : `${(rate * 100).toFixed(1)} %`);

export function renderSla(section, data) {
  const rows = data.nodes.slice().sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9));
  section.append(h('h2', {id: 'sla-title'}, t('sla.title')), dataTable({
    caption: t('sla.caption', {min: data.rule.min_cases}), id: 'sla-ranking', sortable: true, rows,
    rowClass: (n) => (n.rank ? 'is-top' : null),
    columns: [
      {key: 'rank', label: t('sla.rank'), cell: (n) => (n.rank
        ? h('span', {}, String(n.rank), ' ', h('strong', {class: 'top-badge'}, t('sla.top'))) : t('sla.unranked'))},
      {key: 'node_id', label: t('sla.node'), cell: (n) => `${n.name} (${n.node_id})`},
      {key: 'cases', label: t('sla.cases')},
      {key: 'met', label: t('sla.met')},
      {key: 'missed', label: t('sla.missed')},
      {key: 'rate', label: t('sla.rate'), cell: (n) => percent(n.rate)},
    ],
  }));
}
