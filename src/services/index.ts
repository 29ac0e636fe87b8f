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
export { IngressClient } from './ingress.js';
export type { CreateIngressOptions, ListIngressOptions, UpdateIngressOptions } from './ingress.js';
export { AgentDispatchClient } from './agent-dispatch.js';
export type { CreateDispatchOptions } from './agent-dispatch.js';
