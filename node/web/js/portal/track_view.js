// Tracking with the tracking id and access code: state, the citizen-visible history, the
// agency's answers, and a reply form.
import { api } from '../common/api.js';
import { $, announce, el, errorBox, focusHeading, formatTime, replace } from '../common/dom.js';
import { lang, t } from '../common/i18n.js';

function stateName(state) {
  return t(`state.${state}`);
}

function flagsOf(c) {
  const flags = [];
  if (c.anonymous) flags.push(t('flag.anonymous'));
  if (c.confidential) flags.push(t('flag.confidential'));
  return flags.length ? flags.join(', ') : t('flag.none');
}

function historyItem(e) {
  return el('li', {},
    el('strong', {}, t(`action.${e.action}`)), ' — ', stateName(e.state_after),
    el('div', { class: 'meta' }, `${formatTime(e.at, lang())} · ${t(`actor.${e.actor}`)}`),
    e.message ? el('p', {}, e.message) : null);
}

function caseView(c) {
  const answers = c.events.filter((e) => e.message && e.actor !== 'reporter');
  return el('section', { id: 'case', 'aria-labelledby': 'case-title' },
    el('h2', { id: 'case-title' }, `${c.tracking_id}: ${c.title}`),
    el('p', {}, `${t('track.state')}: `, el('span', { class: 'state', id: 'case-state', 'data-state': c.state }, stateName(c.state))),
    c.overdue ? el('p', { class: 'notice error' }, t('track.overdue')) : null,
    c.handled_by ? el('p', {}, t('track.handled_by', { node: c.handled_by, state: stateName(c.handler_state) })) : null,
    el('p', { class: 'meta' },
      `${t('track.submitted')}: ${formatTime(c.submitted_at, lang())} · ${t('track.updated')}: ${formatTime(c.updated_at, lang())} · ${t('track.flags', { flags: flagsOf(c) })}`),
    el('p', {}, c.body),
    c.attachments.length ? el('div', {}, el('h3', {}, t('track.attachments')),
      el('ul', {}, c.attachments.map((a) => el('li', {}, `${a.filename} (${a.size} B)`)))) : null,
    el('h3', {}, t('track.answers')),
    answers.length
      ? el('div', { id: 'answers' }, answers.map((e) => el('div', { class: 'card' },
        el('div', { class: 'meta' }, `${formatTime(e.at, lang())} · ${t(`action.${e.action}`)}`), el('p', {}, e.message))))
      : el('p', { id: 'answers' }, t('track.no_answer')),
    el('h3', {}, t('track.history')),
    el('ol', { class: 'history' }, c.events.map(historyItem)));
}

function replyForm(onSend) {
  const form = el('form', { id: 'reply-form', novalidate: true },
    el('h2', {}, t('track.reply')),
    el('p', { class: 'hint', id: 'reply-hint' }, t('track.reply.hint')),
    el('div', { class: 'field' },
      el('label', { for: 'reply-message' }, t('track.reply.message')),
      el('textarea', { id: 'reply-message', required: true, maxlength: 10000, 'aria-describedby': 'reply-hint' })),
    el('div', { id: 'reply-status' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, t('track.reply.send'))));
  form.addEventListener('submit', (event) => { event.preventDefault(); onSend(form); });
  return form;
}

export async function renderTrackView(main, session) {
  const prefill = session.trackPrefill || {};
  const result = el('div', { id: 'track-result' });
  let current = null;
  let credentials = null;
  const paint = () => {
    if (!current) return;
    // A closed or archived report takes no more replies (the node would refuse them).
    const ended = current.state === 'closed' || current.state === 'archived';
    replace(result, caseView(current), ended
      ? el('p', { class: 'notice', id: 'reply-ended' }, t('track.reply.ended', { state: stateName(current.state).toLowerCase() }))
      : replyForm(sendReply));
  };
  const sendReply = async (form) => {
    const status = $('#reply-status', form);
    try {
      current = await api(`/api/v1/complaints/${encodeURIComponent(credentials.id)}/replies`,
        { body: { access_code: credentials.code, message: $('#reply-message', form).value.trim() }, auth: false });
      paint();
      replace($('#reply-status', result), el('p', { class: 'notice ok', role: 'status' }, t('track.reply.sent')));
      announce(t('track.reply.sent'));
    } catch (err) {
      replace(status, errorBox(err, t('track.reply.failed')));
    }
  };
  const form = el('form', { id: 'track-form', novalidate: true },
    el('div', { class: 'row' },
      el('div', { class: 'field' }, el('label', { for: 'track-id', 'data-i18n': 'track.id' }),
        el('input', { type: 'text', id: 'track-id', required: true, autocomplete: 'off', value: prefill.tracking_id || '' })),
      el('div', { class: 'field' }, el('label', { for: 'track-code', 'data-i18n': 'track.code' }),
        el('input', { type: 'text', id: 'track-code', required: true, autocomplete: 'off', value: prefill.access_code || '' }))),
    el('div', { class: 'actions' }, el('button', { type: 'submit', 'data-i18n': 'track.submit' })));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    credentials = { id: $('#track-id', form).value.trim(), code: $('#track-code', form).value.trim() };
    try {
      current = await api(`/api/v1/complaints/${encodeURIComponent(credentials.id)}/track`,
        { body: { access_code: credentials.code }, auth: false });
      paint();
      announce(t('track.found', { id: current.tracking_id, state: stateName(current.state) }));
      focusHeading(result);
    } catch (err) {
      current = null;
      replace(result, errorBox(err, t('track.failed')));
      announce(`${t('track.failed')}: ${err.message}`);
    }
  });
  replace(main, el('h1', { 'data-i18n': 'track.title' }), el('p', { 'data-i18n': 'track.intro' }), form, result);
  return paint;
}
