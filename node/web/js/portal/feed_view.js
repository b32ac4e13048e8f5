// The public feed: non-confidential reports, newest first, paged with "load more".
import { api } from '../common/api.js';
import { el, formatTime, replace } from '../common/dom.js';
import { lang, t } from '../common/i18n.js';

const PAGE = 20;

function item(c) {
  return el('li', { class: 'card' },
    el('h3', {}, c.title),
    el('p', { class: 'meta' },
      `${c.tracking_id} · ${t(`class.${c.classification}`)} · ${c.category} · ${c.region} · ${formatTime(c.submitted_at, lang())}`),
    el('p', {}, `${t('track.state')}: `, el('span', { class: 'state' }, t(`state.${c.state}`))),
    el('p', {}, c.body.length > 400 ? `${c.body.slice(0, 400)}…` : c.body));
}

export async function renderFeedView(main) {
  const items = [];
  let total = 0;
  const list = el('ul', { id: 'feed', class: 'plain' });
  const status = el('p', { class: 'hint', 'aria-live': 'polite' });
  const more = el('button', { type: 'button', class: 'secondary' });
  const paint = () => {
    replace(list, items.length ? items.map(item) : el('li', {}, t('feed.empty')));
    status.textContent = t('feed.count', { shown: items.length, total });
    more.textContent = t('feed.more');
    more.hidden = items.length >= total;
  };
  const load = async () => {
    const page = await api('/api/v1/feed', { query: { limit: PAGE, offset: items.length }, auth: false });
    items.push(...page.items);
    total = page.total;
    paint();
  };
  more.addEventListener('click', load);
  replace(main, el('h1', { 'data-i18n': 'feed.title' }), el('p', { 'data-i18n': 'feed.intro' }),
    status, list, el('div', { class: 'actions' }, more));
  await load();
  return paint;
}
