// A forward between two real nodes, done from the staff console: the ministry (kl:pupr) verifies
// a road complaint in Kabupaten Bandung and forwards it to the regency (kab:32.04) picked from the
// directory's route suggestions; the regency's console shows it in its queue with its origin,
// accepts it, assigns it to a unit and answers; the ministry's case detail then shows the answer
// and the handler's state. Screenshots go to $SIMPUL_ARTIFACTS_DIR/screenshots.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {StaffClient, eventually, launchBrowser, newPage, screenshot} from './harness.mjs';
import {MINISTRY, REGENCY, acceptAndAssign, act, fileComplaint, openCase, openForwarded, seedCases,
  signIn, startConsoleFederation} from './console_support.mjs';

let fed;
let browser;
let ministry;
let regency;
let toForward;

before(async () => {
  browser = await launchBrowser();
  fed = await startConsoleFederation();
  ministry = fed.members.get(MINISTRY);
  regency = fed.members.get(REGENCY);
  toForward = await fileComplaint(ministry, 'infrastruktur.jalan', 'Jalan desa rusak berat');
  await seedCases(ministry, ['infrastruktur.jembatan'], 2, 0);
});

after(async () => {
  if (browser) await browser.close();
  if (fed) await fed.stop();
});

test('a case forwarded from the ministry console is answered at the regency console', async () => {
  const id = toForward;
  const atMinistry = await newPage(browser, {width: 1280, height: 900});
  await signIn(atMinistry, ministry, '/staff/');
  await openCase(atMinistry, ministry, id);
  await act(atMinistry, 'verify', 'Verifikasi');
  await act(atMinistry, 'forward', 'Teruskan ke instansi lain', async (p) => {
    // The suggestion comes from the signed directory: the regency's jurisdiction covers 32.04.
    await p.getByLabel(new RegExp(REGENCY.replace('.', '\\.'))).check();
    assert.equal(await p.locator('#forward-target_node').inputValue(), REGENCY);
  });
  assert.match(await atMinistry.locator('#case-title').innerText(), /Diteruskan/);
  assert.match(await atMinistry.locator('#history').innerText(), new RegExp(`→ ${REGENCY}`));
  await screenshot(atMinistry, 'console-ministry-forwarded');

  const atRegency = await openForwarded(browser, regency, id, 'console-regency-queue');
  assert.match(await atRegency.locator('#fed-title + dl').innerText(), new RegExp(MINISTRY));
  await acceptAndAssign(atRegency);
  const answer = 'Tim Dinas PU sudah menambal jalan pada 24 November.';
  await act(atRegency, 'respond', 'Tindak lanjut', (p) => p.locator('#respond-message').fill(answer));
  assert.match(await atRegency.locator('#case-title').innerText(), /Ditindaklanjuti/);
  await screenshot(atRegency, 'console-regency-answered');

  await eventually(async () => {
    await openCase(atMinistry, ministry, id);
    return (await atMinistry.locator('#history').innerText()).includes(answer);
  }, {what: 'the answer in the ministry case history', timeout: 30000});
  assert.match(await atMinistry.locator('#fed-title + dl').innerText(), /Ditindaklanjuti/);
  await screenshot(atMinistry, 'console-ministry-sees-answer');
  assert.deepEqual([...atMinistry.problems, ...atRegency.problems], []);
});

test('the regency declines a case from its console and the ministry sees why', async () => {
  const id = await fileComplaint(ministry, 'infrastruktur.jembatan', 'Jembatan gantung putus');
  const api = await StaffClient.login(ministry.url, 'admin', ministry.adminPassword);
  await api.post(`/api/v1/cases/${id}/verify`);
  await api.post(`/api/v1/cases/${id}/forward`, {target_node: REGENCY});
  const atRegency = await newPage(browser, {width: 1280, height: 900});
  await signIn(atRegency, regency, '/staff/');
  await eventually(async () => {
    await openCase(atRegency, regency, id);
    return (await atRegency.locator('#action-decline').count()) === 1;
  }, {what: 'the forwarded case at the regency', timeout: 30000});
  const reason = 'Jembatan nasional: kewenangan Kementerian PUPR.';
  await act(atRegency, 'decline', 'Tolak: bukan wewenang', async (p) => {
    await p.locator('#decline-reason').fill(reason);
    await p.locator('#decline-target_node').fill(MINISTRY);
  });
  assert.match(await atRegency.locator('#case-title').innerText(), /Diarsipkan/);
  await screenshot(atRegency, 'console-regency-declined');

  const atMinistry = await newPage(browser, {width: 1280, height: 900});
  await signIn(atMinistry, ministry, '/staff/');
  await eventually(async () => {
    await openCase(atMinistry, ministry, id);
    return (await atMinistry.locator('#history').innerText()).includes(reason);
  }, {what: 'the decline at the ministry', timeout: 30000});
  // Back with the ministry's staff, verified, to be routed again.
  assert.match(await atMinistry.locator('#case-title').innerText(), /Terverifikasi/);
  assert.equal(await atMinistry.locator('#action-forward').count(), 1);
  await screenshot(atMinistry, 'console-ministry-declined');
});

