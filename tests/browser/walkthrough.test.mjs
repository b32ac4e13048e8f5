// The README's promise, entirely through the UI of real nodes: a citizen files a road complaint in
// the portal of the ministry (kl:pupr); the ministry's staff verify it and forward it to the
// regency (kab:32.04) in their console; the regency's staff accept it, assign it to a unit, post a
// follow-up and resolve it; the citizen tracks it in the ministry's portal and reads the answer;
// the regency's staff close it and the citizen sees it closed.
//
// How the case closes: the node closes a resolved case itself when the auto-close clock (10
// working days without a reply from the reporter) runs out, or a supervisor or node admin closes
// it earlier with the console's "Tutup" action. No simpuld test seam moves the clock (the
// federation tests make a case overdue by forwarding one filed weeks ago, which a browser cannot
// do), so the walkthrough closes it in the console; the handler's case.close travels back to the
// origin, where the case becomes closed too. Screenshots are walkthrough-*.png.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {StaffClient, eventually, launchBrowser, newPage, screenshot} from './harness.mjs';
import {MINISTRY, REGENCY, acceptAndAssign, act, openCase, openForwarded, signIn, startConsoleFederation,
  visit} from './console_support.mjs';

const TITLE = 'Jalan kabupaten ambles di Desa Cibodas';
const ANSWER = 'Tim Dinas PU sudah menimbun dan mengaspal ulang jalan pada 3 Desember.';
const FOLLOW_UP = 'Petugas sudah meninjau lokasi dan memasang rambu.';

let fed;
let browser;
let ministry;
let regency;

before(async () => {
  browser = await launchBrowser();
  fed = await startConsoleFederation();
  ministry = fed.members.get(MINISTRY);
  regency = fed.members.get(REGENCY);
});

after(async () => {
  if (browser) await browser.close();
  if (fed) await fed.stop();
});

// Tracks the case in the portal of `node` and waits until it shows `state`.
async function track(page, node, filed, state) {
  await eventually(async () => {
    await visit(page, `${node.url}/#/track`);
    await page.getByLabel('Nomor pelacakan *').fill(filed.id);
    await page.getByLabel('Kode akses *').fill(filed.code);
    await page.getByRole('button', {name: 'Lacak', exact: true}).click();
    await page.locator('#case-state').waitFor();
    return (await page.locator('#case-state').getAttribute('data-state')) === state;
  }, {what: `the case ${state} in the portal`, timeout: 30000, interval: 500});
}

async function stateAt(node, id) {
  const api = await StaffClient.login(node.url, 'admin', node.adminPassword);
  return api.get(`/api/v1/cases/${encodeURIComponent(id)}`);
}

