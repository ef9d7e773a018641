/**
 * react-lifeline/server: the server half for Node ≥ 20, built on `ws`. It answers the client's
 * heartbeat, serves topics with history and drains without a reconnect storm.
 */
export { createLifelineServer } from './lifeline-server'
export { type MemoryStoreOptions, memoryStore } from './memory-store'
export { type ErrorCode, PING_FRAME, PONG_FRAME } from './protocol'
export { type RedisClient, type RedisStoreOptions, redisStore } from './redis-store'
export type { DrainOptions, LifelineServer, LifelineServerOptions, UnhandledFrame } from './server-types'
export type { ServerClock, StoredMessage, TopicPosition, TopicRead, TopicStore } from './types'
