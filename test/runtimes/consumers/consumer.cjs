// A CommonJS user's program: require() of every entry point, then a token, a room and a webhook.
const { AccessToken, TokenVerifier } = require('livekit-server-api/token');
const { RoomServiceClient, WebhookReceiver, signWebhook } = require('livekit-server-api');
const { startTestServer } = require('livekit-server-api/testing');

async function main() {
  const lk = await startTestServer();
  try {
    const at = new AccessToken(lk.apiKey, lk.apiSecret, { identity: 'alice' });
    at.addGrant({ roomJoin: true, room: 'demo' });
    const claims = new TokenVerifier(lk.apiKey, lk.apiSecret).verifySync(at.toJwt());
    const rooms = new RoomServiceClient(lk.url, lk.apiKey, lk.apiSecret);
    await rooms.createRoom({ name: 'demo' });
    const names = (await rooms.listRooms()).map((room) => room.name);
    const signed = signWebhook({ event: 'room_started', room: { name: 'demo' } }, { apiKey: lk.apiKey, apiSecret: lk.apiSecret });
    const event = await new WebhookReceiver(lk.apiKey, lk.apiSecret).receive(signed.body, signed.headers.Authorization);
    if (claims.sub !== 'alice' || !names.includes('demo') || event.room?.name !== 'demo') throw new Error('unexpected results');
    console.log('ok');
  } finally {
    await lk.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
