// One client per LiveKit Twirp service.
export { LiveKitAPI } from './livekit-api.js';
export type { LiveKitAPIOptions } from './livekit-api.js';
export { RoomServiceClient } from './room-service.js';
export type {
  CreateOptions,
  ParticipantTrackList,
  PerformRpcOptions,
  RemoveParticipantOptions,
  SendDataOptions,
  UpdateParticipantOptions,
} from './room-service.js';
export { EgressClient } from './egress.js';
export type {
  BaseOptions,
  EgressEncoding,
  EgressOutput,
  EncodedOutputs,
  ListEgressOptions,
  ParticipantEgressOptions,
  RoomCompositeOptions,
  TrackCompositeOptions,
  WebOptions,
} from './egress.js';
export { IngressClient } from './ingress.js';
export type { CreateIngressOptions, ListIngressOptions, UpdateIngressOptions } from './ingress.js';
export { AgentDispatchClient } from './agent-dispatch.js';
export type { CreateDispatchOptions } from './agent-dispatch.js';
export { SipClient } from './sip.js';
export type {
  CreateSipDispatchRuleOptions,
  CreateSipInboundTrunkOptions,
  CreateSipOutboundTrunkOptions,
  CreateSipParticipantOptions,
  CreateSipTrunkOptions,
  ListSipDispatchRuleOptions,
  ListSipTrunkOptions,
  SipDispatchRuleCallee,
  SipDispatchRuleDirect,
  SipDispatchRuleIndividual,
  SipDispatchRuleUpdateOptions,
  SipInboundTrunkUpdateOptions,
  SipOutboundTrunkUpdateOptions,
  TransferSipParticipantOptions,
} from './sip.js';
export { SipCallError, MethodNotOfferedError } from './telephony-errors.js';
export { ConnectorClient } from './connector.js';
export type {
  AcceptWhatsAppCallOptions,
  ConnectorParticipantOptions,
  ConnectTwilioCallOptions,
  DialWhatsAppCallOptions,
  WhatsAppBusinessOptions,
} from './connector.js';
