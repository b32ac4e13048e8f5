// What the console and dashboard browser tests share: headless Debian chromium through
// playwright-core, signing in at a node's console, waiting for a condition, screenshots.
import fs from 'node:fs';
import path from 'node:path';

const npmDir = process.env.SIMPUL_WEB_NPM_DIR;
const {chromium} = await import(path.join(npmDir, 'node_modules', 'playwright-core', 'index.mjs'));
const shotDir = path.join(process.env.SIMPUL_ARTIFACTS_DIR || 'artifacts', 'screenshots');

export function launchBrowser() {
  return chromium.launch({executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox']});
}

// Signs in as `node`'s admin at `pagePath` ('/staff/' or '/dashboard/') and waits for the
// signed-in header.
export async function signIn(page, node, pagePath) {
  await page.goto(`${node.url}${pagePath}`);
  await page.getByLabel('Nama pengguna').fill(node.username);
  await page.getByLabel('Kata sandi').fill(node.password);
  await page.getByRole('button', {name: 'Masuk'}).click();
  await page.locator('#logout:not([hidden])').waitFor();
}

// Polls `probe` (async, true when done) every 250 ms for up to `ms`; fails naming `what`.
export async function eventually(probe, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function screenshot(page, name) {
  fs.mkdirSync(shotDir, {recursive: true});
  await page.screenshot({path: path.join(shotDir, `${name}.png`), fullPage: true});
}
