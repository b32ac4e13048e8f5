// Reusable pieces for browser tests: real simpuld nodes in temp dirs (created with
// `simpulctl init`, on a kernel-chosen loopback port), a staff API client, Debian's chromium
// driven by playwright-core, and screenshots saved as build artifacts.
//
//   const node = await startNode();                     // node.url, node.adminPassword, ...
//   const fed = await startFederation([{ nodeId: 'kab:32.04', region: '32.04' }]);  // + coordinator
//   const staff = await StaffClient.login(node.url, 'admin', node.adminPassword);
//   const browser = await launchBrowser();              // exits 77 (ctest SKIP) without chromium
//   const page = await newPage(browser);
//   await page.goto(`${node.url}/`);
//   await screenshot(page, 'portal-form');
//   await node.stop();
//
// Environment (set by tests/browser/CMakeLists.txt): SIMPUL_TEST_BIN_DIR (the build dir),
// SIMPUL_WEB_NPM_DIR (where `npm ci` put playwright-core), SIMPUL_ARTIFACTS_DIR (screenshots
// go to <it>/screenshots), SIMPUL_CHROMIUM (optional chromium path).
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SKIP = 77;

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through ctest`);
  return value;
}

// Waits until `probe()` returns a truthy value, polling every `interval` ms up to `timeout` ms.
export async function eventually(probe, { timeout = 20000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    }
    await sleep(interval);
  }
}

// Runs `simpulctl <args>`; returns {code, out, err}.
export function simpulctl(args) {
  const run = spawnSync(join(env('SIMPUL_TEST_BIN_DIR'), 'admin', 'simpulctl'), args, { encoding: 'utf8' });
  if (run.error) throw run.error;
  return { code: run.status, out: run.stdout, err: run.stderr };
}

// A node process. Create with startNode().
export class NodeProcess {
  constructor(dir, config, adminPassword) {
    this.dir = dir;
    this.config = config;
    this.adminPassword = adminPassword;
    this.process = null;
    this.port = 0;
    this.url = '';
  }

  // `simpulctl -c <config> <args>`; throws unless it exits 0. Returns stdout.
  ctl(args) {
    const run = simpulctl(['-c', this.config, ...args]);
    if (run.code !== 0) throw new Error(`simpulctl ${args.join(' ')} failed: ${run.out}${run.err}`);
    return run.out;
  }

  addUser(username, role, unit) {
    const args = ['user', 'add', username, '--role', role, '--json'];
    if (unit) args.push('--unit', unit);
    return JSON.parse(this.ctl(args)).password;
  }

  addUnit(code, name) {
    this.ctl(['unit', 'add', code, '--name', name]);
  }

  // Starts simpuld and waits until it is ready. `environment` adds variables to its environment
  // (inThePast uses it to run the node under libfaketime).
  async start(environment = {}) {
    const portFile = join(this.dir, 'port');
    rmSync(portFile, { force: true });
    const log = openSync(join(this.dir, 'node.log'), 'a');
    this.process = spawn(join(env('SIMPUL_TEST_BIN_DIR'), 'node', 'simpuld'),
      ['--config', this.config, '--port-file', portFile],
      { stdio: ['ignore', log, log], env: { ...process.env, ...environment } });
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    const port = await Promise.race([
      eventually(() => existsSync(portFile) && Number(readFileSync(portFile, 'utf8').trim()),
        { what: 'simpuld to listen', timeout: 15000 }),
      exited.then((code) => { throw new Error(`simpuld exited (${code}) before listening:\n${this.logTail()}`); }),
    ]);
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${this.url}/readyz`)).ok, { what: 'readyz' });
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }

  // Restarts the node with its clock `days` in the past (libfaketime; the monotonic clock is left
  // alone), runs `work()` against it, and restarts it in the present. What `work` files there is
  // `days` old afterwards: how the browser tests get overdue cases. Without libfaketime it
  // returns false and does nothing.
  async inThePast(days, work) {
    const faketime = findFaketime();
    if (!faketime) return false;
    await this.stop();
    await this.start({ LD_PRELOAD: faketime, FAKETIME: `-${days}d`, FAKETIME_DONT_FAKE_MONOTONIC: '1' });
    try {
      await work();
    } finally {
      await this.stop();
      await this.start();
    }
    return true;
  }

  logTail(bytes = 4000) {
    try {
      const text = readFileSync(join(this.dir, 'node.log'), 'utf8');
      return text.slice(-bytes);
    } catch {
      return '(no log)';
    }
  }

  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// Creates a node with `simpulctl init` without starting it. Options: nodeId, region (omit for
// a ministry or the coordinator), name, initArgs (extra `simpulctl init` arguments), config
// (TOML appended to the generated config).
export function createNode(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'simpul-browser-'));
  const region = options.region === undefined ? '32.04' : options.region;
  const args = ['init', '--data-dir', join(dir, 'data'), '--node-id', options.nodeId || 'kab:32.04',
    '--name', options.name || 'Pemerintah Kabupaten Bandung', '--listen', '127.0.0.1:0', '--json',
    ...(region ? ['--region', region] : []), ...(options.initArgs || [])];
  const init = simpulctl(args);
  if (init.code !== 0) throw new Error(`simpulctl init failed: ${init.out}${init.err}`);
  const out = JSON.parse(init.out);
  if (options.config) appendFileSync(out.config, `\n${options.config}\n`);
  return new NodeProcess(dir, out.config, out.admin_password);
}

