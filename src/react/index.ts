export type { BannerMessages, BannerPhase, BannerState, BannerText } from './banner-messages'
export { DEFAULT_BANNER_MESSAGES } from './banner-messages'
export type { BannerActions, ConnectionBannerProps } from './ConnectionBanner'
export { ConnectionBanner } from './ConnectionBanner'
export type { ConnectionInspectorProps } from './ConnectionInspector'
export { ConnectionInspector } from './ConnectionInspector'
export type { ConnectionTarget } from './connection-lookup'
export type { ReceivedMessage } from './message-store'
export type {
  InferSchemaOutput,
  StandardSchemaIssue,
  StandardSchemaResult,
  StandardSchemaV1,
} from './standard-schema'
export type { HookOnlyOptions } from './target-options'
export type { TopicHookOptions, TopicResult, UseTopicOptions } from './topic-types'
export { useConnectionState } from './useConnectionState'
export type { MessageOf, UseMessagesOptions } from './useMessages'
export { useMessages } from './useMessages'
export { useTopic } from './useTopic'
export type {
  UseWebSocketOptions,
  WebSocketActions,
  WebSocketHookOptions,
  WebSocketResult,
} from './useWebSocket'
export { useWebSocket } from './useWebSocket'
