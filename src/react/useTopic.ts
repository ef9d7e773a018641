import { useDebugValue, useState, useSyncExternalStore } from 'react'
import type { Connection } from '../core/types'
import type { ConnectionTarget } from './connection-lookup'
import type { InferSchemaOutput, StandardSchemaV1 } from './standard-schema'
import { createTopicObserver, IDLE_TOPIC_SNAPSHOT, type TopicSnapshot } from './topic-observer'
import type { TopicHookOptions, TopicResult, UseTopicOptions } from './topic-types'
import { useCommitEffect } from './use-commit-effect'

/**
 * One topic of a connection's socket: its state (`status`, `position`, `recovered`, `gaps`,
 * `error`) and its newest message. The component holds the topic's subscription while mounted
 * (one subscribe frame per topic however many components hold it; the last one's release
 * lingers, so StrictMode and quick remounts send nothing extra) and re-renders only when a
 * field it read changes, and only for messages of this topic. `null` for the target or the
 * topic holds nothing. A URL target takes the connection options too (`topics` among them); a
 * `Connection` keeps the options it was created with, so beside one only the hook's own are
 * accepted. A server render shows `idle` and opens nothing.
 */
export function useTopic<S extends StandardSchemaV1>(
  target: string | null,
  topic: string | null,
  options: UseTopicOptions<InferSchemaOutput<S>> & { schema: S },
): TopicResult<InferSchemaOutput<S>>
export function useTopic<T = unknown>(
  target: string | null,
  topic: string | null,
  options?: UseTopicOptions<T>,
): TopicResult<T>
export function useTopic<S extends StandardSchemaV1>(
  target: ConnectionTarget,
  topic: string | null,
  options: TopicHookOptions<InferSchemaOutput<S>> & { schema: S },
): TopicResult<InferSchemaOutput<S>>
export function useTopic<T = unknown>(
  target: Connection | ConnectionTarget,
  topic: string | null,
  options?: TopicHookOptions<T>,
): TopicResult<T>
export function useTopic<T>(
  target: ConnectionTarget,
  topic: string | null,
  options?: UseTopicOptions<T>,
): TopicResult<T> {
  const [observer] = useState(() => createTopicObserver<T>(target, topic, options))
  // The target, topic and callbacks reach the observer when the render commits, never before.
  useCommitEffect(() => observer.setOptions(target, topic, options), [target, topic, options])
  const viewed = useSyncExternalStore(observer.subscribe, observer.getSnapshot, getServerSnapshot)
  useDebugValue(viewed.state, describe)
  return observer.getResult(target, topic, options, viewed)
}

function getServerSnapshot(): TopicSnapshot {
  return IDLE_TOPIC_SNAPSHOT
}

function describe({ status, gaps }: TopicSnapshot['state']): string {
  return gaps > 0 ? `${status} (${gaps} gaps)` : status
}
