// ES-module entry that loads only 'livekit-server-api/token': run by Deno with no permission
// at all, which is what the README promises for the token API.
import * as token from 'livekit-server-api/token';
import { runChecks } from './checks.mjs';

const server = JSON.parse(globalThis.Deno?.args[0] ?? process.argv[2]);
console.log(JSON.stringify(await runChecks({ token, server })));
