// One client per LiveKit Twirp service.
export { RoomServiceClient } from './room-service.js';
export type {
  CreateOptions,
  ParticipantTrackList,
  PerformRpcOptions,
  RemoveParticipantOptions,
  SendDataOptions,
  UpdateParticipantOptions,
} from './room-service.js';
