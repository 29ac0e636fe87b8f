// A TypeScript user's program, compiled by tsc under each moduleResolution the suite lists
// (node16 as ES module and as CommonJS, bundler, the old node10) and then run: every entry
// point's types must resolve, and be real types, not `any`.
import { AccessToken, TokenVerifier, type ClaimGrants } from 'livekit-server-api/token';
import { RoomServiceClient, WebhookReceiver, signWebhook } from 'livekit-server-api';
import { startTestServer, type TestServer } from 'livekit-server-api/testing';

// Never called: it only has to compile, and it compiles only while the types are precise.
export function typesAreNotAny(lk: TestServer): void {
  // @ts-expect-error ttl is seconds or a duration string, not a boolean
  new AccessToken('key', 'secret', { ttl: true });
  // @ts-expect-error listRooms resolves to rooms, not to a string
  const wrong: Promise<string> = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret).listRooms();
  void wrong;
}

async function main(): Promise<void> {
  const lk = await startTestServer();
  try {
    const at = new AccessToken(lk.apiKey, lk.apiSecret, { identity: 'alice' });
    at.addGrant({ roomJoin: true, room: 'demo' });
    const jwt: string = at.toJwt();
    const claims: ClaimGrants = new TokenVerifier(lk.apiKey, lk.apiSecret).verifySync(jwt);

    const rooms = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret);
    await rooms.createRoom({ name: 'demo' });
    const names: string[] = (await rooms.listRooms()).map((room) => room.name);

    const signed = signWebhook({ event: 'room_started', room: { name: 'demo' } }, { apiKey: lk.apiKey, apiSecret: lk.apiSecret });
    const event = await new WebhookReceiver(lk.apiKey, lk.apiSecret).receive(signed.body, signed.headers.Authorization);

    if (claims.sub !== 'alice' || !names.includes('demo') || event.room?.name !== 'demo') {
      throw new Error(`unexpected results: ${JSON.stringify({ sub: claims.sub, names, room: event.room?.name })}`);
    }
    console.log('ok');
  } finally {
    await lk.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
