// Ingress: streams pushed in over RTMP or WHIP, or pulled from a URL, published into a room.
// Drop-in for livekit-server-sdk's IngressClient: same method names, argument order and
// results, plus per-call options last and `iterateIngress` over every page of ListIngress.
import {
  CreateIngressRequest,
  DeleteIngressRequest,
  IngressInfo,
  IngressInput,
  ListIngressRequest,
  ListIngressResponse,
  UpdateIngressRequest,
} from '@livekit/protocol';
import type { IngressAudioOptions, IngressVideoOptions } from '@livekit/protocol';
import type { CallGrants } from '../rpc/auth.js';
import { ServerError } from '../rpc/errors.js';
import type { MessageInit } from '../rpc/message-init.js';
import { show } from '../rpc/options.js';
import type { ClientOptions, RequestOptions } from '../rpc/options.js';
import { defineService, method } from '../rpc/service.js';
import type { TwirpClient } from '../rpc/twirp-client.js';
import { optionalObject, requireName, requireObject, requireString } from '../rpc/validate.js';
import { transportFor } from './transport.js';

// Every Ingress method needs `ingressAdmin`, and nothing else.
const INGRESS_ADMIN: CallGrants = { video: { ingressAdmin: true } };
const ingressAdmin = (): CallGrants => INGRESS_ADMIN;

/**
 * The Ingress methods. Creating twice makes two ingresses and deleting twice answers
 * not_found, so those are retried only when the request surely never reached the server;
 * an update sets the same fields again.
 */
export const INGRESS = defineService('Ingress', {
  CreateIngress: method({ input: CreateIngressRequest, output: IngressInfo, idempotent: false, grants: ingressAdmin }),
  UpdateIngress: method({ input: UpdateIngressRequest, output: IngressInfo, idempotent: true, grants: ingressAdmin }),
  ListIngress: method({ input: ListIngressRequest, output: ListIngressResponse, idempotent: true, grants: ingressAdmin }),
  DeleteIngress: method({ input: DeleteIngressRequest, output: IngressInfo, idempotent: false, grants: ingressAdmin }),
});
const M = INGRESS;

/** URL inputs the server pulls from: these schemes only. */
const PULL_SCHEMES = new Set(['http', 'https', 'srt']);

/**
 * The ingress to create: `livekit-server-sdk`'s `CreateIngressOptions`, every field of
 * `CreateIngressRequest` but the input type.
 *
 * @example
 * ```ts
 * const options: CreateIngressOptions = { roomName: 'stage', participantIdentity: 'obs', participantName: 'OBS' };
 * ```
 */
export interface CreateIngressOptions {
  /** A name for the ingress, to find it again. */
  name?: string | undefined;
  /** The room to publish into. Required: an empty string leaves it to a later update (RTMP, WHIP). */
  roomName?: string | undefined;
  /** The identity of the participant that publishes the stream. Required. */
  participantIdentity: string;
  /** The display name of that participant. */
  participantName?: string | undefined;
  /** The metadata of that participant. */
  participantMetadata?: string | undefined;
  /** @deprecated Use `enableTranscoding: false`. Forwards WHIP media as it is. */
  bypassTranscoding?: boolean | undefined;
  /** Whether the media is transcoded; required for every input but WHIP, where it is off by default. */
  enableTranscoding?: boolean | undefined;
  /** For `URL_INPUT`: the http, https or srt URL of the media (a file or an HLS stream) to pull. */
  url?: string | undefined;
  /** `false` refuses new connections while keeping the stream key. Default true. */
  enabled?: boolean | undefined;
  /** Audio track name, source and encoding (a preset or options). */
  audio?: IngressAudioOptions | MessageInit<IngressAudioOptions> | undefined;
  /** Video track name, source and encoding (a preset or layers). */
  video?: IngressVideoOptions | MessageInit<IngressVideoOptions> | undefined;
}

