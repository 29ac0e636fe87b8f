// The Twirp transport shared by every service client: public errors and option types.
export {
  ConnectionError,
  RequestAbortedError,
  RequestTimeoutError,
  ResponseTooLargeError,
  RpcError,
  ServerError,
  TwirpError,
} from './errors.js';
export type { TwirpErrorCode, RpcErrorContext } from './errors.js';
export type { FetchLike } from './http-fetch.js';
export type { ClientOptions, RequestOptions, RpcEncoding } from './options.js';
export type { MessageInit } from './message-init.js';
