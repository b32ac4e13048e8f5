// The staff console's remaining case forms on a real node, each checked twice: what the page shows
// after the action and what the node's API says changed — request_info, classify, archive,
// escalate, erase_identity, the attachment download, and the overdue markers in the queue and the
// case detail. The overdue case is filed while the node runs 30 days in the past (libfaketime,
// NodeProcess.inThePast): SLA clocks run from submission, so after the restart its verify
// deadline is weeks behind. Screenshots are console-action-*.png.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {after, before, test} from 'node:test';
import {StaffClient, eventually, launchBrowser, newPage, screenshot, skipWithout, startNode} from './harness.mjs';
import {act as actAt, fileComplaint, openCase as openCaseAt, signIn} from './console_support.mjs';

const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

let node;
let browser;
let api;
let page;

before(async () => {
  browser = await launchBrowser();
  node = await startNode({nodeId: 'kab:32.04', region: '32.04'});
  api = await StaffClient.login(node.url, 'admin', node.adminPassword);
  page = await newPage(browser, {width: 1280, height: 900});
  await signIn(page, node, '/staff/');
});

after(async () => {
  if (browser) await browser.close();
  if (node) {
    await node.stop();
    node.remove();
  }
});

const caseAt = (id) => api.get(`/api/v1/cases/${encodeURIComponent(id)}`);
const openCase = (id) => openCaseAt(page, node, id);
const act = (action, label, fill) => actAt(page, action, label, fill);

// The last row of the history table as its cells' text.
async function lastHistoryRow() {
  return page.locator('#history tbody tr').last().locator('th, td').allInnerTexts();
}

test('classify and request_info: the new category and the paused clocks', async () => {
  const id = await fileComplaint(node, 'infrastruktur.jalan', 'Jembatan kayu di Ciwidey lapuk');
  await openCase(id);
  await act('classify', 'Ubah klasifikasi', async (p) => {
    await p.locator('#classify-category').selectOption('infrastruktur.jembatan');
    await p.locator('#classify-classification').selectOption('aspiration');
    await p.locator('#classify-reason').fill('Yang rusak jembatan, bukan jalan.');
  });
  assert.match(await page.locator('#content-title + p + dl').innerText(), /\(infrastruktur\.jembatan\)/);
  assert.match(await page.locator('#content-title + p + dl').innerText(), /aspirasi/);
  assert.equal((await lastHistoryRow())[1], 'Ubah klasifikasi');
  let c = await caseAt(id);
  assert.deepEqual([c.category, c.classification, c.state], ['infrastruktur.jembatan', 'aspiration', 'submitted']);

  const question = 'Mohon kirim foto jembatan dan nama dusunnya.';
  await act('request_info', 'Minta informasi', (p) => p.locator('#request_info-message').fill(question));
  assert.match(await page.locator('#case-title').innerText(), /Menunggu informasi/);
  await page.getByText('Jam berhenti sementara').waitFor();
  assert.match((await lastHistoryRow()).join(' '), new RegExp(question));
  c = await caseAt(id);
  assert.equal(c.state, 'pending_info');
  assert.equal(c.sla.paused, true);
  assert.equal(c.events.at(-1).action, 'request_info');
  await screenshot(page, 'console-action-request-info');
});

test('archive as a duplicate names the original and leaves nothing to do', async () => {
  const original = await fileComplaint(node, 'infrastruktur.jalan', 'Jalan Soreang rusak');
  const id = await fileComplaint(node, 'infrastruktur.jalan', 'Jalan Soreang rusak lagi');
  await openCase(id);
  await act('archive', 'Arsipkan', async (p) => {
    await p.locator('#archive-archive_reason').selectOption('duplicate');
    await p.locator('#archive-duplicate_of').fill(original);
    await p.locator('#archive-reason').fill('Sama dengan laporan sebelumnya.');
  });
  assert.match(await page.locator('#case-title').innerText(), /Diarsipkan/);
  assert.match((await lastHistoryRow()).join(' '), /duplikat/);
  // Only the identity, which an archived case still holds, may be acted on.
  assert.deepEqual(await page.locator('.case-actions details').evaluateAll((ds) => ds.map((d) => d.id)),
    ['action-erase_identity']);
  const c = await caseAt(id);
  assert.equal(c.state, 'archived');
  assert.deepEqual(c.allowed_actions, []);
  const archived = c.events.at(-1);
  assert.deepEqual([archived.action, archived.detail.archive_reason, archived.detail.duplicate_of],
    ['archive', 'duplicate', original]);
  assert.equal((await caseAt(original)).state, 'submitted', 'the original is untouched');
  await screenshot(page, 'console-action-archived');
});