// Creates and starts a node (options as createNode).
export async function startNode(options = {}) {
  const node = createNode(options);
  await node.start();
  return node;
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// A federation member made for tests: polls the directory every second, retries peers quickly,
// checkpoints its log every second (so receipts are witnessed within seconds).
async function createMember(spec) {
  const port = await freePort();
  const node = createNode({ ...spec, initArgs: [...(spec.initArgs || []), '--federation-listen', `127.0.0.1:${port}`] });
  let config = readFileSync(node.config, 'utf8');
  config = config.replace(/^poll_interval_s = .*$/m, 'poll_interval_s = 1\nretry_base_ms = 100\nretry_cap_ms = 1000');
  if (spec.reportIntervalS) config = config.replace(/^report_interval_s = .*$/m, `report_interval_s = ${spec.reportIntervalS}`);
  writeFileSync(node.config, `${config}\n[transparency]\ncheckpoint_interval_s = 1\n`);
  node.id = spec.nodeId;
  return node;
}

// Waits until `node` holds a current directory (GET /api/v1/federation/peers as its admin).
async function waitForDirectory(node) {
  const staff = await StaffClient.login(node.url, 'admin', node.adminPassword);
  await eventually(async () => {
    const peers = await staff.get('/api/v1/federation/peers');
    return peers.directory && peers.directory.expired === false;
  }, { what: `a directory at ${node.id}`, timeout: 30000 });
}

// A coordinator (coord:panrb) and `members` as real processes with mutual TLS on loopback, every
// member enrolled and the trust anchor installed, all started and holding the directory.
// members: [{nodeId, region, name, initArgs: ['--class', 'regency', '--parent', 'prov:32'], ...}].
// Returns {coordinator, members: Map(id → NodeProcess), stop()}.
export async function startFederation(members, { reportIntervalS } = {}) {
  const coordinator = await createMember({ nodeId: 'coord:panrb', region: '', name: 'KemenPANRB',
    initArgs: ['--class', 'coordinator'], reportIntervalS });
  const nodes = new Map();
  for (const spec of members) {
    const node = await createMember({ ...spec, reportIntervalS });
    const request = join(node.dir, 'enroll.json');
    node.ctl(['enroll', '--out', request]);
    coordinator.ctl(['directory', 'add', request]);
    nodes.set(spec.nodeId, node);
  }
  const anchor = join(coordinator.dir, 'anchor.json');
  coordinator.ctl(['directory', 'anchor', '--out', anchor]);
  for (const node of nodes.values()) node.ctl(['trust', 'install', anchor]);
  await coordinator.start();
  for (const node of nodes.values()) await node.start();
  for (const node of nodes.values()) await waitForDirectory(node);
  return {
    coordinator,
    members: nodes,
    anchor,
    async stop() {
      for (const node of [...nodes.values(), coordinator]) {
        await node.stop();
        node.remove();
      }
    },
  };
}

// A staff session over the JSON API (what the console does), for driving a case along.
export class StaffClient {
  constructor(url, token) {
    this.url = url;
    this.token = token;
  }

  static async login(url, username, password) {
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
    return new StaffClient(url, body.token);
  }

  async call(method, path, body) {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)}`);
    return parsed;
  }

  get(path) { return this.call('GET', path); }
  post(path, body = {}) { return this.call('POST', path, body); }
}

// Debian's libfaketime (package libfaketime), or null.
export function findFaketime() {
  return ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
    '/usr/lib/faketime/libfaketime.so.1'].find((p) => existsSync(p)) || null;
}

// Debian's chromium, or null.
export function findChromium() {
  const candidates = [process.env.SIMPUL_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']
    .filter(Boolean);
  return candidates.find((p) => existsSync(p)) || null;
}

function loadPlaywright() {
  const require = createRequire(join(env('SIMPUL_WEB_NPM_DIR'), 'package.json'));
  return require('playwright-core');
}

// Launches headless chromium. Without chromium or playwright-core the process exits with SKIP
// (77) and says why — except under CI=true, where a missing browser is a failure.
export async function launchBrowser() {
  const executablePath = findChromium();
  let playwright = null;
  try {
    playwright = loadPlaywright();
  } catch (err) {
    bail(`playwright-core is not installed (npm ci in the build): ${err.message}`);
  }
  if (!executablePath) bail('chromium is not installed: apt-get install chromium (deploy/install-deps.sh --tests)');
  return playwright.chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

const inCI = () => process.env.CI === 'true' || process.env.CI === '1';

// Skips the node:test test `t` because `what` is not installed; under CI=true that is a failure.
export function skipWithout(t, what) {
  if (inCI()) throw new Error(`${what} is not installed, and under CI every test must run`);
  t.skip(`${what} is not installed`);
}

function bail(message) {
  if (inCI()) {
    console.error(`browser tests cannot run in CI: ${message}`);
    process.exit(1);
  }
  console.log(`SKIP: ${message}`);
  process.exit(SKIP);
}

// A page with a phone-sized viewport by default (360 x 740), Indonesian locale. Console errors
// (other than failed HTTP statuses) and page errors are collected in page.problems so tests can
// assert there were none (a CSP violation shows up there).
export async function newPage(browser, { width = 360, height = 740 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'id-ID' });
  const page = await context.newPage();
  page.problems = [];
  // Failed HTTP statuses (a 503 while a proof is pending, a 404 the page handles) are logged by
  // the browser as console errors; they are the app's business, not problems.
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/^Failed to load resource/.test(msg.text())) page.problems.push(msg.text());
  });
  page.on('pageerror', (err) => page.problems.push(err.message));
  return page;
}

// Saves a full-page screenshot as <SIMPUL_ARTIFACTS_DIR>/screenshots/<name>.png.
export async function screenshot(page, name) {
  const dir = join(env('SIMPUL_ARTIFACTS_DIR'), 'screenshots');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
