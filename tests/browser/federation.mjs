// Starts the browser tests' federation (federation_launcher: a coordinator, a ministry and a
// regency on loopback with mutual TLS) and hands back what it printed: each node's URL and admin
// credentials, and the case left for a test to forward. stop() closes the launcher's stdin, which
// takes every node and its temp dir down.
import {spawn} from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const STARTUP_MS = 180_000;

export async function startFederation({reportIntervalS = 1} = {}) {
  const binDir = process.env.SIMPUL_TEST_BIN_DIR;
  if (!binDir) throw new Error('set SIMPUL_TEST_BIN_DIR to the build directory');
  const launcher = path.join(binDir, 'tests', 'browser', 'federation_launcher');
  const child = spawn(launcher, ['--report-interval-s', String(reportIntervalS)], {
    stdio: ['pipe', 'pipe', 'inherit'], env: process.env});
  const lines = readline.createInterface({input: child.stdout});
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('federation_launcher did not start in time')), STARTUP_MS);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`federation_launcher exited (${code})`)); });
    lines.once('line', (line) => { clearTimeout(timer); resolve(JSON.parse(line)); });
  });
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    ...info,
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
}
