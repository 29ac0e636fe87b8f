// ES-module entry for Node, Bun and Deno: loads the package by name, runs the checks and
// prints one JSON line. The test server's address comes as the first argument (Deno reads no
// environment without a permission, so none is used).
import * as root from 'livekit-server-api';
import * as token from 'livekit-server-api/token';
import { runChecks } from './checks.mjs';

const server = JSON.parse(globalThis.Deno?.args[0] ?? process.argv[2]);
console.log(JSON.stringify(await runChecks({ root, token, server })));
