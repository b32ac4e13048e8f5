// The portal's in-browser receipt check (node/web/js/common/receipt_check.js) run under Node's
// WebCrypto against receipts and proofs from real nodes: a federated member's receipt passes all
// four checks (signature, RFC 6962 inclusion, checkpoint signature, witness cosignature) as
// `simpulctl verify-receipt` would; each kind of tampering fails exactly its check; a node outside
// a federation reports the witness checks as not available rather than failed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkReceipt } from '../../node/web/js/common/receipt_check.js';
import { eventually, startFederation, startNode } from './harness.mjs';

let fed;
let member;
let filed;
let info;
let bundle;

async function file(node) {
  const categories = await (await fetch(`${node.url}/api/v1/categories`)).json();
  const res = await fetch(`${node.url}/api/v1/complaints`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ classification: 'complaint', category: categories.items[0].code, region: '32.04',
      title: 'Lampu jalan padam', body: 'Lampu jalan di Jl. Raya Soreang padam sebulan.', anonymous: true }),
  });
  assert.equal(res.status, 201);
  return res.json();
}

// The proof once the node has one (a federated node answers 503 until a checkpoint is witnessed).
async function proofOf(node, id) {
  return eventually(async () => {
    const res = await fetch(`${node.url}/api/v1/receipts/${id}/proof`);
    return res.ok && res.json();
  }, { what: `the proof of ${id}`, timeout: 30000, interval: 250 });
}

function statuses(results) {
  return Object.fromEntries(results.map((r) => [r.id, r.status]));
}

// Flips one base64 character of `text` at the start of the line after `marker`.
function corruptLineAfter(text, marker) {
  const at = text.indexOf(marker) + marker.length;
  const c = text[at] === 'A' ? 'B' : 'A';
  return text.slice(0, at) + c + text.slice(at + 1);
}

before(async () => {
  fed = await startFederation([{ nodeId: 'kab:32.04', region: '32.04', initArgs: ['--class', 'regency'] }]);
  member = fed.members.get('kab:32.04');
  await file(member);  // a second leaf, so the proof has a non-trivial path
  filed = await file(member);
  info = await (await fetch(`${member.url}/api/v1/node`)).json();
  bundle = await proofOf(member, filed.tracking_id);
});

after(async () => {
  if (fed) await fed.stop();
});

test('a witnessed receipt passes every check', async () => {
  assert.equal(bundle.witnessed, true);
  const results = await checkReceipt(filed.receipt, info, bundle);
  assert.deepEqual(statuses(results), { signature: 'ok', inclusion: 'ok', checkpoint: 'ok', witness: 'ok' });
  assert.equal(results.find((r) => r.id === 'witness').vars.name, 'simpul/witness/coord:panrb');
});

test('the key comes from the directory when the node info lacks it', async () => {
  const results = await checkReceipt(filed.receipt, { keys: [] }, bundle);
  assert.equal(statuses(results).signature, 'ok');
});

test('a changed receipt payload fails the signature and the inclusion', async () => {
  const payload = JSON.parse(filed.receipt.payload_canonical);
  payload.commitment = '00'.repeat(32);
  const keys = Object.keys(payload).sort();
  const forged = { ...filed.receipt,
    payload_canonical: `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(payload[k])}`).join(',')}}` };
  const s = statuses(await checkReceipt(forged, info, bundle));
  assert.equal(s.signature, 'bad');
  assert.equal(s.inclusion, 'bad');
});

test('a corrupted proof hash fails the inclusion only', async () => {
  const proof = corruptLineAfter(bundle.tlog_proof, `index ${bundle.leaf_index}\n`);
  const s = statuses(await checkReceipt(filed.receipt, info, { ...bundle, tlog_proof: proof }));
  assert.deepEqual(s, { signature: 'ok', inclusion: 'bad', checkpoint: 'ok', witness: 'ok' });
});

test('a corrupted log signature or cosignature fails its own check', async () => {
  const badLog = corruptLineAfter(bundle.tlog_proof, '\u2014 simpul/kab:32.04 ');
  assert.equal(statuses(await checkReceipt(filed.receipt, info, { ...bundle, tlog_proof: badLog })).checkpoint, 'bad');
  // Change a byte inside the signature (after the 4-byte key id and the 8-byte time: base64
  // characters 20 onwards), not the key id, so the line is still found and must fail to verify.
  const witnessLine = '\u2014 simpul/witness/coord:panrb ';
  const at = bundle.tlog_proof.indexOf(witnessLine) + witnessLine.length + 24;
  const c = bundle.tlog_proof[at] === 'A' ? 'B' : 'A';
  const badCosig = bundle.tlog_proof.slice(0, at) + c + bundle.tlog_proof.slice(at + 1);
  const s = statuses(await checkReceipt(filed.receipt, info, { ...bundle, tlog_proof: badCosig }));
  assert.equal(s.witness, 'bad');
  assert.equal(s.checkpoint, 'ok');
});

test('a proof not yet witnessed (503) leaves the proof checks pending', async () => {
  const s = statuses(await checkReceipt(filed.receipt, info, null));
  assert.deepEqual(s, { signature: 'ok', inclusion: 'wait', checkpoint: 'wait', witness: 'wait' });
});

test('a node outside a federation: inclusion checked, witness checks not available', async () => {
  const alone = await startNode({ config: '[transparency]\ncheckpoint_interval_s = 1\n' });
  try {
    const mine = await file(alone);
    const myInfo = await (await fetch(`${alone.url}/api/v1/node`)).json();
    const myBundle = await proofOf(alone, mine.tracking_id);
    assert.equal(myBundle.directory, null);
    const s = statuses(await checkReceipt(mine.receipt, myInfo, myBundle));
    assert.deepEqual(s, { signature: 'ok', inclusion: 'ok', checkpoint: 'skip', witness: 'skip' });
  } finally {
    await alone.stop();
    alone.remove();
  }
});