test('a complaint filed at one node is forwarded, answered and closed, all in the browser', async () => {
  // 1. The citizen files at the ministry's portal, on a phone-sized screen.
  const citizen = await newPage(browser);
  await citizen.goto(`${ministry.url}/`);
  await citizen.getByLabel('Jenis laporan *').selectOption('complaint');
  await citizen.locator('#category').selectOption('infrastruktur');
  await eventually(async () => (await citizen.locator('#subcategory option[value="infrastruktur.jalan"]').count()) === 1,
    {what: 'the subcategories of infrastruktur'});
  await citizen.locator('#subcategory').selectOption('infrastruktur.jalan');
  await citizen.getByLabel('Provinsi *').selectOption('32');
  await eventually(async () => (await citizen.locator('#regency option[value="32.04"]').count()) === 1,
    {what: 'regencies of province 32'});
  await citizen.getByLabel('Kabupaten/kota').selectOption('32.04');
  await citizen.getByLabel('Judul laporan *').fill(TITLE);
  await citizen.getByLabel('Isi laporan *').fill('Badan jalan ambles sedalam setengah meter, truk tidak bisa lewat.');
  await citizen.getByLabel('Nama lengkap *').fill('Dewi Lestari');
  await citizen.getByLabel('Nomor telepon').fill('081298765432');
  await screenshot(citizen, 'walkthrough-1-portal-form');
  await citizen.getByRole('button', {name: 'Kirim laporan'}).click();
  await citizen.getByRole('heading', {name: 'Laporan Anda telah diterima'}).waitFor();
  const filed = {
    id: (await citizen.locator('#tracking-id').textContent()).trim(),
    code: (await citizen.locator('#access-code').textContent()).trim(),
  };
  assert.match(filed.id, /^KLPUPR-\d+$/);
  await screenshot(citizen, 'walkthrough-2-portal-receipt');

  // 2. The ministry's staff verify it and forward it to the regency the directory suggests.
  const atMinistry = await newPage(browser, {width: 1280, height: 900});
  await signIn(atMinistry, ministry, '/staff/');
  await atMinistry.locator(`#queue tr[data-id="${filed.id}"]`).getByRole('link').click();
  await atMinistry.locator('#history').waitFor();
  assert.match(await atMinistry.locator('#case-body').innerText(), /ambles sedalam setengah meter/);
  await act(atMinistry, 'verify', 'Verifikasi');
  await act(atMinistry, 'forward', 'Teruskan ke instansi lain', async (p) => {
    await p.getByLabel(new RegExp(REGENCY.replace('.', '\\.'))).check();
  });
  assert.match(await atMinistry.locator('#case-title').innerText(), /Diteruskan/);
  await screenshot(atMinistry, 'walkthrough-3-ministry-forwarded');
  assert.equal((await stateAt(ministry, filed.id)).state, 'forwarded');

  // 3. At the regency it arrives in the queue; staff accept, assign, follow up and resolve.
  const atRegency = await openForwarded(browser, regency, filed.id, 'walkthrough-4-regency-queue');
  assert.match(await atRegency.locator('#fed-title + dl').innerText(), new RegExp(MINISTRY));
  await acceptAndAssign(atRegency);
  await act(atRegency, 'respond', 'Tindak lanjut', (p) => p.locator('#respond-message').fill(FOLLOW_UP));
  await act(atRegency, 'resolve', 'Selesaikan', (p) => p.locator('#resolve-message').fill(ANSWER));
  assert.match(await atRegency.locator('#case-title').innerText(), /Selesai/);
  await screenshot(atRegency, 'walkthrough-5-regency-resolved');

  // 4. The citizen tracks it at the ministry (where it was filed) and reads the answers.
  await track(citizen, ministry, filed, 'forwarded');
  await eventually(async () => {
    const text = await citizen.locator('#case').innerText();
    if (text.includes(ANSWER)) return true;
    await track(citizen, ministry, filed, 'forwarded');
    return false;
  }, {what: 'the answer in the portal', timeout: 30000, interval: 500});
  const answers = await citizen.locator('#answers').innerText();
  assert.match(answers, new RegExp(FOLLOW_UP));
  assert.match(answers, new RegExp(ANSWER));
  assert.match(await citizen.locator('#case').innerText(), new RegExp(`${REGENCY.replace('.', '\\.')}.*Selesai`));
  const width = await citizen.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `no horizontal scrolling at 360 px (page is ${width} px wide)`);
  await screenshot(citizen, 'walkthrough-6-portal-answered');

  // 5. The regency closes it, by keyboard alone; the close travels to the ministry and the
  // citizen sees it closed.
  const closing = 'Warga sudah mengonfirmasi perbaikan.';
  await atRegency.locator('#action-close summary').focus();
  await atRegency.keyboard.press('Enter');
  await atRegency.keyboard.press('Tab');
  assert.equal(await atRegency.evaluate(() => document.activeElement.id), 'close-reason');
  await atRegency.keyboard.type(closing);
  await atRegency.keyboard.press('Tab');
  await atRegency.keyboard.press('Enter');
  await atRegency.locator('#status[data-kind=ok]', {hasText: '"Tutup"'}).waitFor();
  assert.match(await atRegency.locator('#case-title').innerText(), /Ditutup/);
  assert.equal(await atRegency.locator('.case-actions details').count(), 0, 'nothing is left to do');
  await screenshot(atRegency, 'walkthrough-7-regency-closed');
  await track(citizen, ministry, filed, 'closed');
  assert.equal(await citizen.locator('#case-state').textContent(), 'Ditutup');
  // A closed report takes no more replies: the portal says so instead of offering the form.
  assert.equal(await citizen.locator('#reply-form').count(), 0);
  assert.match(await citizen.locator('#reply-ended').innerText(), /sudah ditutup/);
  await screenshot(citizen, 'walkthrough-8-portal-closed');
  await openCase(atMinistry, ministry, filed.id);
  assert.match(await atMinistry.locator('#case-title').innerText(), /Ditutup/);
  await screenshot(atMinistry, 'walkthrough-9-ministry-closed');

  const [atOrigin, atHandler] = [await stateAt(ministry, filed.id), await stateAt(regency, filed.id)];
  assert.deepEqual([atOrigin.state, atHandler.state], ['closed', 'closed']);
  assert.deepEqual(atOrigin.allowed_actions, []);
  assert.deepEqual([atHandler.events.at(-1).action, atHandler.events.at(-1).reason], ['close', closing]);
  assert.deepEqual([...citizen.problems, ...atMinistry.problems, ...atRegency.problems], []);
});
