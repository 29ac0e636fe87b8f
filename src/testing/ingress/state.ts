// The test server's ingresses: what a livekit-server keeps in its ingress store, and the state
// changes an ingress service would report (a stream starting and ending), moved by the test
// through `lk.ingress`. Each change a server reports by webhook goes to the event bus.
import type { IngressInfo } from '@livekit/protocol';
import { IngressInput, IngressState, IngressState_Status, Room } from '@livekit/protocol';
import { newId } from '../../internal/ids.js';
import type { EventBus } from '../events.js';
import type { RoomState } from '../rooms/state.js';

/**
 * How the test server's Ingress service behaves. Every field is optional.
 *
 * @example
 * ```ts
 * import { startTestServer } from 'livekit-server-api/testing';
 * const lk = await startTestServer({ ingress: { pageSize: 2, rtmpUrl: 'rtmp://ingest.test/x' } });
 * ```
 */
export interface TestServerIngressOptions {
  /**
   * Answer as a livekit-server without ingress configured: `internal` "ingress not connected
   * (redis required)" after the grant check. Default false; switch it with `lk.ingress.notConnected`.
   */
  notConnected?: boolean;
  /** Items per ListIngress page (then answers carry `next_page_token`). Default 0: one page. */
  pageSize?: number;
  /** The `url` of RTMP ingresses. Default `rtmp://127.0.0.1:1935/x`. */
  rtmpUrl?: string;
  /** The `url` of WHIP ingresses. Default `http://127.0.0.1:8080/w`. */
  whipUrl?: string;
}

/**
 * The ingresses of a test server, and what a streaming tool would do to them.
 *
 * @example
 * ```ts
 * const info = await ingressClient.createIngress(IngressInput.RTMP_INPUT, { roomName: 'stage', participantIdentity: 'obs' });
 * lk.ingress.start(info.ingressId); // publishing: ingress_started, the participant joins 'stage'
 * lk.ingress.end(info.ingressId);   // ingress_ended, the participant leaves
 * lk.ingress.notConnected = true;   // every Ingress call now fails with `internal`
 * ```
 */
export interface TestServerIngress {
  /** Every ingress, in creation order (copies). */
  list(): IngressInfo[];
  /** One ingress, or `undefined`. */
  get(ingressId: string): IngressInfo | undefined;
  /**
   * The stream arrives: the ingress is publishing, its participant (kind ingress, with a
   * microphone and a camera track) joins the room, and `ingress_started` is emitted.
   * RangeError when there is no such ingress, it has no room, is disabled or already live.
   */
  start(ingressId: string): IngressInfo;
  /**
   * The stream stops: the participant leaves and `ingress_ended` is emitted. The status becomes
   * inactive (RTMP, WHIP: the stream key can be used again), complete (URL), or error with
   * `options.error`. RangeError when there is no such ingress or it is not live.
   */
  end(ingressId: string, options?: { error?: string }): IngressInfo;
  /** Whether the service answers as one without ingress configured. `reset()` restores the option. */
  notConnected: boolean;
}

const LIVE = new Set([IngressState_Status.ENDPOINT_BUFFERING, IngressState_Status.ENDPOINT_PUBLISHING]);

/** Internal: the ingress store of one test server. */
export class IngressStore {
  readonly #items = new Map<string, IngressInfo>();
  notConnected: boolean;

  constructor(
    readonly options: TestServerIngressOptions,
    private readonly rooms: RoomState,
    private readonly events: EventBus,
    private readonly nowMs: () => number,
  ) {
    const pageSize = options.pageSize ?? 0;
    if (!Number.isSafeInteger(pageSize) || pageSize < 0) {
      throw new RangeError(`startTestServer: ingress.pageSize must be a non-negative integer, got ${String(pageSize)}`);
    }
    this.notConnected = options.notConnected ?? false;
  }

  /** The `lk.ingress` handle over this store. */
  handle(): TestServerIngress {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the handle's accessors read the store
    const store = this;
    return {
      list: () => store.list(),
      get: (ingressId) => store.get(ingressId),
      start: (ingressId) => store.start(ingressId),
      end: (ingressId, options) => store.end(ingressId, options),
      get notConnected() {
        return store.notConnected;
      },
      set notConnected(value: boolean) {
        store.notConnected = value;
      },
    };
  }

  reset(): void {
    this.#items.clear();
    this.notConnected = this.options.notConnected ?? false;
  }