/**
 * What {@link IngressClient.updateIngress} changes: `livekit-server-sdk`'s
 * `UpdateIngressOptions`, the fields of {@link CreateIngressOptions} but `url`, all optional.
 * Empty strings and fields left out stay as they are.
 *
 * @example
 * ```ts
 * const update: UpdateIngressOptions = { name: 'main stage', roomName: 'stage-2', enabled: false };
 * ```
 */
export type UpdateIngressOptions = Partial<Omit<CreateIngressOptions, 'url'>>;

/**
 * Which ingresses {@link IngressClient.listIngress} returns: `livekit-server-sdk`'s
 * `ListIngressOptions`. Both left out: all of them.
 *
 * @example
 * ```ts
 * const options: ListIngressOptions = { roomName: 'stage' };
 * ```
 */
export interface ListIngressOptions {
  /** Only the ingresses publishing into this room. */
  roomName?: string | undefined;
  /** Only this ingress (a missing one is `not_found`). */
  ingressId?: string | undefined;
}

/**
 * Creates, updates, lists and deletes ingresses on a LiveKit server: RTMP and WHIP endpoints a
 * streaming tool pushes to, or a URL the server pulls from.
 *
 * A drop-in for `livekit-server-sdk`'s `IngressClient`: the same constructor, method names,
 * argument order and results (`@livekit/protocol` messages), plus per-call
 * {@link RequestOptions} as the last argument of every method, and {@link IngressClient.iterateIngress}
 * over every page. Tokens carry only `ingressAdmin`.
 *
 * @example
 * ```ts
 * import { IngressClient, IngressInput } from 'livekit-server-api';
 *
 * const ingress = new IngressClient('https://my-project.livekit.cloud', apiKey, apiSecret);
 * const info = await ingress.createIngress(IngressInput.RTMP_INPUT, { roomName: 'stage', participantIdentity: 'obs' });
 * console.log(info.url, info.streamKey); // what OBS needs
 * ```
 */
export class IngressClient {
  readonly #rpc: TwirpClient;

  /**
   * @param host - the server URL, e.g. `https://my-project.livekit.cloud` (`wss://` works too).
   * @param apiKey - API key; defaults to `LIVEKIT_API_KEY`. Not needed with `options.token`.
   * @param apiSecret - API secret; defaults to `LIVEKIT_API_SECRET`. Not needed with `options.token`.
   * @param options - authentication and per-call defaults.
   */
  constructor(host: string, apiKey?: string, apiSecret?: string, options?: ClientOptions) {
    this.#rpc = transportFor('IngressClient', host, apiKey, apiSecret, options);
  }

