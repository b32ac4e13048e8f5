// Small DOM helpers. Data is only ever inserted as text (textContent / text nodes), never as
// HTML, so a complaint's title cannot inject markup.

// Creates <tag> with attributes and children. attrs: plain attributes, plus `class`, `text`
// (textContent), `on` ({event: handler}), `dataset`, and boolean properties (hidden, disabled,
// checked, required) set when true. Children: nodes, strings (as text), null/false (skipped),
// or arrays of those.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) node.addEventListener(ev, fn);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (['hidden', 'disabled', 'checked', 'required', 'selected', 'multiple'].includes(key)) {
      node[key] = Boolean(value);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// Replaces the children of `node`.
export function replace(node, ...children) {
  clear(node);
  append(node, children);
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $$(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

// Says `message` through the page's ARIA live region (an element with id "live").
export function announce(message) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  // A fresh text node after a tick makes screen readers repeat an identical message.
  setTimeout(() => { live.textContent = message; }, 30);
}

// Moves keyboard focus to the first heading of `container` (after a page change).
export function focusHeading(container) {
  const heading = container.querySelector('h1, h2');
  if (!heading) return;
  heading.setAttribute('tabindex', '-1');
  heading.focus();
}

// A date-time in the reader's locale; `lang` is 'id' or 'en'.
export function formatTime(iso, lang) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

// An error box (role=alert) showing an ApiError's message and code.
export function errorBox(err, prefix) {
  const code = err && err.code ? ` (${err.code})` : '';
  return el('div', { class: 'notice error', role: 'alert' },
    prefix ? `${prefix}: ` : '', `${err && err.message ? err.message : String(err)}${code}`);
}
