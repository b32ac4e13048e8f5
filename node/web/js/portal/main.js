// The citizen portal: a hash-routed single page (#/ file, #/receipt, #/track, #/feed). Each view
// renders into <main>; on every page change focus moves to the view's heading and the live
// region announces it, so keyboard and screen-reader users follow along.
import { api } from '../common/api.js';
import { $, $$, announce, errorBox, focusHeading, replace } from '../common/dom.js';
import { addStrings, applyStrings, bindLangSwitch, onLangChange, t } from '../common/i18n.js';
import { portalStrings } from './strings.js';
import { renderFileView } from './file_view.js';
import { renderReceiptView } from './receipt_view.js';
import { renderTrackView } from './track_view.js';
import { renderFeedView } from './feed_view.js';

// What the views share: the node's public info and the last receipt of this tab.
const session = { node: null, submission: null };
// A view may return a function that relabels it after a language change (keeping what the user
// typed); views that return nothing are rendered again.
let relabel = null;

const views = {
  file: renderFileView,
  receipt: renderReceiptView,
  track: renderTrackView,
  feed: renderFeedView,
};

function viewOfHash() {
  const name = (location.hash.replace(/^#\/?/, '').split('?')[0] || 'file');
  return views[name] ? name : 'file';
}

async function show({ moveFocus }) {
  const name = viewOfHash();
  for (const link of $$('nav.tabs a')) {
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const main = $('#main');
  relabel = null;
  try {
    relabel = (await views[name](main, session, navigate)) || null;
  } catch (err) {
    replace(main, errorBox(err, t('error.load')));
  }
  applyStrings(main);
  const heading = main.querySelector('h1');
  if (heading) document.title = `${heading.textContent} — Simpul`;
  if (moveFocus) {
    focusHeading(main);
    if (heading) announce(heading.textContent);
  }
}

// Goes to view `name` (its hash), re-rendering even when the hash does not change.
function navigate(name) {
  const hash = name === 'file' ? '#/' : `#/${name}`;
  if (location.hash === hash) show({ moveFocus: true });
  else location.hash = hash;
}

async function loadNode() {
  try {
    session.node = await api('/api/v1/node', { auth: false });
    $('#node-name').textContent = session.node.name;
  } catch (err) {
    $('#node-name').textContent = `${t('error.load')}: ${err.message}`;
  }
}

addStrings(portalStrings);
applyStrings();
bindLangSwitch($('#lang-switch'));
onLangChange(() => {
  if (!relabel) return show({ moveFocus: false });
  relabel();
  return applyStrings($('#main'));
});
window.addEventListener('hashchange', () => show({ moveFocus: true }));
loadNode().then(() => show({ moveFocus: false }));
