// The complaint form: classification, hierarchical category, province → regency, title, body,
// date, address, attachments (checked for count, type and size before sending, then sent as
// base64), the anonymous and confidential flags explained, and identity fields unless anonymous.
import { api } from '../common/api.js';
import { $, announce, el, errorBox, replace } from '../common/dom.js';
import { lang, t } from '../common/i18n.js';

const MAX_FILES = 5;
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const FILE_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];

export function formatBytes(n) {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.ceil(n / 1024)} KB`;
  return `${n} B`;
}

function field(id, labelKey, control, hintKey) {
  const hintId = hintKey ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return el('div', { class: 'field' },
    el('label', { for: id, 'data-i18n': labelKey }),
    hintKey ? el('p', { class: 'hint', id: hintId, 'data-i18n': hintKey }) : null,
    control);
}

function check(id, labelKey, hintKey) {
  return el('div', { class: 'field' },
    el('label', { class: 'check', for: id },
      el('input', { type: 'checkbox', id, name: id, 'aria-describedby': `${id}-hint` }),
      el('span', { 'data-i18n': labelKey })),
    el('p', { class: 'hint', id: `${id}-hint`, 'data-i18n': hintKey }));
}

function fillOptions(select, items, labelOf, emptyKey) {
  const keep = select.value;
  replace(select, el('option', { value: '' }, t(emptyKey)),
    items.map((item) => el('option', { value: item.code }, labelOf(item))));
  if (items.some((i) => i.code === keep)) select.value = keep;
}

function categoryName(c) {
  return lang() === 'en' ? c.name_en : c.name_id;
}

// Reads the chosen files as base64 after checking them; throws a message for the first problem.
async function readAttachments(input) {
  const files = Array.from(input.files || []);
  if (files.length > MAX_FILES) throw new Error(t('file.attachments.too_many', { count: MAX_FILES }));
  const out = [];
  for (const file of files) {
    if (!FILE_TYPES.includes(file.type)) throw new Error(t('file.attachments.bad_type', { name: file.name }));
    if (file.size > MAX_FILE_BYTES) {
      throw new Error(t('file.attachments.too_big',
        { name: file.name, size: formatBytes(file.size), limit: formatBytes(MAX_FILE_BYTES) }));
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    out.push({ filename: file.name, media_type: file.type, content_base64: btoa(binary) });
  }
  return out;
}

function buildForm() {
  const select = (id) => el('select', { id, name: id });
  const text = (id, attrs = {}) => el('input', { type: 'text', id, name: id, ...attrs });
  return el('form', { id: 'complaint-form', novalidate: true },
    field('classification', 'file.classification',
      el('select', { id: 'classification', name: 'classification', required: true },
        ['complaint', 'aspiration', 'information_request'].map((c) =>
          el('option', { value: c, 'data-i18n': `class.${c}` })))),
    el('div', { class: 'row' },
      field('category', 'file.category', select('category')),
      field('subcategory', 'file.subcategory', select('subcategory'))),
    el('div', { class: 'row' },
      field('province', 'file.province', select('province')),
      field('regency', 'file.regency', select('regency'))),
    field('title', 'file.report_title', text('title', { maxlength: 200, required: true }),
      'file.report_title.hint'),
    field('body', 'file.body', el('textarea', { id: 'body', name: 'body', maxlength: 20000, required: true }),
      'file.body.hint'),
    el('div', { class: 'row' },
      field('incident_date', 'file.incident_date', el('input', { type: 'date', id: 'incident_date', name: 'incident_date' })),
      field('address', 'file.address', text('address', { maxlength: 500 }))),
    el('div', { class: 'field' },
      el('label', { for: 'attachments', 'data-i18n': 'file.attachments' }),
      el('p', { class: 'hint', id: 'attachments-hint' }),
      el('input', { type: 'file', id: 'attachments', name: 'attachments', multiple: true,
        accept: FILE_TYPES.join(','), 'aria-describedby': 'attachments-hint attachments-status' }),
      el('p', { class: 'hint', id: 'attachments-status', 'aria-live': 'polite' })),
    el('fieldset', {},
      el('legend', { 'data-i18n': 'file.privacy' }),
      check('anonymous', 'file.anonymous', 'file.anonymous.hint'),
      check('confidential', 'file.confidential', 'file.confidential.hint')),
    el('fieldset', { id: 'identity' },
      el('legend', { 'data-i18n': 'file.identity' }),
      el('p', { class: 'hint', 'data-i18n': 'file.identity.hint' }),
      field('reporter_name', 'file.name', text('reporter_name', { autocomplete: 'name', maxlength: 300 })),
      el('div', { class: 'row' },
        field('reporter_phone', 'file.phone', el('input', { type: 'tel', id: 'reporter_phone', autocomplete: 'tel', maxlength: 300 })),
        field('reporter_email', 'file.email', el('input', { type: 'email', id: 'reporter_email', autocomplete: 'email', maxlength: 300 }))),
      field('reporter_nik', 'file.nik', text('reporter_nik', { inputmode: 'numeric', maxlength: 16 }))),
    el('div', { id: 'form-status' }),
    el('div', { class: 'actions' }, el('button', { type: 'submit', 'data-i18n': 'file.submit' })));
}

function complaintFrom(form, attachments) {
  const v = (id) => $(`#${id}`, form).value.trim();
  const anonymous = $('#anonymous', form).checked;
  const complaint = {
    classification: v('classification'),
    category: v('subcategory') || v('category'),
    region: v('regency') || v('province'),
    title: v('title'),
    body: v('body'),
    anonymous,
    confidential: $('#confidential', form).checked,
    channel: 'web',
    attachments,
  };
  if (v('incident_date')) complaint.incident_date = v('incident_date');
  if (v('address')) complaint.address = v('address');
  if (!anonymous) {
    complaint.reporter = { name: v('reporter_name'), phone: v('reporter_phone'),
      email: v('reporter_email'), nik: v('reporter_nik') };
  }
  return complaint;
}

