// Tokens minted and verified per second: ours (the built package) vs livekit-server-sdk, in
// the same process, with the same inputs. The peer's toJwt and verify are async and awaited.
// Ours: toJwt is synchronous by design and called so; verify is measured through the async
// drop-in `verify` (awaited like the peer's) and, as an extra row, `verifySync`.
import { Buffer } from 'node:buffer';
import { hash } from 'node:crypto';
import * as peer from 'livekit-server-sdk';
import * as ours from '../dist/esm/index.js';
import { compare, report } from './lib.mjs';

const KEY = 'bench-api-key';
const SECRET = 'bench-api-secret-0123456789abcdefghijklmnopqrstuv';
const OPTIONS = { identity: 'participant-42', name: 'Participant 42', ttl: '1h', metadata: '{"seat":42}' };
const GRANT = { roomJoin: true, room: 'bench-room', canPublish: true, canSubscribe: true, canPublishData: true };

function oursMint() {
  const at = new ours.AccessToken(KEY, SECRET, OPTIONS);
  at.addGrant(GRANT);
  return at.toJwt();
}

async function peerMint() {
  const at = new peer.AccessToken(KEY, SECRET, OPTIONS);
  at.addGrant(GRANT);
  return at.toJwt();
}

// The floor: what HS256 alone costs on Node with node:crypto (which the token API must use
// there), with no API around it: a payload already serialised, a key already prepared,
// two one-shot hashes, base64url. No SDK can mint or verify faster than this on this
// machine; printed beside the peer so a ratio target can be read against it.
function bareHs256(secret) {
  const key = Buffer.alloc(64);
  Buffer.from(secret).copy(key);
  const ipad = Buffer.alloc(64);
  const outer = Buffer.alloc(96);
  for (let i = 0; i < 64; i++) {
    ipad[i] = key[i] ^ 0x36;
    outer[i] = key[i] ^ 0x5c;
  }
  const ipadText = ipad.toString('latin1');
  const scratch = Buffer.allocUnsafe(8192);
  // The fastest Buffer calls Node has (the per-encoding methods under write/toString).
  const mac = (input) => {
    outer.latin1Write(hash('sha256', ipadText + input, 'latin1'), 64);
    return hash('sha256', outer, 'base64url');
  };
  const header = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
  return {
    sign(payloadJson) {
      const input = `${header}.${scratch.base64urlSlice(0, scratch.utf8Write(payloadJson, 0))}`;
      return `${input}.${mac(input)}`;
    },
    verify(token) {
      const dot = token.lastIndexOf('.');
      if (mac(token.slice(0, dot)) !== token.slice(dot + 1)) throw new Error('bench: bad signature');
      return JSON.parse(scratch.utf8Slice(0, scratch.base64urlWrite(token.slice(token.indexOf('.') + 1, dot), 0)));
    },
  };
}

export async function run() {
  // Same token checked by both, so both do the same work on the same bytes.
  const token = oursMint();
  const ourVerifier = new ours.TokenVerifier(KEY, SECRET);
  const peerVerifier = new peer.TokenVerifier(KEY, SECRET);
  const [ourClaims, peerClaims] = await Promise.all([ourVerifier.verify(token), peerVerifier.verify(token)]);
  if (ourClaims.sub !== 'participant-42' || peerClaims.sub !== 'participant-42') {
    throw new Error('bench: the verifiers disagree on the token');
  }
  const peerToken = await peerMint();
  if ((await ourVerifier.verify(peerToken)).video?.room !== 'bench-room') {
    throw new Error("bench: ours does not verify the peer's token");
  }

  const mint = await compare(oursMint, peerMint);
  report({
    section: 'token',
    metric: 'mint (new AccessToken + addGrant + toJwt)',
    unit: 'ops/s',
    ...mint,
    higherIsBetter: true,
    target: '≥ 8x',
  });

  const verify = await compare(
    () => ourVerifier.verify(token),
    () => peerVerifier.verify(token),
  );
  report({
    section: 'token',
    metric: 'verify (await TokenVerifier.verify)',
    unit: 'ops/s',
    ...verify,
    higherIsBetter: true,
    target: '≥ 8x',
  });

  // The floor rows: the same payload as a fixed string, signed and checked by bareHs256.
  const bare = bareHs256(SECRET);
  const payloadJson = Buffer.from(token.split('.')[1], 'base64url').toString();
  if (bare.sign(payloadJson) !== token || bare.verify(token).sub !== 'participant-42') {
    throw new Error('bench: the bare HS256 floor does not reproduce our token');
  }
  report({
    section: 'token',
    metric: 'floor: bare HS256 sign of a fixed payload (no API)',
    unit: 'ops/s',
    ...(await compare(() => bare.sign(payloadJson), peerMint)),
    higherIsBetter: true,
  });
  report({
    section: 'token',
    metric: 'floor: bare HS256 check + JSON.parse (no API, no claim checks)',
    unit: 'ops/s',
    ...(await compare(() => bare.verify(token), () => peerVerifier.verify(token))),
    higherIsBetter: true,
  });

  const verifySync = await compare(
    () => ourVerifier.verifySync(token),
    () => peerVerifier.verify(token),
  );
  report({
    section: 'token',
    metric: 'verify, ours with verifySync (no peer equivalent)',
    unit: 'ops/s',
    ...verifySync,
    higherIsBetter: true,
  });
}
