/**
 * The one extension point of a connection. A connection calls at most one extension, at three
 * moments of its socket, and knows nothing else of it, so an app that uses none pays for these
 * three calls only. The extension comes with an option value, made on the connection's first
 * need: the `topics` protocol carries the topic engine (src/core/topic-engine.ts), whose
 * registry is the extension; react-lifeline/share hears each registry made
 * (`TopicRegistry.created`) and drives it across tabs. Sharing itself plugs in when the
 * connection is created: `share: 'origin'` hands it to the installed driver
 * (src/core/share-driver.ts), which replaces its app-facing methods.
 */
export interface ConnectionExtension {
  /** The socket is open and ready (its handshake done): before the send queue flushes. */
  opened(): void
  /** The connection is not open: after every change that leaves it so, already closed or not. */
  lost(): void
  /** An inbound message, before the `onMessage` listeners: true when the extension took it. */
  receive(data: unknown): boolean
}