test('a stale action is refused with the actions allowed now', async () => {
  const page = await newPage(browser);
  await signIn(page, ministry, '/staff/');
  await page.goto(`${ministry.url}/staff/#/?state=submitted`);
  await page.locator('#queue').waitFor();
  // On a phone-sized screen the queue scrolls inside its box, not the page.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 360);
  await screenshot(page, 'console-queue-phone');
  await page.locator('#queue tbody a').first().click();
  await page.locator('#action-verify').waitFor();
  const id = (await page.locator('#case-title').innerText()).split(' ')[0];
  // Someone else verifies it meanwhile; this page still offers "verify".
  await page.evaluate(async (trackingId) => {
    const token = sessionStorage.getItem('simpul.token');
    await fetch(`/api/v1/cases/${trackingId}/verify`, {method: 'POST',
      headers: {Authorization: `Bearer ${token}`, 'Content-Type': 'application/json'}, body: '{}'});
  }, id);
  await page.locator('#action-verify summary').click();
  await page.getByRole('button', {name: 'Kirim: Verifikasi'}).click();
  const refusal = page.locator('#verify-error');
  await refusal.getByText('Tindakan yang diizinkan sekarang').waitFor();
  assert.match(await refusal.innerText(), /Disposisi ke unit/);
  await screenshot(page, 'console-refused-action');
});

test('the queue filters by category and text, and arrow keys move between rows', async () => {
  const page = await newPage(browser, {width: 1280, height: 900});
  await signIn(page, ministry, '/staff/');
  await page.locator('#queue').waitFor();
  await page.locator('#f-category').fill('infrastruktur.jembatan');
  await page.getByRole('button', {name: 'Terapkan'}).click();
  await page.waitForURL(/category=infrastruktur\.jembatan/);
  await page.locator('#queue caption', {hasText: 'dari 3'}).waitFor();
  const categories = await page.locator('#queue tbody td:nth-child(3)').allInnerTexts();
  assert.deepEqual([...new Set(categories)], ['infrastruktur.jembatan']);
  const links = page.locator('#queue tbody a');
  await links.nth(0).focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent),
    await links.nth(1).innerText());
  await page.locator('#f-q').fill('gantung');
  await page.getByRole('button', {name: 'Terapkan'}).click();
  await page.locator('#queue caption', {hasText: 'dari 1'}).waitFor();
  assert.match(await page.locator('#queue tbody').innerText(), /Jembatan gantung putus/);
});

test('a node admin adds a unit and a user, changes the role and disables the account', async () => {
  const page = await newPage(browser, {width: 1280, height: 900});
  await signIn(page, regency, '/staff/');
  await page.getByRole('link', {name: 'Unit dan pengguna'}).click();
  await page.locator('#users').waitFor();
  await page.locator('#unit-code').fill('dinkes');
  await page.locator('#unit-name').fill('Dinas Kesehatan');
  await page.getByRole('button', {name: 'Tambah unit'}).click();
  await page.locator('#units tbody', {hasText: 'dinkes'}).waitFor();
  await page.locator('#user-username').fill('petugas1');
  await page.locator('#user-display_name').fill('Budi Santoso');
  await page.locator('#user-role').selectOption('unit_officer');
  await page.locator('#user-unit').selectOption('dinkes');
  await page.locator('#user-password').fill('kata-sandi-panjang-1');
  await page.getByRole('button', {name: 'Tambah pengguna'}).click();
  const row = page.locator('#users tbody tr', {hasText: 'petugas1'});
  await row.waitFor();
  await page.getByLabel('Ubah peran petugas1').selectOption('verifier');
  await page.locator('#status[data-kind=ok]').waitFor();
  await row.getByRole('button', {name: /Nonaktifkan/}).click();
  await page.locator('#users tbody tr', {hasText: 'petugas1'}).getByRole('button', {name: /Aktifkan/}).waitFor();
  const api = await StaffClient.login(regency.url, 'admin', regency.adminPassword);
  const user = (await api.get('/api/v1/users')).items.find((u) => u.username === 'petugas1');
  assert.deepEqual([user.role, user.unit, user.disabled, user.display_name],
    ['verifier', 'dinkes', true, 'Budi Santoso']);
  await screenshot(page, 'console-units-users');
});

test('sign-in: a wrong password is refused, the sixth try is locked out', async () => {
  const page = await newPage(browser);
  await page.goto(`${ministry.url}/staff/`);
  for (let i = 0; i < 6; i += 1) {
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill('salah-sekali');
    await page.getByRole('button', {name: 'Masuk'}).click();
    await page.locator('#login-error:not(:empty)').waitFor();
  }
  assert.match(await page.locator('#login-error').innerText(), /dikunci sementara/);
  await screenshot(page, 'console-locked-out');
});
