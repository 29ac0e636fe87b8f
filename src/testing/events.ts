// The test server's event stream: every service reports its state changes here, as the
// `WebhookEvent` a LiveKit server would send for them; listeners (the webhook dispatcher,
// `onEvent` callbacks, `lk.events()`) read from it. It lives outside any one service's state
// so that rooms, egress, ingress and agent dispatch all emit into the same ordered stream.
import { WebhookEvent } from '@livekit/protocol';
import type { EgressInfo, IngressInfo, ParticipantInfo, Room, TrackInfo } from '@livekit/protocol';
import { newId } from '../internal/ids.js';

/**
 * The names of the events the test server emits, the same as a LiveKit server's webhooks.
 *
 * @example
 * ```ts
 * import type { TestServerEventName } from 'livekit-server-api/testing';
 * const name: TestServerEventName = 'participant_joined';
 * ```
 */
export type TestServerEventName =
  | 'room_started'
  | 'room_finished'
  | 'participant_joined'
  | 'participant_left'
  | 'track_published'
  | 'track_unpublished'
  | 'egress_started'
  | 'egress_updated'
  | 'egress_ended'
  | 'ingress_started'
  | 'ingress_ended';

/**
 * A state change of the test server, as the `WebhookEvent` a LiveKit server would send for it:
 * `room` is set for room, participant and track events; `participant` for participant and
 * track events; `track` for track events; `egressInfo` / `ingressInfo` for egress and ingress
 * events; `id` is `EV_…` and unique; `createdAt` is in seconds. Each event holds snapshots:
 * later changes to the server do not alter it.
 *
 * @example
 * ```ts
 * import { startTestServer, type TestServerEvent } from 'livekit-server-api/testing';
 * const seen: TestServerEvent[] = [];
 * const lk = await startTestServer({ onEvent: (event) => seen.push(event) });
 * lk.seed.participant('standup', { identity: 'alice' });
 * seen.map((e) => e.event); // ['room_started', 'participant_joined']
 * ```
 */
export type TestServerEvent = WebhookEvent & { readonly event: TestServerEventName };

/**
 * A listener for {@link TestServerEvent}s, called synchronously as the state changes.
 * Exceptions it throws are ignored.
 *
 * @example
 * ```ts
 * import type { TestServerEventListener } from 'livekit-server-api/testing';
 * const log: TestServerEventListener = (event) => {
 *   if (event.event === 'participant_left') departed.push(event.participant?.identity);
 * };
 * const unsubscribe = lk.onEvent(log);
 * ```
 */
export type TestServerEventListener = (event: TestServerEvent) => void;

/** What an event carries besides its name; the bus adds `id` and `createdAt`. */
export interface EventPayload {
  room?: Room | undefined;
  participant?: ParticipantInfo | undefined;
  track?: TrackInfo | undefined;
  egressInfo?: EgressInfo | undefined;
  ingressInfo?: IngressInfo | undefined;
}

/** Internal: the ordered event stream of one test server. */
export class EventBus {
  readonly #listeners = new Set<TestServerEventListener>();
  readonly #log: TestServerEvent[] = [];
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Subscribes to events; returns the unsubscribe function. */
  subscribe(listener: TestServerEventListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Emits an event; `payload`'s messages are copied, so later changes do not reach it. */
  emit(name: TestServerEventName, payload: EventPayload): void {
    const event = new WebhookEvent({
      event: name,
      id: newId('EV_'),
      createdAt: BigInt(Math.floor(this.#now() / 1000)),
    }) as TestServerEvent;
    if (payload.room !== undefined) event.room = payload.room.clone();
    if (payload.participant !== undefined) event.participant = payload.participant.clone();
    if (payload.track !== undefined) event.track = payload.track.clone();
    if (payload.egressInfo !== undefined) event.egressInfo = payload.egressInfo.clone();
    if (payload.ingressInfo !== undefined) event.ingressInfo = payload.ingressInfo.clone();
    this.#log.push(event);
    for (const listener of [...this.#listeners]) {
      try {
        listener(event.clone() as TestServerEvent);
      } catch {
        // A listener's failure must not break the server's state machines.
      }
    }
  }

  /** The events emitted since the last reset, oldest first (copies). */
  events(): TestServerEvent[] {
    return this.#log.map((event) => event.clone() as TestServerEvent);
  }

  /** Forgets the log; listeners stay. */
  clear(): void {
    this.#log.length = 0;
  }
}
