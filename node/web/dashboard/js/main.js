// The coordinator dashboard (/dashboard/): federation health and the province grid, the SLA
// ranking, trend charts and alerts, each with a CSV export of the same data, on one page.
import {addStrings, download, h, request, t} from '/js/console/base.js';
import {announceError, startConsole} from '/js/console/session.js';
import strings from './strings.js';
import {renderHealth} from './health.js';
import {renderSla} from './sla.js';
import {renderTrends} from './trends.js';
import {renderAlerts} from './alerts.js';

addStrings(strings);

// A button that downloads `path?format=csv` with the session token.
function csvButton(path, name) {
  const sep = path.includes('?') ? '&' : '?';
  return h('button', {type: 'button', class: 'csv', 'data-csv': name, onclick: () =>
    download(`${path}${sep}format=csv`, `${name}.csv`).catch(announceError)}, `${t('csv')}: ${name}.csv`);
}

function section(id) {
  return h('section', {id, class: 'view', 'aria-labelledby': `${id}-title`});
}

const page = startConsole({
  titleKey: 'app.dashboard',
  hashRoutes: false,
  render: async (main) => {
    const nav = h('nav', {class: 'views', 'aria-label': t('app.dashboard')},
      ['health', 'sla', 'trends', 'alerts'].map((s) => h('a', {href: `#${s}`}, t('nav.' + s))));
    const [nodes, regions, sla] = await Promise.all([
      request('GET', '/api/v1/monitor/nodes'), request('GET', '/api/v1/regions'),
      request('GET', '/api/v1/monitor/sla')]);
    const health = section('health');
    renderHealth(health, nodes, regions.items);
    health.append(csvButton('/api/v1/monitor/nodes', 'monitor-nodes'));
    const ranking = section('sla');
    renderSla(ranking, sla);
    ranking.append(csvButton('/api/v1/monitor/sla', 'monitor-sla'));
    const trends = section('trends');
    const alerts = section('alerts');
    main.append(nav, health, ranking, trends, alerts);
    await renderTrends(trends, (by) => request('GET', `/api/v1/monitor/trends?by=${by}`));
    trends.append(...['category', 'region', 'month'].map((by) =>
      csvButton(`/api/v1/monitor/trends?by=${by}`, `trends-${by}`)));
    const [escalations, alarms] = await Promise.all([
      request('GET', '/api/v1/monitor/escalations?limit=50'), request('GET', '/api/v1/witness/alarms')]);
    renderAlerts(alerts, escalations, alarms);
    alerts.append(csvButton('/api/v1/monitor/escalations', 'escalations'));
    main.append(h('p', {}, h('button', {type: 'button', onclick: () => page.redraw()}, t('refresh'))));
  },
});
