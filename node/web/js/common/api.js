// Fetch wrapper for the node's JSON API. Every failure becomes an ApiError whose `code` and
// `message` come from the node's {"error":{"code","message"}} body (or name the network failure),
// so pages can show the node's own words to the user. Staff pages keep their bearer token in
// sessionStorage (gone when the tab closes); public pages never send one.

const TOKEN_KEY = 'simpul.token';

export class ApiError extends Error {
  // status: HTTP status (0 when the node could not be reached); code: the node's error code.
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Calls `path` (e.g. '/api/v1/node'). Options: method (default GET, or POST with a body), body
// (serialised as JSON), query (an object; empty values are left out), auth (send the stored
// token; default true when one is stored), accept ('json' default, or 'text').
// Resolves to the parsed body (null for 204); rejects with ApiError.
export async function api(path, options = {}) {
  const method = options.method || (options.body !== undefined ? 'POST' : 'GET');
  const headers = { Accept: options.accept === 'text' ? 'text/plain, */*' : 'application/json' };
  const token = getToken();
  if (token && options.auth !== false) headers.Authorization = `Bearer ${token}`;
  let body;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let response;
  try {
    response = await fetch(withQuery(path, options.query), { method, headers, body });
  } catch (err) {
    throw new ApiError(0, 'network', `node unreachable: ${err.message}`);
  }
  return readResponse(response, options.accept);
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function readResponse(response, accept) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (response.ok) {
    if (accept === 'text') return text;
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiError(response.status, 'bad_response', 'the node sent a response that is not JSON');
    }
  }
  let code = `http_${response.status}`;
  let message = response.statusText || 'request failed';
  try {
    const parsed = JSON.parse(text);
    if (parsed && parsed.error) {
      code = parsed.error.code || code;
      message = parsed.error.message || message;
    }
  } catch {
    // not JSON: keep the status text
  }
  throw new ApiError(response.status, code, message);
}