export async function renderFileView(main, session, navigate) {
  const [categories, provinces] = await Promise.all([
    api('/api/v1/categories', { auth: false }),
    api('/api/v1/regions', { auth: false }),
  ]);
  const active = categories.items.filter((c) => c.active);
  const form = buildForm();
  replace(main, el('h1', { 'data-i18n': 'file.title' }), el('p', { 'data-i18n': 'file.intro' }), form);

  const regencies = new Map();
  const relabel = () => {
    fillOptions($('#category', form), active.filter((c) => !c.parent), categoryName, 'choose');
    fillOptions($('#subcategory', form), active.filter((c) => c.parent === $('#category', form).value),
      categoryName, 'file.subcategory.none');
    fillOptions($('#province', form), provinces.items, (r) => r.name, 'choose');
    fillOptions($('#regency', form), regencies.get($('#province', form).value) || [], (r) => r.name,
      'file.regency.none');
    $('#attachments-hint', form).textContent =
      t('file.attachments.hint', { count: MAX_FILES, size: formatBytes(MAX_FILE_BYTES) });
  };
  relabel();

  $('#category', form).addEventListener('change', relabel);
  $('#province', form).addEventListener('change', async () => {
    const code = $('#province', form).value;
    if (code && !regencies.has(code)) {
      const page = await api('/api/v1/regions', { query: { parent: code }, auth: false });
      regencies.set(code, page.items);
    }
    relabel();
  });
  $('#anonymous', form).addEventListener('change', () => {
    $('#identity', form).hidden = $('#anonymous', form).checked;
  });
  $('#attachments', form).addEventListener('change', async () => {
    const status = $('#attachments-status', form);
    try {
      const files = await readAttachments($('#attachments', form));
      const total = files.reduce((n, f) => n + f.content_base64.length * 0.75, 0);
      status.textContent = files.length ? t('file.attachments.ok', { count: files.length, size: formatBytes(total) }) : '';
      $('#attachments', form).removeAttribute('aria-invalid');
    } catch (err) {
      status.textContent = err.message;
      $('#attachments', form).setAttribute('aria-invalid', 'true');
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(form, session, navigate);
  });
  return relabel;
}

async function submit(form, session, navigate) {
  const status = $('#form-status', form);
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  replace(status, el('p', { class: 'notice wait', role: 'status' }, t('file.sending')));
  try {
    const attachments = await readAttachments($('#attachments', form));
    const complaint = complaintFrom(form, attachments);
    if (!complaint.anonymous && (!complaint.reporter.name ||
        (!complaint.reporter.phone && !complaint.reporter.email))) {
      throw new Error(t('file.need_contact'));
    }
    const result = await api('/api/v1/complaints', { body: complaint, auth: false });
    session.submission = { ...result, filed_at_node: session.node };
    navigate('receipt');
  } catch (err) {
    replace(status, errorBox(err, t('file.failed')));
    announce(`${t('file.failed')}: ${err.message}`);
    button.disabled = false;
  }
}
