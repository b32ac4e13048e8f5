// The citizen flow in a real browser against a real node: file a complaint in the portal (with
// an attachment) → the receipt's signature and inclusion proof verify in the browser → staff act
// through the API (verify, dispose, respond, resolve) → the citizen tracks the case, sees the
// answer and replies. Also: the static serving headers over real HTTP, the English switch, the
// public feed, a phone-sized viewport, and that a tampered receipt fails the in-browser check.
// The node is a member of a real federation (coordinator + member, mutual TLS), so the receipt
// check includes the witness cosignature. Screenshots go to build/artifacts/screenshots/portal-*.png.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, launchBrowser, newPage, screenshot, StaffClient, startFederation } from './harness.mjs';

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const TITLE = 'Jalan berlubang di depan SDN 1 Soreang';

let fed;
let node;
let browser;
let page;
const filed = {};

before(async () => {
  browser = await launchBrowser();
  // A member of a real federation, so the receipt's proof is witnessed by the coordinator.
  fed = await startFederation([{ nodeId: 'kab:32.04', region: '32.04', name: 'Pemerintah Kabupaten Bandung',
    initArgs: ['--class', 'regency'] }]);
  node = fed.members.get('kab:32.04');
  node.addUnit('pu', 'Dinas Pekerjaan Umum');
  page = await newPage(browser);
});

after(async () => {
  if (browser) await browser.close();
  if (fed) await fed.stop();
});

