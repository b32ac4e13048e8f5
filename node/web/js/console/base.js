// The console's view of the common web modules (js/common): the API client, translation and
// element helpers in the shape the staff console and the coordinator dashboard use them. Every
// console page imports these names from here only.
import {ApiError, api, getToken, setToken} from '../common/api.js';
import {el, formatTime as commonFormatTime} from '../common/dom.js';
import {addStrings, bindLangSwitch, lang, onLangChange, t} from '../common/i18n.js';

export {ApiError, addStrings, bindLangSwitch, onLangChange as onLanguageChange, setToken, t};
export const token = getToken;
export const language = lang;

// Sends `method path` with an optional JSON body and the session token; resolves to the parsed
// body, rejects with ApiError (the node's code and message).
export function request(method, path, body) {
  return api(path, {method, body});
}

// Fetches `path` with the session token and saves the answer as `filename` (CSV exports and
// attachments, which a plain link cannot fetch with a bearer token). Rejects with ApiError.
export async function download(path, filename) {
  let response;
  try {
    response = await fetch(path, {headers: {Authorization: `Bearer ${getToken()}`}});
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  if (!response.ok) throw new ApiError(response.status, `http_${response.status}`, await response.text());
  const url = URL.createObjectURL(await response.blob());
  const a = el('a', {href: url, download: filename});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// A date-time in the reader's language, or '—' when absent (ISO text or epoch milliseconds).
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return t('none');
  return commonFormatTime(typeof value === 'number' ? new Date(value).toISOString() : value, lang());
}

// el() with listeners given as onclick/onchange/... attributes.
export function h(tag, attrs = {}, ...children) {
  const plain = {};
  const on = {};
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on') && typeof v === 'function') on[k.slice(2).toLowerCase()] = v;
    else plain[k] = v;
  }
  return el(tag, {...plain, on}, ...children);
}