  /**
   * Creates an ingress and returns it; for RTMP and WHIP its `url` and `streamKey` are what
   * the streaming tool needs. A URL input starts pulling `options.url` at once.
   *
   * @example
   * ```ts
   * const whip = await ingress.createIngress(IngressInput.WHIP_INPUT, { roomName: 'stage', participantIdentity: 'cam-1' });
   * const pull = await ingress.createIngress(IngressInput.URL_INPUT, {
   *   roomName: 'stage',
   *   participantIdentity: 'movie',
   *   url: 'https://example.com/movie.m3u8',
   * });
   * ```
   */
  async createIngress(inputType: IngressInput, options: CreateIngressOptions, requestOptions?: RequestOptions): Promise<IngressInfo> {
    const what = 'Ingress.CreateIngress';
    if (typeof inputType !== 'number' || IngressInput[inputType] === undefined) {
      const kind = typeof inputType === 'number' ? RangeError : TypeError;
      throw new kind(`${what}: inputType must be IngressInput.RTMP_INPUT (0), WHIP_INPUT (1) or URL_INPUT (2), got ${show(inputType)}`);
    }
    const opts = requireObject(options, `${what}: options`, "{ roomName: 'stage', participantIdentity: 'obs' }");
    const roomName = requireString(opts.roomName, `${what}: options.roomName`);
    requireName(opts.participantIdentity, `${what}: options.participantIdentity`);
    if (inputType === IngressInput.URL_INPUT) {
      // The server refuses a pull without a room or a URL of another scheme.
      requireName(roomName, `${what}: options.roomName (a URL input publishes at once)`);
      const url = requireName(opts.url, `${what}: options.url (the media a URL input pulls)`);
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
      if (scheme === undefined || !PULL_SCHEMES.has(scheme)) {
        // Only the scheme is shown: a URL can carry credentials.
        throw new RangeError(`${what}: options.url must be an http://, https:// or srt:// URL, got ${scheme === undefined ? 'no scheme' : `${scheme}://…`}`);
      }
    }
    return this.#rpc.invoke(M.CreateIngress, { ...opts, inputType }, requestOptions, 'options');
  }

  /**
   * Changes an ingress and returns it. Fields left out or empty stay as they are; a URL
   * input cannot be changed (`invalid_argument`), a missing one is `not_found`.
   *
   * @example
   * ```ts
   * await ingress.updateIngress('IN_abc', { roomName: 'stage-2', enabled: false });
   * ```
   */
  async updateIngress(ingressId: string, options: UpdateIngressOptions, requestOptions?: RequestOptions): Promise<IngressInfo> {
    const what = 'Ingress.UpdateIngress';
    requireName(ingressId, `${what}: ingressId`);
    const opts = requireObject(options, `${what}: options`, "{ roomName: 'stage-2' }");
    return this.#rpc.invoke(M.UpdateIngress, { ...opts, ingressId }, requestOptions, 'options');
  }

  /**
   * Lists ingresses: all of them, those of one room (a room name, or `{ roomName }`), or one
   * by id. Returns the first page when the server pages its answer, as `livekit-server-sdk`
   * does; {@link IngressClient.iterateIngress} reads them all.
   *
   * @example
   * ```ts
   * const all = await ingress.listIngress();
   * const forStage = await ingress.listIngress('stage');
   * const [one] = await ingress.listIngress({ ingressId: 'IN_abc' });
   * ```
   */
  async listIngress(filter?: string | ListIngressOptions | null, requestOptions?: RequestOptions): Promise<IngressInfo[]> {
    const response = await this.#rpc.invoke(M.ListIngress, listRequest(filter), requestOptions, 'options');
    return response.items;
  }

  /**
   * Every ingress `listIngress` would list, page after page, fetched as you iterate.
   *
   * @example
   * ```ts
   * for await (const info of ingress.iterateIngress({ roomName: 'stage' })) console.log(info.ingressId);
   * ```
   */
  async *iterateIngress(filter?: string | ListIngressOptions | null, requestOptions?: RequestOptions): AsyncGenerator<IngressInfo, void, undefined> {
    const first = listRequest(filter);
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const request = token === undefined ? first : { ...first, pageToken: { token } };
      const response = await this.#rpc.invoke(M.ListIngress, request, requestOptions, 'options');
      yield* response.items;
      token = response.nextPageToken?.token || undefined;
      if (token !== undefined) {
        // A server that hands out a token twice would keep us here forever.
        if (seen.has(token)) {
          const msg = 'the server answered the same next_page_token twice';
          throw new ServerError('internal', 200, msg, {}, { service: 'Ingress', method: 'ListIngress' });
        }
        seen.add(token);
      }
    } while (token !== undefined);
  }

  /**
   * Deletes an ingress (stopping its stream if one is live) and returns it. A missing one is
   * `not_found`.
   *
   * @example
   * ```ts
   * await ingress.deleteIngress('IN_abc');
   * ```
   */
  async deleteIngress(ingressId: string, requestOptions?: RequestOptions): Promise<IngressInfo> {
    const request = { ingressId: requireName(ingressId, 'Ingress.DeleteIngress: ingressId') };
    return this.#rpc.invoke(M.DeleteIngress, request, requestOptions);
  }
}

function listRequest(filter: string | ListIngressOptions | null | undefined): MessageInit<ListIngressRequest> {
  if (typeof filter === 'string') return { roomName: filter };
  // Passed whole, so that a misspelt filter is refused rather than ignored (listing everything).
  return optionalObject(filter, 'Ingress.ListIngress: options (a room name or { roomName, ingressId })') ?? {};
}
