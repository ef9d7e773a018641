/**
 * Hands an exception from an app callback (onMessage, filter) to the host's error reporting,
 * so one throwing component cannot stop the message reaching the others. The core's own
 * reporter, so both entries report the same way (and the built React entry carries no copy).
 */
export { reportListenerError as reportError } from '../core/index'