  /** Stores a new ingress built from `init`: its id, stream key and URL added. */
  add(info: IngressInfo): IngressInfo {
    info.ingressId = newId('IN_');
    if (info.inputType !== IngressInput.URL_INPUT) {
      info.streamKey = newId('');
      info.url = info.inputType === IngressInput.RTMP_INPUT ? (this.options.rtmpUrl ?? 'rtmp://127.0.0.1:1935/x') : (this.options.whipUrl ?? 'http://127.0.0.1:8080/w');
      info.reusable = true;
    }
    // A URL ingress starts pulling at once; the others wait for a stream.
    const status = info.inputType === IngressInput.URL_INPUT ? IngressState_Status.ENDPOINT_BUFFERING : IngressState_Status.ENDPOINT_INACTIVE;
    info.state = new IngressState({ status, updatedAt: this.#nowNs() });
    this.#items.set(info.ingressId, info);
    return info.clone();
  }

  /** The stored ingress itself (not a copy), for handlers that change it. */
  find(ingressId: string): IngressInfo | undefined {
    return this.#items.get(ingressId);
  }

  get(ingressId: string): IngressInfo | undefined {
    return this.#items.get(ingressId)?.clone();
  }

  list(roomName = ''): IngressInfo[] {
    return [...this.#items.values()].filter((i) => roomName === '' || i.roomName === roomName).map((i) => i.clone());
  }

  /** Removes an ingress; a live one stops first (its participant leaves, `ingress_ended`). */
  delete(ingressId: string): IngressInfo | undefined {
    const info = this.#items.get(ingressId);
    if (info === undefined) return undefined;
    if (LIVE.has(info.state?.status ?? IngressState_Status.ENDPOINT_INACTIVE)) this.end(ingressId);
    this.#items.delete(ingressId);
    (info.state ??= new IngressState()).status = IngressState_Status.ENDPOINT_INACTIVE;
    return info.clone();
  }

  start(ingressId: string): IngressInfo {
    const info = this.#require(ingressId, 'start');
    const state = (info.state ??= new IngressState());
    if (info.roomName === '') throw new RangeError(`ingress.start: ingress ${ingressId} has no room to publish into; set one with UpdateIngress`);
    if (info.enabled === false) throw new RangeError(`ingress.start: ingress ${ingressId} is disabled; a connection to it would be refused`);
    if (state.status === IngressState_Status.ENDPOINT_PUBLISHING) throw new RangeError(`ingress.start: ingress ${ingressId} is already publishing`);
    this.rooms.addParticipant(info.roomName, {
      identity: info.participantIdentity,
      name: info.participantName,
      metadata: info.participantMetadata,
      kind: 'ingress',
      tracks: [{ source: 'microphone' }, { source: 'camera' }],
    });
    const now = this.#nowNs();
    Object.assign(state, { status: IngressState_Status.ENDPOINT_PUBLISHING, error: '', startedAt: now, endedAt: 0n, updatedAt: now });
    state.roomId = this.rooms.getRoom(info.roomName)?.sid ?? '';
    this.#emit('ingress_started', info);
    return info.clone();
  }

  end(ingressId: string, options: { error?: string } = {}): IngressInfo {
    const info = this.#require(ingressId, 'end');
    const state = (info.state ??= new IngressState());
    if (!LIVE.has(state.status)) throw new RangeError(`ingress.end: ingress ${ingressId} is not live (start it first)`);
    if (this.rooms.getParticipant(info.roomName, info.participantIdentity) !== undefined) {
      this.rooms.removeParticipant(info.roomName, info.participantIdentity);
    }
    const error = options.error ?? '';
    const now = this.#nowNs();
    state.status =
      error !== ''
        ? IngressState_Status.ENDPOINT_ERROR
        : info.reusable
          ? IngressState_Status.ENDPOINT_INACTIVE
          : IngressState_Status.ENDPOINT_COMPLETE;
    Object.assign(state, { error, endedAt: now, updatedAt: now });
    this.#emit('ingress_ended', info);
    return info.clone();
  }

  #require(ingressId: string, operation: string): IngressInfo {
    const info = this.#items.get(ingressId);
    if (info === undefined) throw new RangeError(`ingress.${operation}: no ingress ${JSON.stringify(ingressId)}`);
    return info;
  }

  // As a server: the webhook carries the ingress and a room with only its name.
  #emit(name: 'ingress_started' | 'ingress_ended', info: IngressInfo): void {
    this.events.emit(name, { room: new Room({ name: info.roomName }), ingressInfo: info });
  }

  // Ingress timestamps are Unix nanoseconds.
  #nowNs(): bigint {
    return BigInt(Math.floor(this.nowMs())) * 1_000_000n;
  }
}
