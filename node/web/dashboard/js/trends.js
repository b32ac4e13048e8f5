// Trend charts (GET /api/v1/monitor/trends?by=category|region|month) drawn with Chart.js (loaded
// as /vendor/chart.umd.js), each with its data as a table behind a toggle — the chart's text
// alternative. Without the chart library the table is shown instead.
import {h, t} from '/js/console/base.js';
import {dataTable} from '/js/console/table.js';
import {announceError} from '/js/console/session.js';

const SERIES = ['open', 'resolved', 'closed', 'archived', 'forwarded'];
const COLOURS = ['#1f5fbf', '#2e8540', '#6b6b6b', '#b35c00', '#7a3eb1'];
const charts = [];

function chartConfig(by, rows) {
  const labels = rows.map((r) => r[by]);
  if (by === 'month') {
    return {type: 'line', data: {labels, datasets: [{label: t('trends.cases'), data: rows.map((r) => r.cases),
      borderColor: COLOURS[0], backgroundColor: COLOURS[0]}]}};
  }
  return {type: 'bar', data: {labels, datasets: SERIES.map((s, i) => ({label: t('trends.' + s),
    data: rows.map((r) => r[s]), backgroundColor: COLOURS[i]}))},
  options: {scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}}};
}

function trendBlock(by, rows) {
  const title = h('h3', {id: `trend-${by}-title`}, t('trends.by.' + by));
  if (rows.length === 0) return h('section', {class: 'card trend'}, title, h('p', {}, t('trends.empty')));
  const table = dataTable({caption: t('trends.by.' + by), id: `trend-${by}-table`, rows, sortable: true,
    columns: [{key: by, label: t('trends.by.' + by)}, {key: 'cases', label: t('trends.cases')},
      ...SERIES.map((s) => ({key: s, label: t('trends.' + s)}))]});
  const block = h('section', {class: 'card trend', 'aria-labelledby': title.id}, title);
  if (!window.Chart) {
    block.append(h('p', {}, t('trends.no_chart')), table);
    return block;
  }
  table.id = `trend-${by}-data`;
  table.hidden = true;
  const canvas = h('canvas', {id: `trend-${by}`, role: 'img',
    'aria-label': `${t('trends.by.' + by)}: ${rows.map((r) => `${r[by]} ${r.cases}`).join(', ')}`});
  const toggle = h('button', {type: 'button', 'aria-expanded': 'false', 'aria-controls': table.id,
    class: 'toggle', id: `trend-${by}-toggle`}, t('trends.show_table'));
  toggle.addEventListener('click', () => {
    table.hidden = !table.hidden;
    toggle.setAttribute('aria-expanded', String(!table.hidden));
    toggle.textContent = t(table.hidden ? 'trends.show_table' : 'trends.hide_table');
  });
  block.append(h('div', {class: 'chart-box'}, canvas), toggle, table);
  const config = chartConfig(by, rows);
  config.options = {...(config.options || {}), animation: false, responsive: true, maintainAspectRatio: false};
  charts.push(new window.Chart(canvas, config));
  return block;
}

export async function renderTrends(section, fetchTrend) {
  while (charts.length) charts.pop().destroy();
  section.append(h('h2', {id: 'trends-title'}, t('trends.title')));
  for (const by of ['category', 'region', 'month']) {
    try {
      const data = await fetchTrend(by);
      section.append(trendBlock(by, data.rows));
    } catch (e) { announceError(e); }
  }
}
