// The coordinator dashboard on real data: a ministry and a regency that have sent node.report and
// case.meta to a real coordinator (every second). The health table lists both, the province grid
// marks Jawa Barat (32) as reporting, the SLA ranking marks the Top 12, the trend charts are drawn
// from non-empty data with a data-table alternative, the CSV export downloads, and the page fits
// a phone-sized screen (360 px) in either language. Screenshots go to $SIMPUL_ARTIFACTS_DIR/screenshots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {after, before, test} from 'node:test';
import {StaffClient, eventually, launchBrowser, newPage, screenshot} from './harness.mjs';
import {MINISTRY, REGENCY, seedCases, signIn, startConsoleFederation} from './console_support.mjs';

const SEEDED = 12;  // per member: at least the ranking's default min_cases (10)
let fed;
let browser;

before(async () => {
  browser = await launchBrowser();
  fed = await startConsoleFederation({reportIntervalS: 1});
  await seedCases(fed.members.get(MINISTRY), ['infrastruktur.jalan', 'infrastruktur.jembatan'], SEEDED, 8);
  await seedCases(fed.members.get(REGENCY), ['kesehatan.puskesmas', 'pendidikan.ppdb', 'lingkungan.sampah'],
    SEEDED, 8);
  // Both members' node.report and case.meta have reached the coordinator.
  const staff = await StaffClient.login(fed.coordinator.url, 'admin', fed.coordinator.adminPassword);
  await eventually(async () => {
    const table = await staff.get('/api/v1/monitor/nodes');
    return table.nodes.filter((n) => n.cases >= SEEDED && n.last_seen_at !== null).length === 2;
  }, {what: 'reports from both members at the coordinator', timeout: 60000});
});

after(async () => {
  if (browser) await browser.close();
  if (fed) await fed.stop();
});

async function openDashboard(page) {
  await signIn(page, fed.coordinator, '/dashboard/');
  await page.locator('#trend-month, #trends .card').first().waitFor();
  await page.locator('#alerts h2').waitFor();
}

test('the dashboard shows the federation, the ranking and charts from real reports', async () => {
  const page = await newPage(browser, {width: 1280, height: 900});
  await openDashboard(page);

  for (const id of [MINISTRY, REGENCY]) {
    const row = page.locator('#health tbody tr', {hasText: id});
    await row.waitFor();
    assert.match(await row.innerText(), /aktif/);
    assert.doesNotMatch(await row.innerText(), /SENYAP/);
  }
  // Sorting by keyboard: Enter on a column heading orders the rows and says so in aria-sort.
  await page.locator('#health th[data-key="node_id"] button').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#health th[data-key="node_id"]').getAttribute('aria-sort'), 'ascending');
  assert.deepEqual(await page.locator('#health tbody th').allInnerTexts(), [REGENCY, MINISTRY]);
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#health th[data-key="node_id"]').getAttribute('aria-sort'), 'descending');
  assert.deepEqual(await page.locator('#health tbody th').allInnerTexts(), [MINISTRY, REGENCY]);
  const jabar = page.locator('#province-grid [data-province="32"]');
  assert.equal(await jabar.getAttribute('data-status'), 'ok');
  assert.match(await jabar.innerText(), /semua aktif/);
  assert.equal(await page.locator('#province-grid li').count(), 38);
  assert.equal(await page.locator('#province-grid [data-province="11"]').getAttribute('data-status'), 'none');

  const top = page.locator('#sla-ranking tbody tr', {hasText: 'TOP 12'});
  assert.ok(await top.count() >= 1, 'at least one node is in the Top 12');
  assert.match(await page.locator('#sla-ranking').innerText(), new RegExp(REGENCY));

  // Chart.js drew the category chart from the coordinator's trend rows (every category of both
  // members' cases), and the canvas has painted pixels.
  const staff = await StaffClient.login(fed.coordinator.url, 'admin', fed.coordinator.adminPassword);
  const trend = await staff.get('/api/v1/monitor/trends?by=category');
  const series = ['open', 'resolved', 'closed', 'archived', 'forwarded'];
  const expected = trend.rows.reduce((s, r) => s + series.reduce((a, k) => a + r[k], 0), 0);
  assert.equal(trend.rows.reduce((s, r) => s + r.cases, 0), 2 * SEEDED);
  const drawn = await page.evaluate(() => {
    const canvas = document.getElementById('trend-category');
    const chart = window.Chart.getChart(canvas);
    const total = chart.data.datasets.reduce((s, d) => s + d.data.reduce((a, b) => a + b, 0), 0);
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted += 1;
    return {total, labels: chart.data.labels, painted};
  });
  assert.ok(expected > 0);
  assert.equal(drawn.total, expected);
  assert.deepEqual(drawn.labels, trend.rows.map((r) => r.category));
  assert.ok(drawn.labels.includes('infrastruktur.jalan'), drawn.labels.join());
  assert.ok(drawn.painted > 1000, `painted pixels ${drawn.painted}`);

  const table = page.locator('#trend-category-data');
  assert.equal(await table.isVisible(), false);
  await page.locator('#trend-category-toggle').click();
  assert.equal(await table.isVisible(), true);
  assert.match(await table.innerText(), /kesehatan\.puskesmas/);
  await screenshot(page, 'dashboard-desktop');

  const [download] = await Promise.all([page.waitForEvent('download'),
    page.locator('button[data-csv="monitor-nodes"]').click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /^node_id,name,class/);
  assert.match(csv, new RegExp(REGENCY.replace('.', '\\.')));
  assert.deepEqual(page.problems, []);
});

test('the dashboard fits a phone-sized screen and switches to English', async () => {
  const page = await newPage(browser);
  await openDashboard(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
  await screenshot(page, 'dashboard-phone');
  await page.getByRole('button', {name: 'Switch to English'}).click();
  await page.getByRole('heading', {name: 'Federation health'}).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  assert.match(await page.locator('#province-grid [data-province="32"]').innerText(), /all active/);
  assert.deepEqual(page.problems, []);
});
