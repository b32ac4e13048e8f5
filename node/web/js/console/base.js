// The console's view of the common web modules: the API client, translation and element
// helpers the staff console and the coordinator dashboard use. Temporary local versions until the
// common modules land; every page imports these names from here only.

const TOKEN_KEY = 'simpul.token';
const LANG_KEY = 'simpul.lang';
const dictionaries = [];
const languageListeners = [];

// An API failure as the server named it: HTTP status, error code and message.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() { return sessionStorage.getItem(TOKEN_KEY); }
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
}

// Sends a JSON request with the session token; resolves to the parsed body, rejects with ApiError.
export async function request(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const err = data && data.error ? data.error : {code: 'http_' + response.status, message: text};
    throw new ApiError(response.status, err.code, err.message);
  }
  return data;
}

// Fetches `path` with the session token as a file download (for CSV exports).
export async function download(path, filename) {
  const response = await fetch(path, {headers: {Authorization: `Bearer ${token()}`}});
  if (!response.ok) throw new ApiError(response.status, 'http_' + response.status, await response.text());
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function language() { return localStorage.getItem(LANG_KEY) || 'id'; }
export function setLanguage(lang) {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  for (const f of languageListeners) f(lang);
}
export function onLanguageChange(f) { languageListeners.push(f); }
export function addStrings(dict) { dictionaries.push(dict); }

// The text for `key` in the current language ({name} placeholders filled from `vars`).
export function t(key, vars = {}) {
  const lang = language();
  for (const d of dictionaries) {
    const s = (d[lang] && d[lang][key]) ?? (d.id && d.id[key]);
    if (s !== undefined) return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
  }
  return key;
}

// Creates <tag> with attributes (on* as listeners) and children (strings become text nodes).
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
