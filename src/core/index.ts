export { DEFAULT_RETRY, backoffCap, backoffDelay } from './backoff'
export { describeCloseCode, isClientCloseCode } from './close-codes'
export { LifelineConnection } from './connection'
export { createConnection } from './create-connection'
export { isJsonPong } from './heartbeat'
export { redactText, redactUrl } from './redact'
export { getConnection, resetConnections } from './registry'
export type {
  Clock,
  CloseCodeInfo,
  CloseInfo,
  CloseInitiator,
  Connection,
  ConnectionOptions,
  ConnectionState,
  ConnectionStats,
  ConnectionStatus,
  Diagnosis,
  HeartbeatOptions,
  NetworkSource,
  RetryOptions,
  SendResult,
  UrlSource,
  VisibilitySource,
  WebSocketConstructor,
  WebSocketLike,
} from './types'
