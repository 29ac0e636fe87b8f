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
