import { WebhookEvent as ProtoWebhookEvent } from '@livekit/protocol';

/**
 * Every event a LiveKit server sends by webhook, in the order of its documentation.
 *
 * @example
 * ```ts
 * import { WEBHOOK_EVENT_NAMES } from 'livekit-server-api';
 * WEBHOOK_EVENT_NAMES.includes('room_started'); // true
 * ```
 */
export const WEBHOOK_EVENT_NAMES = Object.freeze([
  'room_started',
  'room_finished',
  'participant_joined',
  'participant_left',
  'participant_connection_aborted',
  'track_published',
  'track_unpublished',
  'egress_started',
  'egress_updated',
  'egress_ended',
  'ingress_started',
  'ingress_ended',
] as const);

/**
 * The name of a webhook event: `event.event`. Switch on it; a `default` branch keeps a
 * handler working when a newer server sends an event this list does not know yet (the
 * receiver passes such events through rather than refusing them).
 *
 * @example
 * ```ts
 * import type { WebhookEventName } from 'livekit-server-api';
 * function label(name: WebhookEventName): string {
 *   return name.replace('_', ' ');
 * }
 * ```
 */
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

/**
 * `livekit-server-sdk`'s name for {@link WebhookEventName}, kept so its imports still compile.
 *
 * @deprecated Use {@link WebhookEventName}.
 * @example
 * ```ts
 * import type { WebhookEventNames } from 'livekit-server-api';
 * const name: WebhookEventNames = 'room_finished';
 * ```
 */
export type WebhookEventNames = WebhookEventName;

type JsonValue = Parameters<typeof ProtoWebhookEvent.fromJson>[0];
type JsonReadOptions = Parameters<typeof ProtoWebhookEvent.fromJson>[1];
type BinaryReadOptions = Parameters<typeof ProtoWebhookEvent.fromBinary>[1];

/**
 * A webhook event: the `WebhookEvent` message of `@livekit/protocol` (it is an `instanceof`
 * that class, with the same fields and methods), with `event` typed as the union of the
 * event names. What {@link WebhookReceiver.receive} resolves to.
 *
 * Fields: `event`, `room`, `participant` (participant and track events), `track` (track
 * events), `egressInfo`, `ingressInfo`, `id` (`EV_…`, the same on every retry of one event:
 * use it to drop duplicates), `createdAt` (seconds, a bigint), `numDropped`.
 *
 * @example
 * ```ts
 * const event = await receiver.receive(body, authorization);
 * switch (event.event) {
 *   case 'participant_joined':
 *     console.log(event.participant?.identity, 'joined', event.room?.name);
 *     break;
 *   case 'egress_ended':
 *     console.log(event.egressInfo?.fileResults);
 *     break;
 * }
 * ```
 */
export class WebhookEvent extends ProtoWebhookEvent {
  /**
   * The event name, e.g. `participant_joined`. Always set on a received event; `''` only on
   * a blank `new WebhookEvent()`.
   */
  declare event: WebhookEventName;

  /**
   * Reads the protobuf binary form.
   *
   * @example
   * ```ts
   * const event = WebhookEvent.fromBinary(bytes);
   * ```
   */
  static override fromBinary(bytes: Uint8Array, options?: BinaryReadOptions): WebhookEvent {
    return new WebhookEvent().fromBinary(bytes, options);
  }

  /**
   * Reads protojson that was already parsed. Does not verify anything: use
   * {@link WebhookReceiver} for requests.
   *
   * @example
   * ```ts
   * const event = WebhookEvent.fromJson({ event: 'room_started', room: { name: 'standup' } });
   * ```
   */
  static override fromJson(jsonValue: JsonValue, options?: JsonReadOptions): WebhookEvent {
    return new WebhookEvent().fromJson(jsonValue, options);
  }

  /**
   * Reads protojson text. Does not verify anything: use {@link WebhookReceiver} for requests.
   *
   * @example
   * ```ts
   * const event = WebhookEvent.fromJsonString(text, { ignoreUnknownFields: true });
   * ```
   */
  static override fromJsonString(jsonString: string, options?: JsonReadOptions): WebhookEvent {
    return new WebhookEvent().fromJsonString(jsonString, options);
  }
}

/**
 * The plain-object form of a {@link WebhookEvent} that {@link signWebhook} also accepts:
 * any of its fields, messages given as instances or plain objects.
 *
 * @example
 * ```ts
 * const init: WebhookEventInit = { event: 'room_started', room: { sid: 'RM_x', name: 'standup' } };
 * ```
 */
export type WebhookEventInit = NonNullable<ConstructorParameters<typeof ProtoWebhookEvent>[0]> & {
  event?: WebhookEventName;
};
