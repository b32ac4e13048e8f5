// In-browser check of a citizen's intake receipt and its transparency proof, mirroring
// node/tlog/receipt_check.cpp with WebCrypto (Ed25519, SHA-256):
//   1. signature: the receipt's Ed25519 signature over "simpul/v1/receipt\n" || payload, by the
//      node's message key named by the receipt's kid (from GET /api/v1/node, or the directory);
//   2. inclusion: the intake leaf rebuilt from the receipt (tracking id, commitment, submission
//      time) is at the receipt's log index under the proof's checkpoint root (RFC 6962);
//   3. checkpoint: the checkpoint note is signed by the node's log key (C2SP signed-note);
//   4. witness: the note carries a valid coordinator-witness cosignature (C2SP tlog-cosignature).
// Each check yields {id, status: 'ok'|'bad'|'wait'|'skip', message, vars}. No DOM here, so the
// same module runs under node:test.

const enc = new TextEncoder();
const subtle = globalThis.crypto.subtle;

export function base64ToBytes(text) {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sha256(bytes) {
  return new Uint8Array(await subtle.digest('SHA-256', bytes));
}

async function ed25519Verify(publicKey, signature, message) {
  const key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

// Canonical JSON of a flat object of ASCII strings and integers (what intake leaves hold).
export function canonicalFlat(object) {
  const keys = Object.keys(object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(object[k])}`).join(',')}}`;
}

export async function leafHash(leafBytes) {
  return sha256(concat(Uint8Array.of(0), leafBytes));
}

async function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

// RFC 9162 §2.1.3.2: the root an inclusion proof leads to, or null when the proof's shape does
// not fit (index, size). Numbers stay below 2^53, so halving is done with arithmetic, not bits.
export async function rootFromInclusion(index, size, leaf, path) {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// Parses a C2SP tlog-proof: {index, hashes: [Uint8Array], note: {text, signatures}, checkpoint}.
export function parseTlogProof(text) {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new Error('tlog-proof: no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  if (lines[0] !== 'c2sp.org/tlog-proof@v1') throw new Error('tlog-proof: unknown header');
  let i = 1;
  if (lines[i] && lines[i].startsWith('extra ')) i += 1;
  const m = /^index (\d+)$/.exec(lines[i] || '');
  if (!m) throw new Error('tlog-proof: no index line');
  const hashes = lines.slice(i + 1).map(base64ToBytes);
  const note = parseNote(text.slice(split + 2));
  const body = note.text.split('\n');
  const checkpoint = { origin: body[0], size: Number(body[1]), root: base64ToBytes(body[2] || '') };
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.root.length !== 32) {
    throw new Error('tlog-proof: malformed checkpoint');
  }
  return { index: Number(m[1]), hashes, note, checkpoint };
}

// A signed note: the text (through its final newline) and its signature lines
// "— <name> <base64(4-byte key id || signature)>".
export function parseNote(noteText) {
  const split = noteText.indexOf('\n\n');
  if (split < 0) throw new Error('signed note: no signatures');
  const text = noteText.slice(0, split + 1);
  const signatures = [];
  for (const line of noteText.slice(split + 2).split('\n')) {
    if (!line) continue;
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error('signed note: malformed signature line');
    const raw = base64ToBytes(m[2]);
    signatures.push({ name: m[1], keyId: raw.slice(0, 4), sig: raw.slice(4) });
  }
  return { text, signatures };
}

// SHA-256(name || "\n" || type || key)[:4]: the key id of a note verifier key.
async function noteKeyId(name, type, publicKey) {
  return (await sha256(concat(enc.encode(`${name}\n`), Uint8Array.of(type), publicKey))).slice(0, 4);
}

// The directory document inside the signed directory text.
function directoryNodes(directoryText) {
  const signed = JSON.parse(directoryText);
  const doc = signed.directory || signed.document || signed;
  return doc.nodes || [];
}

function keysOf(node, use) {
  return (node.keys || []).filter((k) => k.use === use && k.status !== 'revoked');
}

// Checks the note signature of `name` made by one of `keys` (type 0x01).
async function verifyLogSignature(note, name, keys) {
  for (const k of keys) {
    const pub = base64ToBytes(k.public_key);
    const id = await noteKeyId(name, 0x01, pub);
    const line = note.signatures.find((s) => s.name === name && equal(s.keyId, id));
    if (line && await ed25519Verify(pub, line.sig, enc.encode(note.text))) return true;
  }
  return false;
}

// The time of a valid cosignature by `name` with one of `keys` (type 0x04), or null.
async function verifyCosignature(note, name, keys) {
  for (const k of keys) {
    const pub = base64ToBytes(k.public_key);
    const id = await noteKeyId(name, 0x04, pub);
    const line = note.signatures.find((s) => s.name === name && equal(s.keyId, id));
    if (!line || line.sig.length !== 72) continue;
    let time = 0;
    for (let i = 0; i < 8; i += 1) time = time * 256 + line.sig[i];
    const message = enc.encode(`cosignature/v1\ntime ${time}\n${note.text}`);
    if (await ed25519Verify(pub, line.sig.slice(8), message)) return time;
  }
  return null;
}

async function checkSignature(receipt, nodeInfo, nodes) {
  const payload = JSON.parse(receipt.payload_canonical);
  const fromNode = (nodeInfo?.keys || []).find((k) => k.kid === payload.kid);
  const fromDirectory = (nodes.find((n) => n.id === payload.node)?.keys || [])
    .find((k) => k.kid === payload.kid && k.use === 'msg');
  const key = fromNode || fromDirectory;
  if (!key) return { id: 'signature', status: 'bad', message: `no public key ${payload.kid} of ${payload.node}` };
  const ok = await ed25519Verify(base64ToBytes(key.public_key), base64ToBytes(receipt.signature),
    enc.encode(`simpul/v1/receipt\n${receipt.payload_canonical}`));
  return ok
    ? { id: 'signature', status: 'ok', vars: { kid: payload.kid, node: payload.node } }
    : { id: 'signature', status: 'bad', message: 'the signature does not verify' };
}

async function checkProof(payload, bundle, nodes) {
  const proof = parseTlogProof(bundle.tlog_proof);
  const leaf = enc.encode(canonicalFlat({ kind: 'intake', tracking_id: payload.tracking_id,
    commitment: payload.commitment, submitted_at: payload.submitted_at }));
  const out = [];
  const root = proof.index === payload.log_index
    ? await rootFromInclusion(proof.index, proof.checkpoint.size, await leafHash(leaf), proof.hashes)
    : null;
  const included = root !== null && equal(root, proof.checkpoint.root) &&
    proof.checkpoint.origin === `simpul/${payload.node}`;
  out.push(included
    ? { id: 'inclusion', status: 'ok', vars: { index: proof.index, size: proof.checkpoint.size } }
    : { id: 'inclusion', status: 'bad', message: 'the leaf rebuilt from the receipt is not under the checkpoint root' });
  if (!nodes.length) {
    out.push({ id: 'checkpoint', status: 'skip', messageKey: 'check.no_federation' });
    out.push({ id: 'witness', status: 'skip', messageKey: 'check.no_federation' });
    return out;
  }
  const self = nodes.find((n) => n.id === payload.node);
  const logName = `simpul/${payload.node}`;
  const signed = self && await verifyLogSignature(proof.note, logName, keysOf(self, 'log'));
  out.push(signed
    ? { id: 'checkpoint', status: 'ok', vars: { name: logName } }
    : { id: 'checkpoint', status: 'bad', message: 'no valid signature by the node\'s log key' });
  const coordinator = nodes.find((n) => n.class === 'coordinator');
  const witnessName = coordinator ? `simpul/witness/${coordinator.id}` : '';
  const time = coordinator && await verifyCosignature(proof.note, witnessName, keysOf(coordinator, 'log'));
  if (time !== null && time !== undefined && time !== false) {
    out.push({ id: 'witness', status: 'ok', vars: { name: witnessName, time: new Date(time * 1000).toISOString() } });
  } else if (!bundle.witnessed) {
    out.push({ id: 'witness', status: 'wait', messageKey: 'check.pending' });
  } else {
    out.push({ id: 'witness', status: 'bad', message: 'no valid cosignature by the coordinator\'s witness' });
  }
  return out;
}

// Runs every check. `receipt`: {payload_canonical, signature}; `nodeInfo`: GET /api/v1/node;
// `bundle`: GET /api/v1/receipts/{id}/proof, or null when the node answered 503 (not witnessed
// yet), in which case the proof checks are pending.
export async function checkReceipt(receipt, nodeInfo, bundle) {
  const payload = JSON.parse(receipt.payload_canonical);
  let nodes = [];
  try {
    nodes = bundle && bundle.directory ? directoryNodes(bundle.directory) : [];
  } catch {
    nodes = [];
  }
  const results = [await checkSignature(receipt, nodeInfo, nodes)];
  if (!bundle) {
    for (const id of ['inclusion', 'checkpoint', 'witness']) {
      results.push({ id, status: 'wait', messageKey: 'check.pending' });
    }
    return results;
  }
  try {
    results.push(...await checkProof(payload, bundle, nodes));
  } catch (err) {
    results.push({ id: 'inclusion', status: 'bad', message: err.message });
  }
  return results;
}
