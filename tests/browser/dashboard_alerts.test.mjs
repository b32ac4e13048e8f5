// The coordinator dashboard's alerts from real events between real processes: an overdue case at a
// regency (kab:32.04, no parent node, so it escalates straight to the coordinator) appears in the
// escalations table, and the regency's log rolled back by restoring an old backup appears as a
// witness alarm. Each is checked at the coordinator's API as well as on the page.
//
// The overdue case is filed while the regency runs 30 days in the past (libfaketime,
// NodeProcess.inThePast); its sweeper runs every second ([sla] sweep_interval_s). The rollback is
// what an insider hiding complaints would do: `simpulctl backup`, more complaints, node stopped,
// `simpulctl restore` of the older copy, node started — its next checkpoint is smaller than the
// one the coordinator's witness cosigned. Screenshots are dashboard-alert-*.png.
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {StaffClient, eventually, findFaketime, launchBrowser, newPage, screenshot, skipWithout,
  startFederation} from './harness.mjs';
import {REGENCY, fileComplaint, signIn} from './console_support.mjs';

let fed;
let browser;
let regency;
let coordinator;

before(async () => {
  browser = await launchBrowser();
  fed = await startFederation([{nodeId: REGENCY, region: '32.04', name: 'Pemerintah Kabupaten Bandung',
    initArgs: ['--class', 'regency'], config: '[sla]\nsweep_interval_s = 1'}]);
  regency = fed.members.get(REGENCY);
  coordinator = await StaffClient.login(fed.coordinator.url, 'admin', fed.coordinator.adminPassword);
});

after(async () => {
  if (browser) await browser.close();
  if (fed) await fed.stop();
});

async function openAlerts(page) {
  await signIn(page, fed.coordinator, '/dashboard/');
  await page.locator('#alerts h2').waitFor();
  await page.locator('#alerts').scrollIntoViewIfNeeded();
}

test('an overdue case escalated to the coordinator is listed on the dashboard', async (t) => {
  if (!findFaketime()) {
    skipWithout(t, 'libfaketime');
    return;
  }
  const page = await newPage(browser, {width: 1280, height: 900});
  await openAlerts(page);
  await page.locator('#escalations-none').waitFor();

  let id;
  await regency.inThePast(30, async () => {
    id = await fileComplaint(regency, 'infrastruktur.jalan', 'Jalan putus sejak sebulan');
  });
  const escalation = await eventually(async () => {
    const {items} = await coordinator.get('/api/v1/monitor/escalations');
    return items.find((e) => e.tracking_id === id);
  }, {what: 'the escalation at the coordinator', timeout: 60000, interval: 500});
  assert.deepEqual([escalation.from_node, escalation.level, escalation.clock], [REGENCY, 'coordinator', 'verify']);
  assert.ok(escalation.overdue_working_days >= 5, JSON.stringify(escalation));

  await page.reload();
  await page.locator('#alerts h2').waitFor();
  const row = page.locator('#escalations tbody tr', {hasText: id});
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, new RegExp(REGENCY.replace('.', '\\.')));
  assert.match(text, /coordinator/);
  assert.match(text, new RegExp(`\\b${escalation.overdue_working_days}\\b`));
  assert.equal(await page.locator('#escalations-none').count(), 0);
  await page.locator('#escalations').scrollIntoViewIfNeeded();
  await screenshot(page, 'dashboard-alert-escalation');
  assert.deepEqual(page.problems, []);
});

test('a regency log rolled back from a backup raises a witness alarm on the dashboard', async () => {
  const page = await newPage(browser, {width: 1280, height: 900});
  await openAlerts(page);
  await page.locator('#alarms-none').waitFor();

  const backup = join(regency.dir, 'older.db');
  regency.ctl(['backup', '--out', backup]);
  let last;
  for (let i = 0; i < 5; i += 1) last = await fileComplaint(regency, 'infrastruktur.jalan', `Laporan yang akan hilang ${i + 1}`);
  // The witness has cosigned a checkpoint that covers the last of them.
  await eventually(async () => (await fetch(`${regency.url}/api/v1/receipts/${last}/proof`)).ok,
    {what: 'a witnessed proof of the last complaint', timeout: 45000, interval: 500});
  await regency.stop();
  regency.ctl(['restore', '--from', backup, '--force']);
  await regency.start();
  await fileComplaint(regency, 'infrastruktur.jalan', 'Laporan sesudah pemulihan');

  const alarm = await eventually(async () => {
    const {alarms} = await coordinator.get('/api/v1/witness/alarms');
    return alarms.find((a) => a.node_id === REGENCY);
  }, {what: 'the witness alarm at the coordinator', timeout: 45000, interval: 500});
  assert.equal(alarm.kind, 'rollback', JSON.stringify(alarm));

  await page.reload();
  await page.locator('#alerts h2').waitFor();
  const row = page.locator('#witness-alarms tbody tr', {hasText: REGENCY});
  await row.waitFor();
  assert.match(await row.locator('strong.warn').innerText(), /rollback/);
  assert.match(await row.innerText(), /cosigned size/);
  assert.equal(await page.locator('#alarms-none').count(), 0);
  await page.locator('#witness-alarms').scrollIntoViewIfNeeded();
  await screenshot(page, 'dashboard-alert-witness');
  assert.deepEqual(page.problems, []);
});
