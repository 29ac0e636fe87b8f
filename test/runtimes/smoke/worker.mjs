// workerd entry, bundled by esbuild with the worker conditions: each request runs the checks
// and answers their results. The test server's address is the SERVER binding the suite writes.
import * as root from 'livekit-server-api';
import * as token from 'livekit-server-api/token';
import { runChecks } from './checks.mjs';

export default {
  async fetch(_request, env) {
    return Response.json(await runChecks({ root, token, server: env.SERVER }));
  },
};
