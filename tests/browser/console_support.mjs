// What the console and dashboard browser tests share on top of harness.mjs: the federation they
// run on (a coordinator, the ministry kl:pupr and the regency kab:32.04), complaints filed and
// verified through the API, and signing in at a console page as a node's admin.
import { StaffClient, startFederation } from './harness.mjs';

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
