// The Connector service of the test server, served only in Cloud mode
// (`startTestServer({ cloud: true })`): a self-hosted server has none and answers a plain 404.
// WhatsApp calls get `wacid.…` ids and rooms; Twilio calls a media-stream URL. The grant check
// is the test server's own: roomCreate, as LiveKit Cloud checks for these calls.
import {
  AcceptWhatsAppCallRequest,
  AcceptWhatsAppCallResponse,
  ConnectTwilioCallRequest,
  ConnectTwilioCallResponse,
  ConnectWhatsAppCallRequest,
  ConnectWhatsAppCallResponse,
  DialWhatsAppCallRequest,
  DialWhatsAppCallResponse,
  DisconnectWhatsAppCallRequest,
  DisconnectWhatsAppCallRequest_DisconnectReason,
  DisconnectWhatsAppCallResponse,
} from '@livekit/protocol';
import { newId } from '../../internal/ids.js';
import { hasVideoGrant, serviceOf, type MethodContext, type MethodTable, type TestServerClaims, type TestService } from '../service.js';
import { TestServerTwirpError } from '../twirp.js';

/**
 * The request message of each Connector method the test server serves in Cloud mode.
 *
 * @example
 * ```ts
 * import type { ConnectorServiceRequests } from 'livekit-server-api/testing';
 * type Dial = ConnectorServiceRequests['DialWhatsAppCall']; // DialWhatsAppCallRequest
 * ```
 */
export interface ConnectorServiceRequests {
  DialWhatsAppCall: DialWhatsAppCallRequest;
  AcceptWhatsAppCall: AcceptWhatsAppCallRequest;
  ConnectWhatsAppCall: ConnectWhatsAppCallRequest;
  DisconnectWhatsAppCall: DisconnectWhatsAppCallRequest;
  ConnectTwilioCall: ConnectTwilioCallRequest;
}

interface ConnectorContext extends MethodContext {
  /** WhatsApp call id → room. */
  readonly calls: Map<string, string>;
  readonly baseUrl: () => string;
}

const allowed = (claims: TestServerClaims | undefined): boolean => hasVideoGrant(claims, 'roomCreate');
const invalid = (msg: string): TestServerTwirpError => new TestServerTwirpError('invalid_argument', msg);
const callNotFound = (): TestServerTwirpError => new TestServerTwirpError('not_found', 'whatsapp call does not exist');

function requireFields(request: object, names: readonly string[]): void {
  for (const name of names) {
    if ((request as Record<string, unknown>)[name] === '') throw invalid(`missing ${name}`);
  }
}

const WHATSAPP_FIELDS = ['whatsappPhoneNumberId', 'whatsappApiKey', 'whatsappCloudApiVersion'] as const;

const METHODS: MethodTable<ConnectorServiceRequests, ConnectorContext> = {
  DialWhatsAppCall: {
    request: DialWhatsAppCallRequest,
    allowed,
    handle: (request, { rooms, calls }) => {
      requireFields(request, [...WHATSAPP_FIELDS, 'whatsappToPhoneNumber']);
      const roomName = request.roomName === '' ? newId('whatsapp-') : request.roomName;
      rooms.createRoom({ name: roomName });
      const whatsappCallId = newId('wacid.', 24);
      calls.set(whatsappCallId, roomName);
      return new DialWhatsAppCallResponse({ whatsappCallId, roomName });
    },
  },
  AcceptWhatsAppCall: {
    request: AcceptWhatsAppCallRequest,
    allowed,
    handle: (request, { rooms, calls }) => {
      requireFields(request, [...WHATSAPP_FIELDS, 'whatsappCallId']);
      if (request.sdp === undefined || request.sdp.sdp === '') throw invalid('missing sdp');
      const roomName = request.roomName === '' ? newId('whatsapp-') : request.roomName;
      rooms.createRoom({ name: roomName });
      calls.set(request.whatsappCallId, roomName);
      return new AcceptWhatsAppCallResponse({ roomName });
    },
  },
  ConnectWhatsAppCall: {
    request: ConnectWhatsAppCallRequest,
    allowed,
    handle: (request, { calls }) => {
      if (!calls.has(request.whatsappCallId)) throw callNotFound();
      if (request.sdp === undefined || request.sdp.sdp === '') throw invalid('missing sdp');
      return new ConnectWhatsAppCallResponse();
    },
  },
  DisconnectWhatsAppCall: {
    request: DisconnectWhatsAppCallRequest,
    allowed,
    handle: (request, { calls }) => {
      if (!calls.has(request.whatsappCallId)) throw callNotFound();
      const byBusiness = request.disconnectReason === DisconnectWhatsAppCallRequest_DisconnectReason.BUSINESS_INITIATED;
      if (byBusiness && request.whatsappApiKey === '') throw invalid('missing whatsappApiKey (required for a business-initiated disconnect)');
      calls.delete(request.whatsappCallId);
      return new DisconnectWhatsAppCallResponse();
    },
  },
  ConnectTwilioCall: {
    request: ConnectTwilioCallRequest,
    allowed,
    handle: (request, { rooms, baseUrl }) => {
      if (request.roomName === '') throw invalid('missing room name');
      rooms.createRoom({ name: request.roomName });
      const connectUrl = `${baseUrl().replace(/^http/, 'ws')}/connector/twilio/${newId('TW_')}`;
      return new ConnectTwilioCallResponse({ connectUrl });
    },
  },
};

/** The Connector service of one Cloud-mode test server. Internal. */
export function createConnectorService(baseUrl: () => string): TestService {
  const calls = new Map<string, string>();
  return serviceOf('Connector', METHODS, (context) => ({ ...context, calls, baseUrl }), () => calls.clear());
}
