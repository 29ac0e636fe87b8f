// The egresses of one test server and their life cycle: starting → active → ending → complete
// (or failed / aborted / limit reached), moved by the test (`lk.egress.advance`) or by timers.
// Every change is reported to the event bus as the webhook a LiveKit server sends for it.
import { EgressStatus, StreamInfo_Status, type EgressInfo } from '@livekit/protocol';
import { newId } from '../../internal/ids.js';
import type { EventBus } from '../events.js';

/**
 * An egress status: the enum value, or its name with or without the `EGRESS_` prefix, in any
 * case (`'active'`, `'EGRESS_COMPLETE'`, `'limit_reached'`).
 *
 * @example
 * ```ts
 * import type { EgressStatusInput } from 'livekit-server-api/testing';
 * const status: EgressStatusInput = 'complete';
 * ```
 */
export type EgressStatusInput =
  | EgressStatus
  | 'starting'
  | 'active'
  | 'ending'
  | 'complete'
  | 'failed'
  | 'aborted'
  | 'limit_reached'
  | `EGRESS_${'STARTING' | 'ACTIVE' | 'ENDING' | 'COMPLETE' | 'FAILED' | 'ABORTED' | 'LIMIT_REACHED'}`;

/**
 * Timers that move egresses on by themselves; left out, only `lk.egress.advance` does.
 *
 * @example
 * ```ts
 * const timers: EgressTimers = { activeAfterMs: 50, completeAfterMs: 50 };
 * ```
 */
export interface EgressTimers {
  /** Milliseconds from start to `EGRESS_ACTIVE`. */
  readonly activeAfterMs?: number | undefined;
  /** Milliseconds from `EGRESS_ENDING` (a stop) to `EGRESS_COMPLETE`. */
  readonly completeAfterMs?: number | undefined;
}

/**
 * Filters of `lk.egress.list`, as ListEgress takes them.
 *
 * @example
 * ```ts
 * const running = lk.egress.list({ roomName: 'standup', active: true });
 * ```
 */
export interface EgressFilter {
  readonly roomName?: string | undefined;
  /** Only egresses that have not ended (status below `EGRESS_COMPLETE`). */
  readonly active?: boolean | undefined;
}

const S = EgressStatus;
const ENDED = new Set([S.EGRESS_COMPLETE, S.EGRESS_FAILED, S.EGRESS_ABORTED, S.EGRESS_LIMIT_REACHED]);
/** Where each status may go next: forward only, as an egress worker reports. */
const NEXT: Readonly<Record<number, readonly EgressStatus[]>> = {
  [S.EGRESS_STARTING]: [S.EGRESS_ACTIVE, S.EGRESS_ENDING, S.EGRESS_COMPLETE, S.EGRESS_FAILED, S.EGRESS_ABORTED, S.EGRESS_LIMIT_REACHED],
  [S.EGRESS_ACTIVE]: [S.EGRESS_ENDING, S.EGRESS_COMPLETE, S.EGRESS_FAILED, S.EGRESS_ABORTED, S.EGRESS_LIMIT_REACHED],
  [S.EGRESS_ENDING]: [S.EGRESS_COMPLETE, S.EGRESS_FAILED, S.EGRESS_ABORTED, S.EGRESS_LIMIT_REACHED],
};

/** The Go name of a status (`EGRESS_COMPLETE`), as the server writes it in messages. */
export const statusName = (status: EgressStatus): string => S[status] ?? String(status);

/** Whether an egress in this status can still be stopped or updated. */
export const isRunning = (status: EgressStatus): boolean => status === S.EGRESS_STARTING || status === S.EGRESS_ACTIVE;

/** Reads an {@link EgressStatusInput}; a RangeError for anything else. */
export function parseStatus(input: unknown, what: string): EgressStatus {
  if (typeof input === 'number' && S[input] !== undefined) return input;
  if (typeof input === 'string') {
    const upper = input.toUpperCase();
    const found = S[(upper.startsWith('EGRESS_') ? upper : `EGRESS_${upper}`) as keyof typeof S];
    if (typeof found === 'number') return found;
  }
  throw new RangeError(`${what}: status must be one of starting, active, ending, complete, failed, aborted, limit_reached; got ${String(input)}`);
}

