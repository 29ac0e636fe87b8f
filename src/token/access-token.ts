import { resolveCredentials } from '../internal/env.js';
import {
  booleanGrant,
  checkAttributes,
  formatValue,
  kindDetailName,
  participantKindName,
  videoGrantToClaims,
  type AgentGrant,
  type InferenceGrant,
  type ObservabilityGrant,
  type ParticipantKindDetailInput,
  type ParticipantKindInput,
  type ParticipantKindName,
  type RoomConfigurationInput,
  type SIPGrant,
  type VideoGrant,
  type VideoGrantClaims,
} from './grants.js';
import { signHs256Json } from './jwt.js';
import { quote, stringifyFlatObject, stringifyJson } from './serialize.js';
import { DEFAULT_TTL_SECONDS, ttlToSeconds, type Ttl } from './ttl.js';

/**
 * Options for {@link AccessToken}.
 *
 * @example
 * ```ts
 * const options: AccessTokenOptions = { identity: 'alice', name: 'Alice', ttl: '10h', attributes: { team: 'blue' } };
 * ```
 */
export interface AccessTokenOptions {
  /** The participant identity (`sub`). Required for tokens that join a room. */
  identity?: string;
  /** Display name, available as `Participant.name`. */
  name?: string;
  /** Lifetime: seconds as a number, or a vercel/ms string (`'10h'`, `'2 days'`). Default 6 hours. */
  ttl?: Ttl;
  /** Participant metadata (free-form string, often JSON). */
  metadata?: string;
  /** Participant attributes; every value must be a string. */
  attributes?: Readonly<Record<string, string>>;
  /** Participant kind, e.g. `'agent'`; lower-case name or `ParticipantInfo_Kind`. */
  kind?: ParticipantKindInput;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Mints LiveKit access tokens: HS256 JWTs that let a participant join a room, or a backend
 * call the server API, with the grants you give it.
 *
 * A drop-in for `livekit-server-sdk`'s class with the original, synchronous
 * {@link AccessToken.toJwt}. The secret never appears in `util.inspect`, `JSON.stringify`
 * or an error message.
 *
 * @example
 * ```ts
 * import { AccessToken } from 'livekit-server-api';
 *
 * const at = new AccessToken('api-key', 'secret-key', { identity: 'user-name', ttl: '10h' });
 * at.addGrant({ roomJoin: true, room: 'name-of-room', canPublish: false, canSubscribe: true });
 * const token = at.toJwt(); // a string
 * ```
 */
export class AccessToken {
  readonly #apiKey: string;
  readonly #apiSecret: string;
  #ttl: Ttl = DEFAULT_TTL_SECONDS;
  // The ttl in seconds, parsed once when set rather than on every toJwt().
  #ttlSeconds: number = DEFAULT_TTL_SECONDS;
  #identity: string | undefined;
  #name: string | undefined;
  #metadata: string | undefined;
  #attributes: Record<string, string> | undefined;
  #kind: ParticipantKindName | undefined;
  #kindDetails: string[] | undefined;
  #sha256: string | undefined;
  #roomPreset: string | undefined;
  #roomConfig: RoomConfigurationInput | undefined;
  #video: VideoGrantClaims | undefined;
  #sip: SIPGrant | undefined;
  #agent: AgentGrant | undefined;
  #inference: InferenceGrant | undefined;
  #observability: ObservabilityGrant | undefined;