test('the node serves the portal with strict security headers and refuses traversal', async () => {
  const res = await fetch(`${node.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
  assert.doesNotMatch(res.headers.get('content-security-policy'), /unsafe-inline/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  const etag = res.headers.get('etag');
  assert.equal((await fetch(`${node.url}/`, { headers: { 'If-None-Match': etag } })).status, 304);
  const js = await fetch(`${node.url}/js/common/api.js`);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const chart = await fetch(`${node.url}/vendor/chart.umd.js`);
  assert.equal(chart.status, 200, 'Chart.js is staged from npm into /vendor/');
  for (const path of ['/js/%2e%2e/%2e%2e/etc/passwd', '/js/..%2f..%2fetc/passwd', '/assets/%2fetc%2fpasswd',
    '/js/%5c..%5cpackage.json']) {
    const bad = await fetch(`${node.url}${path}`);
    assert.equal(bad.status, 400, path);
    assert.ok((await bad.json()).error.code, path);
  }
  const unknown = await fetch(`${node.url}/api/v1/nope`);
  assert.equal(unknown.status, 404);
  assert.equal((await unknown.json()).error.code, 'not_found');
  assert.equal((await fetch(`${node.url}/package.json`)).status, 404);
});

test('a citizen files a complaint and the receipt verifies in the browser', async () => {
  await page.goto(`${node.url}/`);
  await page.getByLabel('Jenis laporan *').selectOption('complaint');
  const category = page.locator('#category option:not([value=""])').first();
  await page.locator('#category').selectOption(await category.getAttribute('value'));
  await page.getByLabel('Provinsi *').selectOption('32');
  await eventually(async () => (await page.locator('#regency option[value="32.04"]').count()) === 1,
    { what: 'regencies of province 32' });
  await page.getByLabel('Kabupaten/kota').selectOption('32.04');
  await page.getByLabel('Judul laporan *').fill(TITLE);
  await page.getByLabel('Isi laporan *').fill('Lubang besar sejak dua minggu, sudah dua pengendara motor jatuh.');
  await page.getByLabel('Nama lengkap *').fill('Siti Rahayu');
  await page.getByLabel('Nomor telepon').fill('081234567890');
  await page.locator('#attachments').setInputFiles({ name: 'lubang.png', mimeType: 'image/png',
    buffer: Buffer.from(PNG_1X1, 'base64') });
  await page.getByText('1 berkas siap dikirim').waitFor();
  await screenshot(page, 'portal-form');
  await page.getByRole('button', { name: 'Kirim laporan' }).click();

  await page.getByRole('heading', { name: 'Laporan Anda telah diterima' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'focus moves to the new page');
  filed.id = (await page.locator('#tracking-id').textContent()).trim();
  filed.code = (await page.locator('#access-code').textContent()).trim();
  assert.match(filed.id, /^KAB3204-\d+$/);
  assert.ok(filed.code.length >= 8);
  await eventually(async () => (await page.locator('[data-check="signature"]').getAttribute('data-status')) === 'ok',
    { what: 'the receipt signature check' });
  // Until the coordinator cosigns a checkpoint covering the leaf the node answers 503 and the
  // proof checks show as pending; press "check again" until they pass.
  await eventually(async () => {
    if ((await page.locator('[data-status="ok"]').count()) === 4) return true;
    assert.equal(await page.locator('[data-status="bad"]').count(), 0);
    await page.getByRole('button', { name: 'Periksa lagi' }).click();
    return false;
  }, { what: 'all four receipt checks', interval: 1000, timeout: 45000 });
  assert.match(await page.locator('#check-summary').textContent(), /Semua pemeriksaan tanda terima berhasil/);
  assert.match(await page.locator('[data-check="witness"]').textContent(), /simpul\/witness\/coord:panrb/);
  await screenshot(page, 'portal-receipt');
});

test('a tampered receipt fails the in-browser signature check', async () => {
  const results = await page.evaluate(async (id) => {
    const { checkReceipt } = await import('/js/common/receipt_check.js');
    const node = await (await fetch('/api/v1/node')).json();
    const bundle = await (await fetch(`/api/v1/receipts/${id}/proof`)).json();
    const good = JSON.parse(bundle.leaf);
    const payload = JSON.stringify({ commitment: good.commitment, kid: node.keys[0].kid, log_index: bundle.leaf_index,
      node: node.node_id, submitted_at: good.submitted_at + 1000, tracking_id: id, type: 'receipt.intake', v: 1 });
    return checkReceipt({ payload_canonical: payload, signature: btoa('x'.repeat(64)) }, node, bundle);
  }, filed.id);
  const byId = Object.fromEntries(results.map((r) => [r.id, r.status]));
  assert.equal(byId.signature, 'bad');
  assert.equal(byId.inclusion, 'bad', 'a different submission time changes the leaf');
});

test('staff act through the API and the citizen tracks the answer and replies', async () => {
  const staff = await StaffClient.login(node.url, 'admin', node.adminPassword);
  await staff.post(`/api/v1/cases/${filed.id}/verify`, { reason: 'lengkap' });
  await staff.post(`/api/v1/cases/${filed.id}/dispose`, { unit: 'pu' });
  await staff.post(`/api/v1/cases/${filed.id}/respond`, { message: 'Tim PU dijadwalkan menambal lubang hari Kamis.' });
  await staff.post(`/api/v1/cases/${filed.id}/resolve`, { message: 'Lubang sudah ditambal pada 12 Maret.' });

  await page.getByRole('link', { name: 'Lacak laporan' }).click();
  await page.getByLabel('Nomor pelacakan *').fill(filed.id);
  await page.getByLabel('Kode akses *').fill(filed.code);
  await page.getByRole('button', { name: 'Lacak', exact: true }).click();
  await page.locator('#case-state[data-state="resolved"]').waitFor();
  assert.equal(await page.locator('#case-state').textContent(), 'Selesai');
  const answers = await page.locator('#answers').textContent();
  assert.match(answers, /menambal lubang hari Kamis/);
  assert.match(answers, /sudah ditambal/);
  await screenshot(page, 'portal-track-resolved');

  await page.getByLabel('Pesan *').fill('Terima kasih, tetapi tambalannya sudah retak lagi.');
  await page.getByRole('button', { name: 'Kirim balasan' }).click();
  await page.locator('#case-state[data-state="reopened"]').waitFor();
  assert.match(await page.locator('#live').textContent(), /Balasan terkirim/);
});

test('a wrong access code shows the node\'s error', async () => {
  await page.getByLabel('Kode akses *').fill('salah-kode');
  await page.getByRole('button', { name: 'Lacak', exact: true }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /Laporan tidak dapat ditampilkan/);
});

test('English switch, public feed, and no console or CSP errors', async () => {
  await page.getByRole('button', { name: 'Switch to English' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.getByRole('link', { name: 'Public reports' }).click();
  await page.getByRole('heading', { name: 'Public reports' }).waitFor();
  await page.getByText(TITLE).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Public reports' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the choice persists');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no horizontal scrolling at 360 px (page is ${width} px wide)`);
  await screenshot(page, 'portal-feed-en');
  assert.deepEqual(page.problems, []);
});
