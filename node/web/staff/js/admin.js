// Units and users (node admin; a supervisor sees the lists read-only): add a unit, add a user,
// change a user's role, disable or enable an account.
import {h, request, t} from '/js/console/base.js';
import {announce, announceError} from '/js/console/session.js';
import {dataTable, formatTime} from '/js/console/table.js';

const ROLES = ['verifier', 'unit_officer', 'supervisor', 'node_admin', 'auditor'];

function input(id, label, attrs = {}) {
  return h('div', {class: 'field'}, h('label', {for: id}, label), h('input', {id, name: id.replace(/^[a-z]+-/, ''), ...attrs}));
}

// A form that POSTs its fields to `path`, then calls `done`.
function createForm(id, titleKey, fields, path, done) {
  const form = h('form', {class: 'card', id, 'aria-labelledby': `${id}-title`},
    h('h3', {id: `${id}-title`}, t(titleKey)), fields, h('button', {type: 'submit'}, t(titleKey)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {};
    for (const [k, v] of new FormData(form)) if (v) body[k] = v;
    try {
      await request('POST', path, body);
      announce(t('saved'), 'ok');
      done();
    } catch (e) { announceError(e); }
  });
  return form;
}

function roleSelect(u, isAdmin, refresh) {
  const sel = h('select', {'aria-label': t('admin.change_role', {user: u.username}), disabled: !isAdmin},
    ROLES.map((r) => h('option', {value: r, selected: r === u.role}, t('role.' + r))));
  sel.addEventListener('change', async () => {
    try {
      await request('PATCH', `/api/v1/users/${encodeURIComponent(u.username)}`, {role: sel.value});
      announce(t('saved'), 'ok');
      refresh();
    } catch (e) { announceError(e); refresh(); }
  });
  return sel;
}

function toggleButton(u, refresh) {
  return h('button', {type: 'button', 'data-user': u.username, onclick: async () => {
    try {
      await request('PATCH', `/api/v1/users/${encodeURIComponent(u.username)}`, {disabled: !u.disabled});
      announce(t('saved'), 'ok');
      refresh();
    } catch (e) { announceError(e); }
  }}, t(u.disabled ? 'admin.enable' : 'admin.disable'), h('span', {class: 'visually-hidden'}, ` ${u.username}`));
}

export async function renderAdmin(section, user) {
  const isAdmin = user.role === 'node_admin';
  const [units, users] = await Promise.all([
    request('GET', '/api/v1/units').then((r) => r.items),
    request('GET', '/api/v1/users').then((r) => r.items)]);
  const refresh = () => { section.replaceChildren(); renderAdmin(section, user).catch(announceError); };
  section.append(h('h2', {}, t('nav.admin')),
    dataTable({caption: t('admin.units'), id: 'units', rows: units, columns: [
      {key: 'code', label: t('admin.code')}, {key: 'name', label: t('admin.name')},
      {key: 'created_at', label: t('admin.created'), cell: (u) => formatTime(u.created_at)}]}),
    isAdmin ? createForm('unit-form', 'admin.add_unit', [
      input('unit-code', t('admin.code'), {required: true, maxlength: 32, pattern: '[A-Za-z0-9._\\-]+'}),
      input('unit-name', t('admin.name'), {required: true, maxlength: 200})], '/api/v1/units', refresh) : null,
    dataTable({caption: t('admin.users'), id: 'users', rows: users, sortable: true, columns: [
      {key: 'username', label: t('admin.username')},
      {key: 'display_name', label: t('admin.display_name')},
      {key: 'role', label: t('admin.role'), cell: (u) => roleSelect(u, isAdmin, refresh)},
      {key: 'unit', label: t('admin.unit')},
      {key: 'disabled', label: t('admin.status'), cell: (u) => t(u.disabled ? 'admin.disabled' : 'admin.enabled')},
      {key: 'actions', label: t('admin.actions'), cell: (u) => (isAdmin ? toggleButton(u, refresh) : t('none'))}]}),
    isAdmin ? createForm('user-form', 'admin.add_user', [
      input('user-username', t('admin.username'), {required: true, maxlength: 64, autocomplete: 'off'}),
      input('user-display_name', t('admin.display_name'), {maxlength: 120}),
      h('div', {class: 'field'}, h('label', {for: 'user-role'}, t('admin.role')),
        h('select', {id: 'user-role', name: 'role'}, ROLES.map((r) => h('option', {value: r}, t('role.' + r))))),
      h('div', {class: 'field'}, h('label', {for: 'user-unit'}, t('admin.unit')),
        h('select', {id: 'user-unit', name: 'unit'}, h('option', {value: ''}, t('admin.no_unit')),
          units.map((u) => h('option', {value: u.code}, `${u.name} (${u.code})`)))),
      input('user-password', t('admin.password'), {required: true, type: 'password', minlength: 10,
        autocomplete: 'new-password'})], '/api/v1/users', refresh) : null);
}