  /**
   * @param apiKey - the API key; defaults to `LIVEKIT_API_KEY`.
   * @param apiSecret - the API secret; defaults to `LIVEKIT_API_SECRET`.
   * @param options - identity, name, ttl, metadata, attributes, kind.
   * @throws TypeError when no key or secret is given or set in the environment, or an
   *   option has the wrong type; RangeError for a ttl under one second.
   */
  constructor(apiKey?: string, apiSecret?: string, options: AccessTokenOptions = {}) {
    const credentials = resolveCredentials(apiKey, apiSecret, 'AccessToken');
    this.#apiKey = credentials.apiKey;
    this.#apiSecret = credentials.apiSecret;
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`AccessToken options must be an object such as { identity: 'alice' }, got ${formatValue(options)}`);
    }
    if (options.ttl !== undefined) this.ttl = options.ttl;
    if (options.identity !== undefined) this.identity = options.identity;
    if (options.name !== undefined) this.name = options.name;
    if (options.metadata !== undefined) this.metadata = options.metadata;
    if (options.attributes !== undefined) this.attributes = options.attributes;
    if (options.kind !== undefined) this.kind = options.kind;
  }

  /**
   * Adds room permissions (the `video` claim), merged over what was added before.
   *
   * @example
   * ```ts
   * at.addGrant({ roomJoin: true, room: 'standup' });
   * at.addGrant({ canPublishSources: [TrackSource.CAMERA, 'microphone'] });
   * ```
   */
  addGrant(grant: VideoGrant): void {
    const claims = videoGrantToClaims(grant);
    // The first grant needs no merge: videoGrantToClaims already returned a fresh copy.
    this.#video = this.#video === undefined ? claims : { ...this.#video, ...claims };
  }

  /**
   * Adds SIP permissions (the `sip` claim), merged over what was added before.
   *
   * @example
   * ```ts
   * at.addSIPGrant({ call: true });
   * ```
   */
  addSIPGrant(grant: SIPGrant): void {
    this.#sip = { ...this.#sip, ...booleanGrant(grant, 'sip') };
  }

  /**
   * Adds agent permissions (the `agent` claim), merged over what was added before.
   *
   * @example
   * ```ts
   * at.addAgentGrant({ admin: true });
   * ```
   */
  addAgentGrant(grant: AgentGrant): void {
    this.#agent = { ...this.#agent, ...booleanGrant(grant, 'agent') };
  }

  /**
   * Adds inference permissions (the `inference` claim), merged over what was added before.
   *
   * @example
   * ```ts
   * at.addInferenceGrant({ perform: true });
   * ```
   */
  addInferenceGrant(grant: InferenceGrant): void {
    this.#inference = { ...this.#inference, ...booleanGrant(grant, 'inference') };
  }

  /**
   * Adds observability permissions (the `observability` claim), merged over what was added before.
   *
   * @example
   * ```ts
   * at.addObservabilityGrant({ write: true });
   * ```
   */
  addObservabilityGrant(grant: ObservabilityGrant): void {
    this.#observability = { ...this.#observability, ...booleanGrant(grant, 'observability') };
  }

  /** The API key this token is signed for (its `iss`). */
  get apiKey(): string {
    return this.#apiKey;
  }

  /** Lifetime: seconds, or a vercel/ms string. Checked when set. */
  get ttl(): Ttl {
    return this.#ttl;
  }
  set ttl(ttl: Ttl) {
    this.#ttlSeconds = ttlToSeconds(ttl);
    this.#ttl = ttl;
  }

  /** The participant identity (`sub`). */
  get identity(): string | undefined {
    return this.#identity;
  }
  set identity(identity: string | undefined) {
    this.#identity = optionalString(identity, 'identity');
  }

  /** Display name. */
  get name(): string | undefined {
    return this.#name;
  }
  set name(name: string | undefined) {
    this.#name = optionalString(name, 'name');
  }

  /** Participant metadata. */
  get metadata(): string | undefined {
    return this.#metadata;
  }
  set metadata(metadata: string | undefined) {
    this.#metadata = optionalString(metadata, 'metadata');
  }

  /** Participant attributes (a copy; assign to change them). */
  get attributes(): Record<string, string> | undefined {
    return this.#attributes === undefined ? undefined : { ...this.#attributes };
  }
  set attributes(attributes: Readonly<Record<string, string>> | undefined) {
    this.#attributes = attributes === undefined ? undefined : checkAttributes(attributes);
  }

  /** Participant kind, as its lower-case claim name. */
  get kind(): ParticipantKindName | undefined {
    return this.#kind;
  }
  set kind(kind: ParticipantKindInput | undefined) {
    this.#kind = kind === undefined ? undefined : participantKindName(kind);
  }

  /** Participant kind details, as lower-case claim names. */
  get kindDetails(): string[] | undefined {
    return this.#kindDetails === undefined ? undefined : [...this.#kindDetails];
  }
  set kindDetails(details: readonly ParticipantKindDetailInput[] | undefined) {
    if (details !== undefined && !Array.isArray(details)) {
      throw new TypeError(`kindDetails must be an array, got ${formatValue(details)}`);
    }
    this.#kindDetails = details?.map(kindDetailName);
  }

  /** Base64 SHA-256 of a body this token vouches for (webhooks). */
  get sha256(): string | undefined {
    return this.#sha256;
  }
  set sha256(sha256: string | undefined) {
    this.#sha256 = optionalString(sha256, 'sha256');
  }

  /** LiveKit Cloud room preset name. */
  get roomPreset(): string | undefined {
    return this.#roomPreset;
  }
  set roomPreset(preset: string | undefined) {
    this.#roomPreset = optionalString(preset, 'roomPreset');
  }

  /** Configuration for the room if this participant creates it. */
  get roomConfig(): RoomConfigurationInput | undefined {
    return this.#roomConfig;
  }
  set roomConfig(config: RoomConfigurationInput | undefined) {
    if (config !== undefined && (typeof config !== 'object' || config === null || Array.isArray(config))) {
      throw new TypeError(`roomConfig must be a RoomConfiguration or a plain object, got ${formatValue(config)}`);
    }
    this.#roomConfig = config;
  }

  /**
   * The claims {@link AccessToken.toJwt} would sign now, as a fresh object.
   *
   * @param nowSeconds - the time to stamp as `nbf` (default: now).
   * @throws TypeError for a join grant without identity.
   * @example
   * ```ts
   * const claims = at.toClaims();
   * console.log(claims.video?.room, claims.exp);
   * ```
   */
  toClaims(nowSeconds: number = Math.floor(Date.now() / 1000)): Record<string, unknown> & { iss: string; nbf: number; exp: number } {
    // Parsed from the very JSON toJwt() signs: a fresh deep copy, and one list of claims.
    return JSON.parse(this.#claimsJson(nowSeconds)) as Record<string, unknown> & { iss: string; nbf: number; exp: number };
  }

  /**
   * Signs the token. Returns the JWT **synchronously** as a string; `await at.toJwt()`
   * works too, so code written for the async peer keeps working. Each call signs anew
   * (fresh `nbf`/`exp`) and leaves the grants untouched.
   *
   * @throws TypeError for a join grant without identity.
   * @example
   * ```ts
   * const jwt = at.toJwt();
   * res.json({ token: jwt });
   * ```
   */
  toJwt(): string {
    return signHs256Json(this.#claimsJson(Math.floor(Date.now() / 1000)), this.#apiSecret);
  }

  // The claims to sign, written straight to JSON rather than built as an object and then
  // stringified: this is the hot path of minting. Field order follows livekit-server-sdk's
  // tokens, so both read alike when decoded.
  #claimsJson(nowSeconds: number): string {
    if (this.#video?.roomJoin === true && (this.#identity === undefined || this.#identity === '')) {
      throw new TypeError(
        "a token with roomJoin needs an identity: pass { identity: 'user-id' } to new AccessToken(...) or set at.identity",
      );
    }
    let json = '{';
    if (this.#name !== undefined) json += `"name":${quote(this.#name)},`;
    if (this.#metadata !== undefined) json += `"metadata":${quote(this.#metadata)},`;
    if (this.#attributes !== undefined) json += `"attributes":${stringifyFlatObject(this.#attributes)},`;
    if (this.#kind !== undefined) json += `"kind":${quote(this.#kind)},`;
    if (this.#kindDetails !== undefined) json += `"kindDetails":${stringifyJson(this.#kindDetails)},`;
    if (this.#video !== undefined) json += `"video":${stringifyFlatObject(this.#video)},`;
    if (this.#sip !== undefined) json += `"sip":${stringifyFlatObject(this.#sip)},`;
    if (this.#agent !== undefined) json += `"agent":${stringifyFlatObject(this.#agent)},`;
    if (this.#inference !== undefined) json += `"inference":${stringifyFlatObject(this.#inference)},`;
    if (this.#observability !== undefined) json += `"observability":${stringifyFlatObject(this.#observability)},`;
    if (this.#sha256 !== undefined) json += `"sha256":${quote(this.#sha256)},`;
    if (this.#roomPreset !== undefined) json += `"roomPreset":${quote(this.#roomPreset)},`;
    if (this.#roomConfig !== undefined) json += `"roomConfig":${stringifyJson(roomConfigToJson(this.#roomConfig))},`;
    json += `"iss":${quote(this.#apiKey)},"exp":${nowSeconds + this.#ttlSeconds},"nbf":${nowSeconds}`;
    if (this.#identity !== undefined) json += `,"sub":${quote(this.#identity)}`;
    return `${json}}`;
  }

  /** A summary without the secret, for `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return {
      apiKey: this.#apiKey,
      identity: this.#identity,
      ttl: this.#ttl,
      grants: this.#grantsForDisplay(),
    };
  }

  /** A summary without the secret, for `util.inspect` and `console.log`. */
  [INSPECT](): string {
    return `AccessToken ${JSON.stringify(this.toJSON())}`;
  }

  #grantsForDisplay(): Record<string, unknown> {
    const grants: Record<string, unknown> = {};
    if (this.#video !== undefined) grants['video'] = this.#video;
    if (this.#sip !== undefined) grants['sip'] = this.#sip;
    if (this.#agent !== undefined) grants['agent'] = this.#agent;
    if (this.#inference !== undefined) grants['inference'] = this.#inference;
    if (this.#observability !== undefined) grants['observability'] = this.#observability;
    if (this.#name !== undefined) grants['name'] = this.#name;
    if (this.#kind !== undefined) grants['kind'] = this.#kind;
    return grants;
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new TypeError(`${field} must be a string, got ${formatValue(value)}`);
  }
  return value;
}

// A protocol message serialises through its own toJSON (camelCase protojson, as the peer's
// JSON.stringify does); a plain object is taken as already being protojson.
function roomConfigToJson(config: RoomConfigurationInput): unknown {
  const toJSON = (config as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(config) : config;
}
