// Webhooks received per second, ours vs livekit-server-sdk, for a typical participant_joined
// event as a LiveKit server sends it: the body bytes and the raw token of the Authorization
// header in, the parsed WebhookEvent out. Both receivers verify the same request.
import { Buffer } from 'node:buffer';
import { WebhookReceiver, signWebhook } from '../dist/esm/index.js';
import * as peer from 'livekit-server-sdk';
import { median, opsPerSecond, report } from './lib.mjs';

const API_KEY = 'APIbenchWebhooks';
const API_SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';

// What a server sends when a browser participant joins: the room and the participant info,
// with the fields a real server fills in.
const nowSeconds = BigInt(Math.floor(Date.now() / 1000));
const EVENT = {
  event: 'participant_joined',
  room: {
    sid: 'RM_kJ6tTrPmQeFz',
    name: 'daily-standup',
    emptyTimeout: 300,
    departureTimeout: 20,
    creationTime: nowSeconds - 120n,
    creationTimeMs: (nowSeconds - 120n) * 1000n,
    turnPassword: 'ICkSr2rEeslkN6e9bXL4Ji5zzMD5Z7zzr6ulOaxMj6N',
    enabledCodecs: [{ mime: 'audio/opus' }, { mime: 'audio/red' }, { mime: 'video/VP8' }, { mime: 'video/H264' }, { mime: 'video/VP9' }, { mime: 'video/AV1' }],
    numParticipants: 3,
  },
  participant: {
    sid: 'PA_Yx4Xg3Zz9H6b',
    identity: 'alice@example.com',
    name: 'Alice',
    state: 2, // ACTIVE
    metadata: '{"avatar":"https://example.com/a.png"}',
    joinedAt: nowSeconds,
    joinedAtMs: nowSeconds * 1000n,
    version: 4,
    permission: { canSubscribe: true, canPublish: true, canPublishData: true, canUpdateMetadata: true },
    region: 'eu-central',
    attributes: { team: 'platform', role: 'host' },
    kind: 0,
  },
};

export async function run() {
  const signed = signWebhook(EVENT, { apiKey: API_KEY, apiSecret: API_SECRET });
  const authorization = signed.headers.Authorization;
  // Frameworks hand the body over as a Buffer (express.raw, Fastify) or a string; the peer
  // only accepts a string, so it gets the text and ours the bytes, as each is used.
  const bodyBytes = Buffer.from(signed.body);
  const bodyText = signed.text;

  const ours = new WebhookReceiver(API_KEY, API_SECRET);
  const theirs = new peer.WebhookReceiver(API_KEY, API_SECRET);

  // Both must accept the request and agree on the event before anything is timed.
  const a = await ours.receive(bodyBytes, authorization);
  const b = await theirs.receive(bodyText, authorization);
  if (a.event !== 'participant_joined' || a.toJsonString() !== b.toJsonString()) {
    throw new Error('bench/webhook: the two receivers disagree on the benchmark event');
  }

  // The machine this runs on may be busy with other work, which moves every figure by ±50 %
  // from one second to the next. So each round measures all sides back to back (rotating
  // which goes first), a ratio is taken per round, and the round with the median ratio is
  // reported: its figures are real measurements, and its ratio is the typical one.
  const sides = {
    bytes: () => ours.receive(bodyBytes, authorization),
    text: () => ours.receive(bodyText, authorization),
    peer: () => theirs.receive(bodyText, authorization),
  };
  const names = Object.keys(sides);
  // Warm every side up first: jose's WebCrypto path needs longer than ours to reach full speed.
  for (const name of names) await opsPerSecond(sides[name], { durationMs: 1000, warmupMs: 500 });
  const rounds = [];
  for (let round = 0; round < 9; round++) {
    const figures = {};
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      figures[name] = await opsPerSecond(sides[name], { durationMs: 400, warmupMs: 50 });
    }
    rounds.push(figures);
  }
  // BENCH_VERBOSE=1 prints every round, to judge how noisy the machine is.
  if (process.env.BENCH_VERBOSE) console.error(rounds);
  const medianRound = (side) => {
    const ratio = (r) => r[side] / r.peer;
    const target = median(rounds.map(ratio));
    return rounds.find((r) => ratio(r) === target);
  };
  const common = { section: 'webhook', unit: 'ops/s', higherIsBetter: true, target: '≥ 3x' };
  const bytes = medianRound('bytes');
  const text = medianRound('text');
  report({ ...common, metric: `receive participant_joined, ${signed.body.length} B body as bytes`, ours: bytes.bytes, peer: bytes.peer });
  report({ ...common, metric: 'the same, body as a string (what the peer takes)', ours: text.text, peer: text.peer });
}
