// The action forms of a case: one disclosure per action the server lists in allowed_actions for
// this user and state (plus erase_identity for a node admin while an identity is held), each with
// the fields that action needs. A refusal (409) names the actions allowed now, in words.
import {ApiError, h, language, request, t} from '/js/console/base.js';
import {announce} from '/js/console/session.js';

const ARCHIVE_REASONS = ['incomplete', 'not_public_service', 'duplicate', 'out_of_scope', 'abusive'];
const CLASSIFICATIONS = ['complaint', 'aspiration', 'information_request'];

function field(action, name, label, input) {
  input.id = `${action}-${name}`;
  input.name = name;
  return h('div', {class: 'field'}, h('label', {for: input.id}, label), input);
}

const text = (required, max = 2000) => h('textarea', {rows: 3, required, maxlength: max});
const select = (options, required) => h('select', {required},
  required ? null : h('option', {value: ''}, t('f.keep')), options.map(([v, label]) => h('option', {value: v}, label)));

// Route suggestions from the directory, as radio buttons that fill `target`.
function suggestions(action, c, target) {
  const box = h('fieldset', {class: 'suggestions'}, h('legend', {}, t('f.suggestions')));
  request('GET', `/api/v1/cases/${encodeURIComponent(c.tracking_id)}/routes`).then((r) => {
    if (r.suggestions.length === 0) box.append(h('p', {}, t('f.no_suggestions')));
    r.suggestions.forEach((s, i) => {
      const id = `${action}-route-${i}`;
      const radio = h('input', {type: 'radio', name: `${action}-route`, id, value: s.node_id,
        onchange: () => { target.value = s.node_id; }});
      box.append(h('div', {class: 'check'}, radio, h('label', {for: id}, `${s.name} (${s.node_id}) — ${s.reason}`)));
    });
    if (r.suggestions.length > 0 && !target.value) {
      box.querySelector('input').checked = true;
      target.value = r.suggestions[0].node_id;
    }
  }).catch((e) => box.append(h('p', {}, t('error', {message: e.message}))));
  return box;
}

// The inputs of `action` as [element, ...]; each named input becomes a body field.
function fieldsOf(action, c, context) {
  const f = (name, label, input) => field(action, name, t(label), input);
  switch (action) {
    case 'request_info': case 'respond': case 'resolve':
      return [f('message', 'f.message', text(true, 10000))];
    case 'provide_info':
      return [f('message', 'f.message', text(false, 10000))];
    case 'archive':
      return [f('archive_reason', 'f.archive_reason', select(ARCHIVE_REASONS.map((r) => [r, t('archive.' + r)]), true)),
        f('duplicate_of', 'f.duplicate_of', h('input', {maxlength: 40})), f('reason', 'f.reason', text(false))];
    case 'classify':
      return [f('category', 'f.category', select(context.categories.filter((x) => x.active && x.parent)
        .map((x) => [x.code, `${language() === 'en' && x.name_en ? x.name_en : x.name_id} (${x.code})`]), false)),
      f('classification', 'f.classification', select(CLASSIFICATIONS.map((x) => [x, t('class.' + x)]), false)),
      f('reason', 'f.reason', text(false))];
    case 'dispose':
      return [f('unit', 'f.unit', select(context.units.map((u) => [u.code, `${u.name} (${u.code})`]), true)),
        f('reason', 'f.reason', text(false))];
    case 'forward': {
      const target = h('input', {required: true, maxlength: 80, placeholder: 'kab:32.04'});
      return [suggestions(action, c, target), f('target_node', 'f.target_node', target), f('reason', 'f.reason', text(false))];
    }
    case 'decline': {
      const target = h('input', {required: true, maxlength: 80});
      return [f('reason', 'f.reason', text(true)), suggestions(action, c, target),
        f('target_node', 'f.suggested_node', target)];
    }
    case 'erase_identity':
      return [f('reason', 'f.reason', text(true))];
    default:
      return [f('reason', 'f.reason', text(false))];
  }
}

// "cannot x a case in state y; allowed: a, b" → the allowed actions in words.
function allowedFrom(message) {
  const m = /allowed: (.*)$/.exec(message || '');
  if (!m) return message;
  return m[1].split(', ').map((a) => (a === 'none' ? t('none') : t('action.' + a))).join(', ');
}

function actionForm(action, c, context, redraw) {
  const error = h('div', {class: 'form-error', role: 'alert', id: `${action}-error`});
  const form = h('form', {class: 'action', 'data-action': action}, fieldsOf(action, c, context), error,
    h('button', {type: 'submit'}, t('f.submit', {action: t('action.' + action)})));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.replaceChildren();
    const body = {};
    for (const [k, v] of new FormData(form)) if (v && !k.endsWith('-route')) body[k] = v;
    try {
      const updated = await request('POST', `${context.path}/${action}`, body);
      redraw(updated);
      announce(t('case.done', {action: t('action.' + action)}), 'ok');
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        error.append(h('p', {}, t('case.conflict', {allowed: allowedFrom(e.message)})), h('p', {class: 'detail'}, e.message));
      } else {
        error.append(h('p', {}, t('error', {message: e.message})));
      }
    }
  });
  return h('details', {class: 'action', id: `action-${action}`}, h('summary', {}, t('action.' + action)), form);
}

export function actionForms(c, user, context, redraw) {
  const actions = c.allowed_actions.slice();
  if (user.role === 'node_admin' && c.identity !== 'none' && c.identity !== 'erased') actions.push('erase_identity');
  return h('section', {class: 'card case-actions', 'aria-labelledby': 'actions-title'},
    h('h3', {id: 'actions-title'}, t('case.actions')),
    actions.length === 0 ? h('p', {}, t('case.no_actions')) : actions.map((a) => actionForm(a, c, context, redraw)));
}
