// CommonJS entry for Node, Bun and Deno: the package through require(), the same checks
// (checks.cjs is checks.mjs transpiled by the suite).
const root = require('livekit-server-api');
const token = require('livekit-server-api/token');
const { runChecks } = require('./checks.cjs');

const server = JSON.parse(process.argv[2]);
runChecks({ root, token, server }).then((results) => console.log(JSON.stringify(results)));
