// The staff console (/staff/): sign-in, then a hash-routed view — #/ (the queue, with its filters
// in the hash's query), #/case/<tracking id> (detail and actions), #/admin (units and users).
import {addStrings, h, t} from '/js/console/base.js';
import {startConsole} from '/js/console/session.js';
import strings from './strings.js';
import {renderQueue} from './queue.js';
import {renderCase} from './case_view.js';
import {renderAdmin} from './admin.js';

addStrings(strings);

// The current route: {view, id, params} from location.hash.
function route() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const params = new URLSearchParams(query);
  if (path.startsWith('case/')) return {view: 'case', id: decodeURIComponent(path.slice(5)), params};
  if (path === 'admin') return {view: 'admin', params};
  return {view: 'queue', params};
}

function navigation(user, current) {
  const link = (href, key, view) => h('a', {href, 'aria-current': current === view ? 'page' : null}, t(key));
  return h('nav', {class: 'views', 'aria-label': t('nav.label')},
    link('#/', 'nav.queue', 'queue'),
    user.role === 'node_admin' || user.role === 'supervisor' ? link('#/admin', 'nav.admin', 'admin') : null);
}

startConsole({
  titleKey: 'app.staff',
  render: async (main, user) => {
    const r = route();
    main.append(navigation(user, r.view));
    const section = h('section', {class: 'view'});
    main.append(section);
    if (r.view === 'case') await renderCase(section, user, r.id);
    else if (r.view === 'admin') await renderAdmin(section, user);
    else await renderQueue(section, user, r.params);
  },
});
