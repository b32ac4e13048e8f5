// Indonesian first, English second. Pages register dictionaries ({id: {...}, en: {...}}) and
// mark elements with data-i18n="key" (text) or data-i18n-attr="attr:key;attr:key" (attributes).
// The choice is kept in localStorage and sets <html lang>.

const LANG_KEY = 'simpul.lang';
const dictionaries = { id: {}, en: {} };
const listeners = [];
let current = readStoredLang();

function readStoredLang() {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    return stored === 'en' ? 'en' : 'id';
  } catch {
    return 'id';
  }
}

// Adds a page's strings. Later keys win.
export function addStrings(dicts) {
  for (const lang of ['id', 'en']) Object.assign(dictionaries[lang], dicts[lang] || {});
}

export function lang() {
  return current;
}

// The string for `key` in the current language, with {name} placeholders filled from `vars`.
// Falls back to Indonesian, then to the key itself (so a missing string is visible, not blank).
export function t(key, vars = {}) {
  const text = dictionaries[current][key] ?? dictionaries.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

// Fills every marked element under `root`.
export function applyStrings(root = document) {
  document.documentElement.lang = current;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of node.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) node.setAttribute(attr, t(key));
    }
  }
}

export function setLang(next) {
  current = next === 'en' ? 'en' : 'id';
  try {
    localStorage.setItem(LANG_KEY, current);
  } catch {
    // private mode: the choice lasts for this page only
  }
  applyStrings();
  for (const fn of listeners) fn(current);
}

// Calls `fn(lang)` after every language change (to re-render dynamic content).
export function onLangChange(fn) {
  listeners.push(fn);
}

// Wires a <button> that switches between the two languages; its label names the other one.
export function bindLangSwitch(button) {
  const label = () => {
    button.textContent = current === 'id' ? 'English' : 'Bahasa Indonesia';
    button.setAttribute('lang', current === 'id' ? 'en' : 'id');
    button.setAttribute('aria-label', current === 'id' ? 'Switch to English' : 'Ganti ke Bahasa Indonesia');
  };
  label();
  button.addEventListener('click', () => {
    setLang(current === 'id' ? 'en' : 'id');
    label();
  });
}
