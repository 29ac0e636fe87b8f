// What a test sees of the test server's egress: the options of startTestServer({ egress }),
// and `lk.egress` to read egresses, move them through their life cycle and switch egress off.
import type { EgressInfo } from '@livekit/protocol';
import type { EventBus } from '../events.js';
import type { TestService } from '../service.js';
import { createEgressService } from './service.js';
import { EgressState, parseStatus, type EgressFilter, type EgressStatusInput } from './state.js';

/**
 * The `egress` option of `startTestServer`.
 *
 * @example
 * ```ts
 * import { startTestServer } from 'livekit-server-api/testing';
 * const lk = await startTestServer({ egress: { pageSize: 2, activeAfterMs: 10, completeAfterMs: 10 } });
 * const offline = await startTestServer({ egress: { notConnected: true } });
 * ```
 */
export interface TestServerEgressOptions {
  /**
   * Answer as a livekit-server without egress configured: every Egress call, after the grant
   * check, fails with `internal` "egress not connected (redis required)". Default false;
   * switch it with `lk.egress.notConnected`.
   */
  notConnected?: boolean;
  /** Items per ListEgress page; later pages come with `next_page_token`. Default 100. */
  pageSize?: number;
  /** Move a new egress to active after this many milliseconds. Default: only `lk.egress.advance` moves it. */
  activeAfterMs?: number;
  /** Move a stopped (ending) egress to complete after this many milliseconds. Default: only `advance`. */
  completeAfterMs?: number;
}

/**
 * The egresses of a test server (`lk.egress`).
 *
 * @example
 * ```ts
 * const info = await client.startRoomCompositeEgress('standup', { filepath: 'standup.mp4' });
 * lk.egress.advance(info.egressId, 'active');   // egress_updated
 * await client.stopEgress(info.egressId);         // ending
 * lk.egress.advance(info.egressId, 'complete'); // egress_ended
 * lk.egress.notConnected = true;                 // every Egress call: internal
 * ```
 */
export interface TestServerEgress {
  /** The egresses, in the order they started (copies), optionally of one room or only active ones. */
  list(filter?: EgressFilter): EgressInfo[];
  /** One egress, or `undefined`. */
  get(egressId: string): EgressInfo | undefined;
  /**
   * Moves an egress on to `status`, as its worker would report, and emits `egress_updated`
   * (active, ending) or `egress_ended` (complete, failed, aborted, limit reached). `error` sets
   * the info's error text. A RangeError for an unknown egress or a move backwards.
   */
  advance(egressId: string, status: EgressStatusInput, options?: { error?: string }): EgressInfo;
  /**
   * Whether the server answers as one without egress (`internal` to every call); `reset()`
   * restores the `notConnected` option.
   */
  notConnected: boolean;
}

const DEFAULT_PAGE_SIZE = 100;

function checkOptions(options: TestServerEgressOptions): void {
  const { notConnected, pageSize, activeAfterMs, completeAfterMs } = options;
  if (notConnected !== undefined && typeof notConnected !== 'boolean') {
    throw new TypeError(`startTestServer: egress.notConnected must be true or false, got ${String(notConnected)}`);
  }
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
    throw new RangeError(`startTestServer: egress.pageSize must be a positive integer, got ${String(pageSize)}`);
  }
  for (const [name, value] of [['activeAfterMs', activeAfterMs], ['completeAfterMs', completeAfterMs]] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new RangeError(`startTestServer: egress.${name} must be a non-negative number of milliseconds, got ${String(value)}`);
    }
  }
}

/** The Egress service of one test server and its control handle. Internal. */
export function createTestEgress(
  options: TestServerEgressOptions = {},
  now: () => number,
  events: EventBus,
  onRecording: (roomName: string, recording: boolean) => void,
): { service: TestService; control: TestServerEgress; dispose: () => void } {
  checkOptions(options);
  const initiallyOff = options.notConnected ?? false;
  let notConnected = initiallyOff;
  const state = new EgressState(now, events, options, onRecording);
  const egressService = createEgressService(state, {
    connected: () => !notConnected,
    pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
  });
  const service: TestService = {
    ...egressService,
    reset: () => {
      egressService.reset();
      notConnected = initiallyOff;
    },
  };
  const control: TestServerEgress = {
    list: (filter) => state.list(filter),
    get: (egressId) => state.get(egressId),
    advance: (egressId, status, advanceOptions = {}) =>
      state.advance(egressId, parseStatus(status, 'egress.advance'), advanceOptions),
    get notConnected() {
      return notConnected;
    },
    set notConnected(value: boolean) {
      if (typeof value !== 'boolean') throw new TypeError(`egress.notConnected takes true or false, got ${String(value)}`);
      notConnected = value;
    },
  };
  return { service, control, dispose: () => state.stopTimers() };
}
