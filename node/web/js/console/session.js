// The frame shared by the staff console and the coordinator dashboard: header with the language
// switch and the signed-in user, the sign-in form (POST /api/v1/auth/login; the token lives in
// sessionStorage), sign-out, and a status line announced to screen readers.
import {ApiError, addStrings, bindLangSwitch, h, language, onLanguageChange, request, setToken, t,
  token} from './base.js';
import strings from './strings.js';

addStrings(strings);

let statusLine = null;

// Shows `text` in the page's live status line (kind: 'info' | 'error' | 'ok').
export function announce(text, kind = 'info') {
  if (!statusLine) return;
  statusLine.textContent = text;
  statusLine.dataset.kind = kind;
}

// Shows an API failure in the status line, with the server's own message.
export function announceError(e) {
  announce(t('error', {message: e.message || String(e)}), 'error');
}

function loginForm(onSignedIn) {
  const user = h('input', {id: 'login-user', name: 'username', autocomplete: 'username', required: true});
  const pass = h('input', {id: 'login-pass', name: 'password', type: 'password',
    autocomplete: 'current-password', required: true});
  const error = h('p', {class: 'form-error', role: 'alert', id: 'login-error'});
  const form = h('form', {class: 'card login', 'aria-labelledby': 'login-title'},
    h('h2', {id: 'login-title'}, t('login.title')),
    h('label', {for: 'login-user'}, t('login.username')), user,
    h('label', {for: 'login-pass'}, t('login.password')), pass,
    error,
    h('button', {type: 'submit'}, t('login.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    try {
      const r = await request('POST', '/api/v1/auth/login', {username: user.value, password: pass.value});
      setToken(r.token);
      onSignedIn(r.user);
    } catch (e) {
      if (e.status === 429) error.textContent = `${t('login.locked')} (${e.message})`;
      else if (e.status === 401) error.textContent = t('login.failed');
      else error.textContent = t('error', {message: e.message});
      pass.value = '';
      pass.focus();
    }
  });
  setTimeout(() => user.focus(), 0);
  return form;
}

// Starts a console page. `render(main, user)` draws the signed-in view into `main` (again after a
// language switch, and after a change of the URL hash when `hashRoutes`); it may reject with
// ApiError 401 to force a new sign-in. Returns {redraw}.
export function startConsole({titleKey, render, hashRoutes = true}) {
  document.documentElement.lang = language();
  const title = h('h1', {});
  const langButton = h('button', {type: 'button', class: 'link', id: 'lang-switch'});
  const who = h('span', {class: 'who', id: 'who'});
  const logout = h('button', {type: 'button', class: 'link', id: 'logout', hidden: true});
  statusLine = h('p', {class: 'status', role: 'status', 'aria-live': 'polite', id: 'status'});
  const main = h('main', {id: 'main', tabindex: '-1'});
  let user = null;

  const draw = async () => {
    document.title = t(titleKey);
    skip.textContent = t('skip');
    title.textContent = t(titleKey);
    logout.textContent = t('logout');
    logout.hidden = !user;
    who.textContent = user ? t('signed_in_as', {user: user.username, role: t('role.' + user.role)}) : '';
    main.replaceChildren();
    if (!user) {
      main.append(loginForm((u) => { user = u; announce(''); draw(); }));
      return;
    }
    try {
      await render(main, user);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setToken(null);
        user = null;
        announce(t('session.expired'), 'error');
        draw();
      } else if (e instanceof ApiError && e.status === 403) {
        main.replaceChildren(h('p', {class: 'card', role: 'alert'}, t('forbidden'), ' ', e.message));
      } else {
        announceError(e);
      }
    }
  };

  bindLangSwitch(langButton);
  onLanguageChange(draw);
  logout.addEventListener('click', async () => {
    try { await request('POST', '/api/v1/auth/logout'); } catch { /* the token is dropped anyway */ }
    setToken(null);
    user = null;
    draw();
  });
  if (hashRoutes) window.addEventListener('hashchange', () => { if (user) draw(); });

  // Focuses the content without touching the hash, which routes the console.
  const skip = h('a', {href: '#main', class: 'skip-link', onclick: (ev) => { ev.preventDefault(); main.focus(); }});
  document.body.replaceChildren(skip,
    h('header', {class: 'top'}, title, h('nav', {class: 'tools'}, who, langButton, logout)),
    statusLine, main);

  (async () => {
    if (token()) {
      try { user = await request('GET', '/api/v1/auth/me'); } catch { setToken(null); }
    }
    draw();
  })();
  return {redraw: () => draw()};
}
