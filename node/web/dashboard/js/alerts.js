// Alerts: escalations received by the coordinator (GET /api/v1/monitor/escalations) and the
// witness's fork and rollback alarms (GET /api/v1/witness/alarms).
import {h, t} from '/js/console/base.js';
import {dataTable, formatTime} from '/js/console/table.js';

function escalations(items) {
  if (items.length === 0) return h('p', {id: 'escalations-none'}, t('alerts.none'));
  const col = (key, cell) => ({key, label: t('esc.' + key), cell});
  return dataTable({caption: t('alerts.escalations'), id: 'escalations', sortable: true, rows: items,
    columns: [col('received_at', (e) => formatTime(e.received_at)), col('from_node'), col('tracking_id'),
      col('level'), col('clock'), col('overdue_working_days'), col('state'), col('category')]});
}

function alarms(items) {
  if (items.length === 0) return h('p', {id: 'alarms-none'}, t('alerts.none'));
  const col = (key, cell) => ({key, label: t('alarm.' + key), cell});
  return dataTable({caption: t('alerts.witness'), id: 'witness-alarms', rows: items,
    columns: [col('raised_at', (a) => formatTime(a.raised_at)), col('node_id'),
      col('kind', (a) => h('strong', {class: 'warn'}, a.kind)), col('detail')]});
}

export function renderAlerts(section, escalationPage, alarmPage) {
  section.append(h('h2', {id: 'alerts-title'}, t('nav.alerts')),
    h('h3', {}, t('alerts.escalations')), escalations(escalationPage.items),
    h('h3', {}, t('alerts.witness')), alarms(alarmPage.alarms));
}
