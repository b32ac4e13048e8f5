// A forward between two real nodes, done from the staff console: the ministry (kl:pupr) verifies
// a road complaint in Kabupaten Bandung and forwards it to the regency (kab:32.04) picked from the
// directory's route suggestions; the regency's console shows it in its queue with its origin,
// accepts it, assigns it to a unit and answers; the ministry's case detail then shows the answer
// and the handler's state. Screenshots go to $SIMPUL_ARTIFACTS_DIR/screenshots.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {startFederation} from './federation.mjs';
import {launchBrowser, screenshot, signIn, eventually} from './console_helpers.mjs';

let fed;
let browser;

before(async () => {
  fed = await startFederation();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await fed?.stop();
});

// Opens the case detail at `node` and waits for its history table.
async function openCase(page, node, id) {
  await page.goto(`${node.url}/staff/#/case/${encodeURIComponent(id)}`);
  await page.locator('#history').waitFor();
}

// Opens `action`'s form, fills it with `fill(page)`, submits and waits for the success notice.
async function act(page, action, label, fill = async () => {}) {
  await page.locator(`#action-${action} summary`).click();
  await fill(page);
  await page.getByRole('button', {name: `Kirim: ${label}`}).click();
  await page.locator('#status[data-kind=ok]').waitFor();
}

test('a case forwarded from the ministry console is answered at the regency console', async () => {
  const id = fed.case_to_forward;
  const ministry = await browser.newPage();
  await signIn(ministry, fed.ministry, '/staff/');
  await openCase(ministry, fed.ministry, id);
  await act(ministry, 'verify', 'Verifikasi');
  await ministry.locator('#action-forward summary').click();
  // The suggestion comes from the signed directory: the regency's jurisdiction covers 32.04.
  const suggestion = ministry.getByLabel(new RegExp(fed.regency.node_id.replace('.', '\\.')));
  await suggestion.check();
  assert.equal(await ministry.locator('#forward-target_node').inputValue(), fed.regency.node_id);
  await ministry.getByRole('button', {name: 'Kirim: Teruskan ke instansi lain'}).click();
  await ministry.locator('#status[data-kind=ok]').waitFor();
  assert.match(await ministry.locator('#case-title').innerText(), /Diteruskan/);
  assert.match(await ministry.locator('#history').innerText(), new RegExp(`→ ${fed.regency.node_id}`));
  await screenshot(ministry, 'console-ministry-forwarded');

  const regency = await browser.newPage();
  await signIn(regency, fed.regency, '/staff/');
  const row = regency.locator(`#queue tr[data-id="${id}"]`);
  await eventually(async () => {
    await regency.goto(`${fed.regency.url}/staff/#/?state=submitted`);
    await regency.locator('#queue, .empty').first().waitFor();
    return (await row.count()) === 1;
  }, 'the forwarded case in the regency queue');
  await screenshot(regency, 'console-regency-queue');
  await row.getByRole('link').click();
  await regency.locator('#history').waitFor();
  assert.match(await regency.locator('#fed-title + dl').innerText(), new RegExp(fed.ministry.node_id));
  await act(regency, 'verify', 'Verifikasi');
  await act(regency, 'dispose', 'Disposisi ke unit',
    (p) => p.locator('#dispose-unit').selectOption(fed.regency_unit));
  const answer = 'Tim Dinas PU sudah menambal jalan pada 24 November.';
  await act(regency, 'respond', 'Tindak lanjut', (p) => p.locator('#respond-message').fill(answer));
  assert.match(await regency.locator('#case-title').innerText(), /Ditindaklanjuti/);
  await screenshot(regency, 'console-regency-answered');

  await eventually(async () => {
    await openCase(ministry, fed.ministry, id);
    return (await ministry.locator('#history').innerText()).includes(answer);
  }, 'the answer in the ministry case history');
  assert.match(await ministry.locator('#fed-title + dl').innerText(), /Ditindaklanjuti/);
  await screenshot(ministry, 'console-ministry-sees-answer');
});

test('a stale action is refused with the actions allowed now', async () => {
  const page = await browser.newPage();
  await signIn(page, fed.ministry, '/staff/');
  await page.goto(`${fed.ministry.url}/staff/#/?state=submitted`);
  await page.locator('#queue').waitFor();
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