/** Internal: the egresses of one test server, in creation order. */
export class EgressState {
  readonly #items = new Map<string, EgressInfo>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly now: () => number,
    private readonly events: EventBus,
    private readonly timers: EgressTimers,
    /** Told whether a room is being recorded, as its `activeRecording` follows the egresses. */
    private readonly onRecording: (roomName: string, recording: boolean) => void = () => undefined,
  ) {}

  /** Registers a new egress (status starting) and reports `egress_started`. */
  start(init: EgressInfo): EgressInfo {
    const info = init.clone();
    info.egressId = newId('EG_');
    info.status = S.EGRESS_STARTING;
    info.updatedAt = this.#nanos();
    this.#items.set(info.egressId, info);
    this.events.emit('egress_started', { egressInfo: info });
    this.#refreshRecording(info.roomName);
    this.#schedule(this.timers.activeAfterMs, info.egressId, S.EGRESS_STARTING, S.EGRESS_ACTIVE);
    return info.clone();
  }

  get(egressId: string): EgressInfo | undefined {
    return this.#items.get(egressId)?.clone();
  }

  list(filter: EgressFilter = {}): EgressInfo[] {
    const out: EgressInfo[] = [];
    for (const info of this.#items.values()) {
      if (filter.roomName !== undefined && filter.roomName !== '' && info.roomName !== filter.roomName) continue;
      if (filter.active === true && info.status >= S.EGRESS_COMPLETE) continue;
      out.push(info.clone());
    }
    return out;
  }

  /**
   * Moves an egress to `status`: `egress_updated` for active and ending, `egress_ended` for the
   * final ones. A RangeError for an unknown egress or a move backwards.
   */
  advance(egressId: string, status: EgressStatus, options: { error?: string | undefined } = {}): EgressInfo {
    const info = this.#items.get(egressId);
    if (info === undefined) throw new RangeError(`egress.advance: no egress ${JSON.stringify(egressId)}`);
    if (!(NEXT[info.status] ?? []).includes(status)) {
      throw new RangeError(`egress.advance: an egress with status ${statusName(info.status)} cannot become ${statusName(status)}`);
    }
    const nanos = this.#nanos();
    info.status = status;
    info.updatedAt = nanos;
    if (status === S.EGRESS_ACTIVE) info.startedAt = nanos;
    if (options.error !== undefined) info.error = options.error;
    if (ENDED.has(status)) {
      info.endedAt = nanos;
      if (info.startedAt === 0n) info.startedAt = nanos;
      for (const stream of info.streamResults) {
        stream.status = status === S.EGRESS_COMPLETE ? StreamInfo_Status.FINISHED : StreamInfo_Status.FAILED;
        stream.endedAt = nanos;
      }
      for (const file of info.fileResults) file.endedAt = nanos;
      this.events.emit('egress_ended', { egressInfo: info });
    } else {
      this.events.emit('egress_updated', { egressInfo: info });
    }
    this.#refreshRecording(info.roomName);
    if (status === S.EGRESS_ENDING) this.#schedule(this.timers.completeAfterMs, egressId, S.EGRESS_ENDING, S.EGRESS_COMPLETE);
    return info.clone();
  }

  /** Applies `change` to a stored egress and reports `egress_updated`. */
  update(egressId: string, change: (info: EgressInfo) => void, report: boolean): EgressInfo | undefined {
    const info = this.#items.get(egressId);
    if (info === undefined) return undefined;
    change(info);
    info.updatedAt = this.#nanos();
    if (report) this.events.emit('egress_updated', { egressInfo: info });
    return info.clone();
  }

  /** Forgets every egress and cancels the timers. */
  reset(): void {
    this.#items.clear();
    this.stopTimers();
  }

  /** Cancels the pending timer moves (the server is closing). */
  stopTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #schedule(delayMs: number | undefined, egressId: string, from: EgressStatus, to: EgressStatus): void {
    if (delayMs === undefined) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      // The test may have moved it on already.
      if (this.#items.get(egressId)?.status === from) this.advance(egressId, to);
    }, delayMs);
    timer.unref?.();
    this.#timers.add(timer);
  }

  /** A room is recorded while one of its egresses runs (active, or ending its outputs). */
  #refreshRecording(roomName: string): void {
    if (roomName === '') return;
    let recording = false;
    for (const info of this.#items.values()) {
      if (info.roomName === roomName && (info.status === S.EGRESS_ACTIVE || info.status === S.EGRESS_ENDING)) recording = true;
    }
    this.onRecording(roomName, recording);
  }

  /** Egress timestamps are Unix nanoseconds. */
  #nanos(): bigint {
    return BigInt(Math.floor(this.now())) * 1_000_000n;
  }
}
