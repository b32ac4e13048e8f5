// Tables and formatting shared by the console pages: times in the reader's language, a case state
// as a labelled badge, and a data table whose column headers sort it (keyboard: Enter or Space on
// the header button; aria-sort tells screen readers the order).
import {formatTime, h, t} from './base.js';

export {formatTime};

// Milliseconds as a short human duration (e.g. "3 min", "2 h").
export function formatAge(ms) {
  if (ms === null || ms === undefined) return t('none');
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

export function stateBadge(state) {
  return h('span', {class: `badge state-${state}`, 'data-state': state}, t('state.' + state));
}

// A <table> of `rows` (objects) with `columns` = [{key, label, cell?(row) -> Node|string,
// value?(row) -> sortable}], captioned `caption`. Sortable when `sortable` is true.
export function dataTable({caption, columns, rows, sortable = false, id, rowClass}) {
  const body = h('tbody');
  let sortKey = null;
  let ascending = true;
  const headers = columns.map((c) => h('th', {scope: 'col', 'data-key': c.key}));
  const fill = () => {
    let list = rows.slice();
    if (sortKey) {
      const col = columns.find((c) => c.key === sortKey);
      const value = col.value || ((r) => r[col.key]);
      list.sort((a, b) => {
        const x = value(a);
        const y = value(b);
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * (ascending ? 1 : -1);
      });
    }
    body.replaceChildren(...list.map((r) => h('tr', {class: rowClass ? rowClass(r) : null},
      columns.map((c, i) => {
        const content = c.cell ? c.cell(r) : (r[c.key] ?? t('none'));
        return i === 0 ? h('th', {scope: 'row'}, content) : h('td', {}, content);
      }))));
    headers.forEach((th, i) => {
      const c = columns[i];
      th.setAttribute('aria-sort', sortKey === c.key ? (ascending ? 'ascending' : 'descending') : 'none');
      if (!sortable) { th.replaceChildren(c.label); th.removeAttribute('aria-sort'); return; }
      const arrow = sortKey === c.key ? (ascending ? ' ▲' : ' ▼') : '';
      th.replaceChildren(h('button', {type: 'button', class: 'sort', onclick: () => {
        ascending = sortKey === c.key ? !ascending : true;
        sortKey = c.key;
        fill();
        headers[i].querySelector('button').focus();
      }}, c.label, arrow));
    });
  };
  fill();
  return h('div', {class: 'table-wrap'},
    h('table', {id}, h('caption', {}, caption), h('thead', {}, h('tr', {}, headers)), body));
}
