// The one place that decides how requests leave the process when the caller injects no
// `fetch`: node:http with keep-alive where the runtime has it (Node ≥ 20.16, Bun, Deno), the
// global fetch everywhere else (Cloudflare Workers, Vercel Edge, browsers, older Node).
//
// `process.getBuiltinModule` is how Node documents loading a built-in from code that must
// also run elsewhere: no import statement for a bundler to resolve, no top-level await.
import { globalFetchTransport } from './http-fetch.js';
import type { HttpTransport } from './http.js';
import { nodeHttpTransport } from './http-node.js';
import type { NodeHttpModules } from './http-node.js';

/** What the choice looks at: `globalThis` in production, a stand-in in tests. */
export interface RuntimeScope {
  process?: { getBuiltinModule?: (id: string) => unknown } | undefined;
  navigator?: { userAgent?: string } | undefined;
}

let shared: HttpTransport | undefined;

/** The transport shared by every client built without a `fetch` option; created on first use. */
export function defaultTransport(): HttpTransport {
  return (shared ??= transportFor(globalThis as RuntimeScope));
}

/** The transport a runtime described by `scope` gets. */
export function transportFor(scope: RuntimeScope): HttpTransport {
  const modules = nodeHttpModules(scope);
  return modules === undefined ? globalFetchTransport() : nodeHttpTransport(modules);
}

function nodeHttpModules(scope: RuntimeScope): NodeHttpModules | undefined {
  const proc = scope.process;
  // workerd can emulate node:http on top of fetch; fetch itself is the better choice there.
  if (typeof proc?.getBuiltinModule !== 'function' || scope.navigator?.userAgent === 'Cloudflare-Workers') return undefined;
  try {
    const http = proc.getBuiltinModule('node:http') as NodeHttpModules['http'] | undefined;
    if (typeof http?.request !== 'function') return undefined;
    return { http, https: () => proc.getBuiltinModule?.('node:https') as ReturnType<NodeHttpModules['https']> };
  } catch {
    return undefined;
  }
}
