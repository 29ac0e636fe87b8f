// A Worker or browser bundle that imports one client from the root must not carry the others:
// the service tables are built by calls marked free of side effects, so a bundler drops the
// tables (and the message classes they name) of services the code does not use.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, '.vitest/tree-shaking');

async function bundle(name: string, source: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(entry, source);
  const build = await rolldown({
    input: entry,
    platform: 'browser',
    cwd: root,
    resolve: { conditionNames: ['workerd', 'worker', 'browser', 'import', 'default'] },
    logLevel: 'silent',
  });
  const { output } = await build.generate({ format: 'esm', codeSplitting: false });
  return output[0].code;
}

describe('bundling the built root', () => {
  it('keeps only the service a Worker uses', async () => {
    const code = await bundle(
      'rooms-only',
      "import { RoomServiceClient } from 'livekit-server-api'; export default new RoomServiceClient('http://127.0.0.1:1', 'k', 's');",
    );
    expect(code).toContain('/twirp/livekit.');
    expect(code).toContain('ListRooms');
    for (const other of ['CreateSIPParticipant', 'StartRoomCompositeEgress', 'CreateIngress', 'CreateDispatch', 'DialWhatsAppCall']) {
      expect(code, other).not.toContain(other);
    }
  });

  it('keeps every service for LiveKitAPI', async () => {
    const code = await bundle('all', "import { LiveKitAPI } from 'livekit-server-api'; export default LiveKitAPI;");
    for (const method of ['ListRooms', 'CreateSIPParticipant', 'StartRoomCompositeEgress', 'CreateIngress', 'CreateDispatch']) {
      expect(code, method).toContain(method);
    }
  });
});
