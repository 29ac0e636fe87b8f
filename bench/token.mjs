// Tokens minted and verified per second: ours (the built package) vs livekit-server-sdk, in
// the same process, with the same inputs. The peer's toJwt and verify are async and awaited.
// Ours: toJwt is synchronous by design and called so; verify is measured through the async
// drop-in `verify` (awaited like the peer's) and, as an extra row, `verifySync`.
import * as peer from 'livekit-server-sdk';
import * as ours from '../dist/esm/index.js';
import { median, opsPerSecond, report } from './lib.mjs';

const KEY = 'bench-api-key';
const SECRET = 'bench-api-secret-0123456789abcdefghijklmnopqrstuv';
const OPTIONS = { identity: 'participant-42', name: 'Participant 42', ttl: '1h', metadata: '{"seat":42}' };
const GRANT = { roomJoin: true, room: 'bench-room', canPublish: true, canSubscribe: true, canPublishData: true };

// Ours and the peer are measured in alternating short slices and the medians compared, so a
// burst of load on the machine hits both instead of whichever happened to run then.
async function compare(oursFn, peerFn, slices = 7) {
  const oursRates = [];
  const peerRates = [];
  for (let i = 0; i < slices; i++) {
    oursRates.push(await opsPerSecond(oursFn, { durationMs: 400, warmupMs: 100 }));
    peerRates.push(await opsPerSecond(peerFn, { durationMs: 400, warmupMs: 100 }));
  }
  return { ours: median(oursRates), peer: median(peerRates) };
}

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
