// An ES-module user's program: import of every entry point, then a token, a room and a webhook.
import { AccessToken, TokenVerifier } from 'livekit-server-api/token';
import { RoomServiceClient, WebhookReceiver, signWebhook } from 'livekit-server-api';
import { startTestServer } from 'livekit-server-api/testing';

const lk = await startTestServer();
try {
  const at = new AccessToken(lk.apiKey, lk.apiSecret, { identity: 'alice' });
  at.addGrant({ roomJoin: true, room: 'demo' });
  const claims = new TokenVerifier(lk.apiKey, lk.apiSecret).verifySync(await at.toJwt());
  const rooms = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret);
  await rooms.createRoom({ name: 'demo' });
  const names = (await rooms.listRooms()).map((room) => room.name);
  const signed = signWebhook({ event: 'room_started', room: { name: 'demo' } }, { apiKey: lk.apiKey, apiSecret: lk.apiSecret });
  const event = await new WebhookReceiver(lk.apiKey, lk.apiSecret).receiveRequest(
    new Request('http://127.0.0.1/webhook', { method: 'POST', headers: signed.headers, body: signed.body }),
  );
  if (claims.sub !== 'alice' || !names.includes('demo') || event.room?.name !== 'demo') throw new Error('unexpected results');
  console.log('ok');
} finally {
  await lk.close();
}
