import { lifelineTopics, type UseTopicOptions, useTopic } from '../../src/index'
import type { RoutingMessage } from '../routing-protocol'
import { startRoutingHarness } from './routing-harness'

// One options object for every component, as an app would hoist it: the shared connection is
// configured once and no render hands the hook new options.
const OPTIONS: UseTopicOptions<RoutingMessage> = { topics: lifelineTopics() }

startRoutingHarness({
  name: 'react-lifeline',
  useTopicMessage: (url, topic) => useTopic<RoutingMessage>(url, topic, OPTIONS).lastMessage,
})
