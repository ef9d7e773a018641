// `react-lifeline/core`: the connection store without React, for browsers, Node, workers and other
// frameworks (createConnection, getConnection, diagnose, close codes, reports).
export { backoffCap, backoffDelay, DEFAULT_RETRY } from './backoff'
export { describeCloseCode, isClientCloseCode } from './close-codes'
export { LifelineConnection } from './connection'
export { createConnection } from './create-connection'
/** @internal For the React entry, so both entries report a throwing callback (and warn) the same way. */
export { reportListenerError, warnOnce } from './dev'
export { type DiagnoseOptions, diagnose } from './diagnose'
export {
  createDisconnectReport,
  type DisconnectReport,
  type DisconnectReportOptions,
  type DisconnectReportState,
  type ReportableConnection,
} from './disconnect-report'
/** @internal For the React entry's useTopic, which bundles the topic engine anyway. */
export { ensureTopicEngine } from './ensure-topic-engine'
/**
 * @internal `findConnection`, `resolveOptions` and `errorCode` are for the other entries
 * (render-time lookup, option checks, production error messages).
 */
export { errorCode } from './errors'
export { type GraphqlWsTopicsOptions, graphqlWsHandshake, graphqlWsTopics } from './graphql-ws-topics'
export { isJsonPong } from './heartbeat'
export { IDLE_STATE } from './idle-state'
/** @internal The one JSON parse the React entry's message stores share with the connection. */
export { parseJson } from './json'
export { lifelineTopics } from './lifeline-topics'
export { resolveOptions } from './options'
export { redactText, redactUrl } from './redact'
export { findConnection, getConnection, isShared, joinConnection, resetConnections } from './registry'
export {
  type GroupedDisconnectReport,
  type ObservableConnection,
  type ReportDisconnectsOptions,
  reportDisconnects,
} from './report-disconnects'
export type { ShareDriver } from './share-driver'
export { IDLE_TOPIC } from './topic'
export { topicProtocol } from './topic-protocol'
/** @internal For react-lifeline/share: the topics of a connection, shared across tabs. */
export { type RelayedTopic, TopicRegistry, type TopicRemote } from './topics'
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
  Handshake,
  HeartbeatOptions,
  HistoryStorage,
  NetworkSource,
  RetryOptions,
  SendResult,
  Session,
  SessionMessage,
  Topic,
  TopicFrame,
  TopicMessageMeta,
  TopicPosition,
  TopicProtocol,
  TopicState,
  TopicStatus,
  UrlSource,
  VisibilitySource,
  WebSocketConstructor,
  WebSocketLike,
} from './types'