test('escalate raises the case to the supervisors', async () => {
  const id = await fileComplaint(node, 'infrastruktur.drainase', 'Saluran air tersumbat');
  await api.post(`/api/v1/cases/${id}/verify`);
  await openCase(id);
  await act('escalate', 'Eskalasi', (p) => p.locator('#escalate-reason').fill('Unit belum menanggapi.'));
  assert.match((await lastHistoryRow()).join(' '), /Eskalasi.*Unit belum menanggapi/s);
  const c = await caseAt(id);
  assert.equal(c.escalation_level, 1);
  assert.equal(c.state, 'verified', 'escalating does not change the state');
  const escalated = c.events.at(-1);
  assert.deepEqual([escalated.action, escalated.detail.to, escalated.reason],
    ['escalate', 'supervisor', 'Unit belum menanggapi.']);
});

test('erase_identity shreds the reporter identity and the page says so', async () => {
  const id = await fileComplaint(node, 'infrastruktur.jalan', 'Jalan licin berlumpur');
  await openCase(id);
  const reporterRow = page.locator('#content-title + p + dl');
  assert.match(await reporterRow.innerText(), /Siti Aminah · 081234567890/);
  await act('erase_identity', 'Hapus identitas pelapor',
    (p) => p.locator('#erase_identity-reason').fill('Permintaan pelapor (UU PDP pasal 8).'));
  assert.match(await reporterRow.innerText(), /identitas telah dihapus/);
  assert.doesNotMatch(await page.locator('main').innerText(), /Siti Aminah/);
  assert.equal(await page.locator('#action-erase_identity').count(), 0, 'nothing left to erase');
  const c = await caseAt(id);
  assert.deepEqual([c.identity, c.reporter], ['erased', null]);
  assert.equal(c.events.at(-1).action, 'erase_identity');
  await screenshot(page, 'console-action-identity-erased');
});

test('an attachment downloads with its exact bytes', async () => {
  const res = await fetch(`${node.url}/api/v1/complaints`, {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({category: 'infrastruktur.jalan', title: 'Foto lubang jalan', region: '32.04',
      body: 'Lubang di depan pasar, foto terlampir.', reporter: {name: 'Budi', phone: '081200000000'},
      attachments: [{filename: 'lubang.png', media_type: 'image/png', content_base64: PNG_1X1.toString('base64')}]}),
  });
  assert.equal(res.status, 201);
  const {tracking_id: id} = await res.json();
  await openCase(id);
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', {name: 'lubang.png'}).click()]);
  assert.equal(download.suggestedFilename(), 'lubang.png');
  const bytes = readFileSync(await download.path());
  assert.deepEqual(bytes, PNG_1X1);
  const [stored] = (await caseAt(id)).attachments;
  assert.equal(stored.sha256, createHash('sha256').update(PNG_1X1).digest('hex'));
});

test('an overdue case is marked in the queue and in its detail', async (t) => {
  let id;
  const ran = await node.inThePast(30, async () => {
    id = await fileComplaint(node, 'infrastruktur.jalan', 'Lampu jalan mati sebulan');
  });
  if (!ran) {
    skipWithout(t, 'libfaketime');
    return;
  }
  // The node listens on a new port after the restarts: sign in again there.
  api = await StaffClient.login(node.url, 'admin', node.adminPassword);
  const onTime = await fileComplaint(node, 'infrastruktur.jalan', 'Trotoar retak');
  const c = await caseAt(id);
  assert.equal(c.overdue, true);
  assert.equal((await caseAt(onTime)).overdue, false);
  await signIn(page, node, '/staff/');
  await page.goto(`${node.url}/staff/#/?state=submitted`);
  await page.locator('#queue').waitFor();
  const late = page.locator(`#queue tr[data-id="${id}"]`);
  assert.equal(await late.getAttribute('class'), 'is-overdue');
  assert.match(await late.locator('td').nth(5).innerText(), /^TERLAMBAT /);
  const fine = page.locator(`#queue tr[data-id="${onTime}"]`);
  assert.equal(await fine.getAttribute('class'), null);
  assert.doesNotMatch(await fine.innerText(), /TERLAMBAT/);
  await screenshot(page, 'console-action-overdue-queue');

  await page.getByLabel('Hanya yang terlambat').check();
  await page.getByRole('button', {name: 'Terapkan'}).click();
  await page.waitForURL(/overdue=true/);
  await eventually(async () => (await page.locator('#queue tbody tr').count()) === 1, {what: 'the overdue filter'});
  assert.equal(await page.locator('#queue tbody tr').getAttribute('data-id'), id);

  await late.getByRole('link').click();
  await page.locator('#history').waitFor();
  assert.match(await page.locator('#case-title .overdue').innerText(), /TERLAMBAT/);
  const verifyClock = page.locator('#sla tbody tr', {hasText: 'Verifikasi'});
  assert.equal(await verifyClock.getAttribute('class'), 'is-overdue');
  assert.match(await verifyClock.innerText(), /TERLAMBAT/);
  await screenshot(page, 'console-action-overdue-case');
  assert.deepEqual(page.problems, []);
});
