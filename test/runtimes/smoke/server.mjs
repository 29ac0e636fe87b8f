// The test server the runtimes call, in a Node process of its own: prints its address as one
// JSON line, then serves until stdin closes (the suite ends, or dies).
import { startTestServer } from 'livekit-server-api/testing';

const lk = await startTestServer();
console.log(JSON.stringify({ url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret }));
process.stdin.resume();
process.stdin.on('end', () => void lk.close());
process.stdin.on('close', () => void lk.close());
