// What the console and dashboard browser tests share on top of harness.mjs: the federation they
// run on (a coordinator, the ministry kl:pupr and the regency kab:32.04), complaints filed and
// verified through the API, signing in at a console page as a node's admin, opening a case and
// submitting one of its action forms.
import { StaffClient, eventually, newPage, screenshot, startFederation } from './harness.mjs';

export const MINISTRY = 'kl:pupr';
export const REGENCY = 'kab:32.04';
export const REGENCY_UNIT = 'dinas-pu';

// A coordinator, a ministry for infrastructure and the regency of Bandung; members report to the
// coordinator every `reportIntervalS` seconds when given.
export async function startConsoleFederation({ reportIntervalS } = {}) {
  const fed = await startFederation([
    { nodeId: MINISTRY, region: '', name: 'Kementerian PUPR', initArgs: ['--class', 'ministry', '--categories', 'infrastruktur'] },
    { nodeId: REGENCY, region: '32.04', name: 'Pemerintah Kabupaten Bandung', initArgs: ['--class', 'regency'] },
  ], { reportIntervalS });
  fed.members.get(REGENCY).addUnit(REGENCY_UNIT, 'Dinas Pekerjaan Umum');
  return fed;
}

// Files a complaint at `node` about `category` in 32.04 (public intake); returns its tracking id.
export async function fileComplaint(node, category, title) {
  const res = await fetch(`${node.url}/api/v1/complaints`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ category, title, region: '32.04',
      body: 'Keluhan warga tentang layanan publik di Kabupaten Bandung.',
      reporter: { name: 'Siti Aminah', phone: '081234567890' } }),
  });
  const body = await res.json();
  if (res.status !== 201) throw new Error(`filing at ${node.id}: ${res.status} ${JSON.stringify(body)}`);
  return body.tracking_id;
}

// Files `count` complaints at `node`, cycling through `categories`, and verifies the first
// `verified` of them as its admin. Returns their tracking ids.
export async function seedCases(node, categories, count, verified) {
  const staff = await StaffClient.login(node.url, 'admin', node.adminPassword);
  const ids = [];
  for (let i = 0; i < count; i += 1) {
    const id = await fileComplaint(node, categories[i % categories.length], `Laporan uji ${i + 1}`);
    if (i < verified) await staff.post(`/api/v1/cases/${id}/verify`);
    ids.push(id);
  }
  return ids;
}

// Signs in as `node`'s admin at `path` ('/staff/' or '/dashboard/') and waits for the session.
export async function signIn(page, node, path) {
  await page.goto(`${node.url}${path}`);
  await page.getByLabel('Nama pengguna').fill('admin');
  await page.getByLabel('Kata sandi').fill(node.adminPassword);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator('#logout:not([hidden])').waitFor();
}

// Loads `url`, or reloads it when the page is already there (going to the same URL with a
// fragment would not load the page again).
export async function visit(page, url) {
  if (page.url() === url) await page.reload(); else await page.goto(url);
}

// Opens (or reloads) the case detail at `node` in the staff console and waits for its history.
export async function openCase(page, node, id) {
  await visit(page, `${node.url}/staff/#/case/${encodeURIComponent(id)}`);
  await page.locator('#history').waitFor();
}

// Opens `action`'s form in the case detail, fills it with `fill(page)`, submits and waits for the
// notice that this action (shown as `label`) was saved.
export async function act(page, action, label, fill = async () => {}) {
  await page.locator(`#action-${action} summary`).click();
  await fill(page);
  await page.getByRole('button', {name: `Kirim: ${label}`}).click();
  await page.locator('#status[data-kind=ok]', {hasText: `"${label}"`}).waitFor();
}

// A wide page signed in at `node`'s console, once case `id` forwarded from another node is in its
// queue of new cases: saves the queue as screenshot `shot` and opens the case.
export async function openForwarded(browser, node, id, shot) {
  const page = await newPage(browser, {width: 1280, height: 900});
  await signIn(page, node, '/staff/');
  const row = page.locator(`#queue tr[data-id="${id}"]`);
  await eventually(async () => {
    await visit(page, `${node.url}/staff/#/?state=submitted`);
    await page.locator('#queue, .empty').first().waitFor();
    return (await row.count()) === 1;
  }, {what: `the forwarded case in the queue of ${node.id}`, timeout: 30000});
  await screenshot(page, shot);
  await row.getByRole('link').click();
  await page.locator('#history').waitFor();
  return page;
}

// Accepts the open case (verify) and assigns it to the regency's unit.
export async function acceptAndAssign(page) {
  await act(page, 'verify', 'Verifikasi');
  await act(page, 'dispose', 'Disposisi ke unit', (p) => p.locator('#dispose-unit').selectOption(REGENCY_UNIT));
}
