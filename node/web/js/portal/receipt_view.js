// The receipt page shown once after filing: tracking id, access code (with a save/print prompt),
// a download of the signed receipt, and the browser's own check of the receipt and its proof.
import { api } from '../common/api.js';
import { announce, el, replace } from '../common/dom.js';
import { t } from '../common/i18n.js';
import { checkReceipt } from '../common/receipt_check.js';

const BADGE = { ok: 'check.ok', bad: 'check.bad', wait: 'check.wait', skip: 'check.skip' };
const BADGE_CLASS = { ok: 'ok', bad: 'bad', wait: 'wait', skip: 'wait' };

function downloadReceipt(submission) {
  const { filed_at_node: node, ...receipt } = submission;
  const blob = new Blob([JSON.stringify({ ...receipt, node: node?.node_id }, null, 2)],
    { type: 'application/json' });
  const link = el('a', { href: URL.createObjectURL(blob), download: `${submission.tracking_id}.receipt.json` });
  document.body.append(link);
  link.click();
  link.remove();
}

// The proof bundle, or null while the node answers 503 (no witnessed checkpoint yet).
async function fetchBundle(trackingId) {
  try {
    return await api(`/api/v1/receipts/${encodeURIComponent(trackingId)}/proof`, { auth: false });
  } catch (err) {
    if (err.status === 503) return null;
    throw err;
  }
}

function resultItem(r) {
  const detail = r.status === 'ok' ? t(`check.${r.id}.ok`, r.vars || {}) : (r.messageKey ? t(r.messageKey) : r.message);
  return el('li', { 'data-check': r.id, 'data-status': r.status },
    el('span', { class: `badge ${BADGE_CLASS[r.status]}` }, t(BADGE[r.status])),
    el('span', {}, el('strong', {}, t(`check.${r.id}`)), el('br'), detail));
}

function paintChecks(box, results) {
  const bad = results.some((r) => r.status === 'bad');
  const waiting = results.some((r) => r.status === 'wait');
  const allOk = results.every((r) => r.status === 'ok');
  let summary = t('check.available_ok');
  if (bad) summary = t('check.some_bad');
  else if (waiting) summary = t('check.pending');
  else if (allOk) summary = t('check.all_ok');
  replace(box,
    el('ul', { class: 'checks' }, results.map(resultItem)),
    el('p', { class: `notice ${bad ? 'error' : (waiting ? 'wait' : 'ok')}`, id: 'check-summary' }, summary));
  return summary;
}

export async function renderReceiptView(main, session, navigate) {
  const s = session.submission;
  if (!s) {
    replace(main, el('h1', { 'data-i18n': 'receipt.title' }),
      el('p', { class: 'notice' }, t('receipt.no_receipt')),
      el('p', {}, el('a', { href: '#/track', 'data-i18n': 'nav.track' })));
    return null;
  }
  const checks = el('div', { id: 'receipt-checks', 'aria-live': 'polite' }, el('p', {}, t('loading')));
  let results = null;
  const run = async () => {
    replace(checks, el('p', {}, t('loading')));
    try {
      results = await checkReceipt(s.receipt, s.filed_at_node, await fetchBundle(s.tracking_id));
      announce(paintChecks(checks, results));
    } catch (err) {
      results = [{ id: 'inclusion', status: 'bad', message: err.message }];
      paintChecks(checks, results);
    }
  };
  replace(main,
    el('h1', { 'data-i18n': 'receipt.title' }),
    el('div', { class: 'panel' },
      el('p', { 'data-i18n': 'receipt.tracking_id' }),
      el('p', { class: 'big-code', id: 'tracking-id' }, s.tracking_id),
      el('p', { 'data-i18n': 'receipt.access_code' }),
      el('p', { class: 'big-code', id: 'access-code' }, s.access_code)),
    el('p', { class: 'notice wait', role: 'note', 'data-i18n': 'receipt.save' }),
    el('div', { class: 'actions' },
      el('button', { type: 'button', on: { click: () => window.print() }, 'data-i18n': 'receipt.print' }),
      el('button', { type: 'button', class: 'secondary', on: { click: () => downloadReceipt(s) }, 'data-i18n': 'receipt.download' }),
      el('button', { type: 'button', class: 'secondary', on: { click: () => { session.trackPrefill = s; navigate('track'); } }, 'data-i18n': 'receipt.track' })),
    el('h2', { 'data-i18n': 'receipt.checks' }),
    el('p', { class: 'hint', 'data-i18n': 'receipt.checks.intro' }),
    checks,
    el('p', { class: 'hint', 'data-i18n': 'check.keys_note' }),
    el('div', { class: 'actions no-print' },
      el('button', { type: 'button', class: 'secondary', id: 'recheck', on: { click: run }, 'data-i18n': 'receipt.recheck' })));
  run();
  return () => { if (results) paintChecks(checks, results); };
}
