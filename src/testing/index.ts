/** `react-lifeline/testing`: a WebSocket server in memory for tests of components that use react-lifeline. */
export type { MockHeartbeat, ServerData } from './messages'
export type { MockClient } from './mock-client'
export { createMockServer, type MockServer, type MockServerOptions } from './mock-server'
