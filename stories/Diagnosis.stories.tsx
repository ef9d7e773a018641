import { Description, Stories, Title } from '@storybook/addon-docs/blocks'
import type { Meta, StoryObj } from '@storybook/react-vite'
import type { ConnectionOptions } from '../src'
import * as InspectorStories from './ConnectionInspector.stories'
import { DiagnosisStage, expectDiagnosis, ScenarioNote } from './support/diagnosis-stage'
import { createManualNetwork } from './support/environment'
import { createFastClock } from './support/fast-clock'
import { idleProxy } from './support/idle-proxy'
import { abort, MockSocketServer } from './support/mock-server'
import '../src/react/inspector.css'

// One story per pattern `diagnose()` knows. Each scripts the mocked server (and, for the network,
// the page's online state) so the pattern plays out by itself, within a few seconds, whether the
// story is opened, shown on the docs page or run as a test; the play functions only watch.

interface DiagnosisArgs {
  /** Heading of the inspector. */
  title: string
}

const urlOf = (name: string) => `ws://127.0.0.1:8790/diagnosis/${name}`

/** Retries quick enough that a pattern shows up in a second or two, and predictable (no jitter). */
const QUICK_RETRY = { initialDelay: 100, maxDelay: 400, jitter: 'none' } as const

function stage(url: string, options: ConnectionOptions, scenario: string) {
  return function PatternStage({ title }: DiagnosisArgs) {
    return <DiagnosisStage title={title} url={url} options={options} scenario={scenario} />
  }
}

const meta = {
  title: 'Diagnosis/Patterns',
  tags: ['autodocs'],
  args: { title: 'Connection inspector' },
  parameters: {
    docs: {
      // The default page shows the first story twice (as the primary and again in the list). Each
      // story scripts its server by counting connections, so two copies would split one scenario
      // between them; here every pattern appears once.
      page: () => (
        <>
          <Title />
          <Description of="meta" />
          <Stories title="Patterns" />
        </>
      ),
      description: {
        component:
          'Every pattern `diagnose()` finds, reproduced with the mocked server and named by `<ConnectionInspector>`: ' +
          'the diagnosis with its advice, and the disconnects that back it. [Debugging disconnections]' +
          '(?path=/docs/diagnosis-debugging-disconnections--docs) explains the close codes and the patterns.',
      },
    },
  },
} satisfies Meta<DiagnosisArgs>

export default meta
type Story = StoryObj<DiagnosisArgs>

/* idle-timeout ---------------------------------------------------------------------------------- */

// Proxy idle timeouts are tens of seconds (nginx and AWS ALB 60 s, Cloudflare 100 s), and
// diagnose() rightly ignores idle periods under 10 s: matching short gaps say more about a
// stream's rhythm than about a timeout. A story cannot wait minutes, and a proxy shrunk to 300 ms
// would be a pattern the detector is right to ignore. So the connection and the mocked proxy
// share a clock that runs about 200x faster than the page's (ConnectionOptions.clock): the proxy
// really waits 60 s of clock time, the connection measures 60 s of silence, and the inspector
// names nginx, in about 0.3 s of real time per timeout. Everything else uses the library defaults
// (no heartbeat, default retry), measured on that clock too. The clock steps rather than scaling
// Date.now(), so a busy browser slows story time instead of stretching the silences (fast-clock.ts).
// One second of clock time every 5 ms.
const storyClock = createFastClock(200, 5)
const PROXY_IDLE_MS = 60_000
const PROXY_TIMEOUTS = 4
// When the one price update of each connection comes, after the snapshot; then the market is quiet.
const UPDATE_AFTER_MS = [3_000, 1_000, 4_000, 2_000]

const idleServer = new MockSocketServer(urlOf('idle-timeout'), {
  onConnect: (client, server) => {
    const n = server.getConnectionCount()
    // After four timeouts the proxy steps aside, so the page settles and can be read.
    const proxy =
      n <= PROXY_TIMEOUTS ? idleProxy(client, { idleMs: PROXY_IDLE_MS, clock: storyClock }) : client
    proxy.send(JSON.stringify({ type: 'snapshot', symbol: 'ACME', price: 101.5 }))
    storyClock.setTimeout(
      () => proxy.send(JSON.stringify({ type: 'price', symbol: 'ACME', price: 101.75 })),
      UPDATE_AFTER_MS[(n - 1) % UPDATE_AFTER_MS.length]!,
    )
  },
})

/** A proxy closes connections that stay quiet for 60 s; no heartbeat keeps them busy. */
export const IdleTimeout: Story = {
  name: 'idle-timeout',
  render: stage(
    idleServer.url,
    {
      clock: storyClock,
      // 10 s of clock time would be a tenth of a real second here; a busy test browser may take
      // longer than that to deliver the mocked open.
      connectTimeout: 120_000,
    },
    'A price feed sends a snapshot and one update, then nothing. Between it and the page sits a proxy that ' +
      'cuts any connection quiet for 60 s (nginx’s default proxy_read_timeout), without a close frame. No ' +
      'heartbeat is on. Time runs about 200× faster in this story: the connection and the proxy share a fast ' +
      'clock, so each minute of silence passes in about 0.3 s, and the times in the list are clock times.',
  ),
  beforeEach: () => {
    idleServer.reset()
    return storyClock.run()
  },
  parameters: { msw: { handlers: [idleServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'idle-timeout',
      summary:
        /^warning: 4 connections closed after about \d+ s without a message \(1006 Abnormal Closure ×4\)\. Something between client and server closes idle connections: likely nginx's default proxy_read_timeout \(60 s\)/,
      // Four minutes of clock time take about 1.3 s of real time, more when the test browser is busy.
      timeout: 8000,
    })
  },
}

/* deploys --------------------------------------------------------------------------------------- */

const deployServer = new MockSocketServer(urlOf('deploys'), {
  onConnect: (client, server) => {
    const n = server.getConnectionCount()
    // A rolling deploy: the instance this page is on drains with 1012, the next two it reaches
    // are old instances shutting down (1001), then for a moment none is up to take it.
    if (n === 1) setTimeout(() => client.close(1012, 'Deploying'), 500)
    if (n === 2 || n === 3) {
      setTimeout(() => {
        client.close(1001, 'Shutting down')
        if (n === 3) server.refuseNext(1)
      }, 100)
    }
  },
})

/** A rolling deploy: 1012, 1001, 1001 and a refused attempt in one burst. */
export const Deploys: Story = {
  name: 'deploys',
  render: stage(
    deployServer.url,
    { retry: QUICK_RETRY },
    'Half a second after connecting, the server is redeployed: it drains this connection with 1012 Service ' +
      'Restart. The next two instances the page reaches are old ones shutting down (1001 Going Away), and the ' +
      'attempt after that finds no server up. Then the new version takes the connection.',
  ),
  beforeEach: () => deployServer.reset(),
  parameters: { msw: { handlers: [deployServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'deploys',
      summary:
        /^info: The server sent connections away 3 times \(1012 Service Restart, 1001 Going Away ×2\) in 1 burst over [\d.]+ s, and 1 attempt failed while it was down: the server restarts, most likely for deployments, and drains properly, closing its sockets with a close frame before it goes\.$/,
    })
  },
}

/* abrupt-shutdown ------------------------------------------------------------------------------- */

const killedServer = new MockSocketServer(urlOf('abrupt-shutdown'), {
  onConnect: (client, server) => {
    if (server.getConnectionCount() > 1) return
    // The process is killed: its socket ends with no close frame, and nothing takes connections
    // until the new process is up, two attempts later.
    setTimeout(() => {
      server.refuseNext(2)
      abort(client)
    }, 500)
  },
})

/** The server process goes away without closing its socket; the next two attempts are refused. */
export const AbruptShutdown: Story = {
  name: 'abrupt-shutdown',
  render: stage(
    killedServer.url,
    // A connection counts as stable after 0.3 s here, so the half-second one does.
    { retry: { ...QUICK_RETRY, minUptime: 300 } },
    'Half a second after connecting, the server process is killed (a crash, or a deploy that stops it without ' +
      'draining): the socket ends with no close frame, and the next two attempts find nothing listening. Then ' +
      'the new process takes the connection. A connection counts as stable after 0.3 s here (minUptime).',
  ),
  beforeEach: () => killedServer.reset(),
  parameters: { msw: { handlers: [killedServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'abrupt-shutdown',
      summary:
        /^warning: 1 connection dropped without a close frame \(1006 Abnormal Closure\), and 2 attempts failed while the server was away: the server went away without closing its sockets, as when it crashes or a deploy stops it without draining\.$/,
    })
  },
}

/* lifetime-cap ---------------------------------------------------------------------------------- */

// AWS API Gateway ends every WebSocket connection at 2 hours. As in the idle-timeout story, the
// connection and the mocked gateway share a stepping clock, here one clock minute every 3 ms
// (20,000x): each 2-hour connection takes about 0.4 s of real time.
const gatewayClock = createFastClock(20_000, 3)
const GATEWAY_CAP_MS = 2 * 60 * 60_000
const CAPPED = 3

const gatewayServer = new MockSocketServer(urlOf('lifetime-cap'), {
  onConnect: (client, server) => {
    const n = server.getConnectionCount()
    if (n > CAPPED) return
    // A busy feed: the last price comes 5, 10 or 15 minutes before the cap, so the drops are
    // about the connection's age, not its silence.
    gatewayClock.setTimeout(
      () => client.send(JSON.stringify({ type: 'price', symbol: 'ACME', price: 100 + n })),
      GATEWAY_CAP_MS - n * 5 * 60_000,
    )
    gatewayClock.setTimeout(() => client.close(1001, 'Going away'), GATEWAY_CAP_MS)
  },
})

/** A gateway ends each connection at 2 hours of age, busy or not. */
export const LifetimeCap: Story = {
  name: 'lifetime-cap',
  render: stage(
    gatewayServer.url,
    {
      clock: gatewayClock,
      // A clock day, about 4 s of real time: the mocked open may take a busy browser a while.
      connectTimeout: 24 * 60 * 60_000,
      retry: QUICK_RETRY,
    },
    'Behind AWS API Gateway, every WebSocket connection ends at 2 hours, however busy it is (here with 1001 Going Away). ' +
      'Three connections in a row reach the limit; the fourth stays. Time runs about 20,000× faster in this ' +
      'story: the connection and the gateway share a fast clock, so each 2 hours pass in about 0.4 s.',
  ),
  beforeEach: () => {
    gatewayServer.reset()
    return gatewayClock.run()
  },
  parameters: { msw: { handlers: [gatewayServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'lifetime-cap',
      summary:
        /^warning: 3 connections closed after being open for about 2 h \(1001 Going Away ×3\), however long they had been quiet: something ends connections at a fixed age, likely the 2-hour connection duration limit of AWS API Gateway WebSocket APIs\.$/,
      timeout: 8000,
    })
  },
}

/* network --------------------------------------------------------------------------------------- */

const network = createManualNetwork(true)
const TUNNELS = 2

const networkServer = new MockSocketServer(urlOf('network'), {
  onConnect: (client, server) => {
    if (server.getConnectionCount() > TUNNELS) return
    // A train enters a tunnel: the browser reports offline and the socket dies with it (1006).
    setTimeout(() => {
      network.setOnline(false)
      abort(client)
      setTimeout(() => network.setOnline(true), 400)
    }, 400)
  },
})

/** The device goes offline twice; each time the socket drops with 1006. */
export const Network: Story = {
  name: 'network',
  render: stage(
    networkServer.url,
    { network, retry: QUICK_RETRY },
    'A phone on a train: twice, the browser reports offline (a hand-set network source stands in for ' +
      'navigator.onLine) and the socket drops without a close frame. The connection waits, offline, and ' +
      'reconnects as soon as the network is back.',
  ),
  beforeEach: () => {
    network.setOnline(true)
    networkServer.reset()
  },
  parameters: { msw: { handlers: [networkServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'network',
      summary:
        /^info: 2 connections dropped while the device was offline: the network ended them, not the server\.$/,
    })
  },
}

/* policy ---------------------------------------------------------------------------------------- */

const policyServer = new MockSocketServer(urlOf('policy'), {
  onConnect: (client) => setTimeout(() => client.close(4401, 'Token rejected'), 20),
})

/**
 * An application code named in `closeCodes` but left retryable: the server refuses the token on
 * every attempt. (A single 1008 stops at once and is no pattern yet: see ConnectionInspector,
 * Refused token.)
 */
export const Policy: Story = {
  name: 'policy',
  render: stage(
    policyServer.url,
    {
      // Named, so the inspector can say what 4401 means, but not given retry: false, which is the
      // mistake the diagnosis points out.
      closeCodes: { 4401: { name: 'Unauthorized', description: 'The server rejected the access token.' } },
      retry: { ...QUICK_RETRY, maxAttempts: 3 },
    },
    'The server closes every connection with 4401 "Token rejected" right after the handshake. The app named ' +
      'the code in closeCodes but did not mark it final, so the connection retries three times, is refused ' +
      'each time, and gives up (retry.maxAttempts: 3).',
  ),
  beforeEach: () => policyServer.reset(),
  parameters: { msw: { handlers: [policyServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'policy',
      summary:
        /^error: The server refused this client 4 times \(4401 Unauthorized ×4\): it rejects the credentials or breaks one of its policies\.$/,
    })
  },
}

/* flapping -------------------------------------------------------------------------------------- */

/**
 * The server accepts each socket and drops it at once. This is the ConnectionInspector page's
 * Flapping story (which keeps its id there), reused with the scenario spelled out and a check of
 * the diagnosis it shows.
 */
export const Flapping: Story = {
  ...(InspectorStories.Flapping as Story),
  name: 'flapping',
  decorators: [
    (Story) => (
      <>
        <ScenarioNote>
          The server accepts every socket and cuts it 120 ms later, for two seconds. The connection retries
          quickly (50 ms, then up to 200 ms) and counts a connection as stable only after 2 s (minUptime).
        </ScenarioNote>
        <Story />
      </>
    ),
  ],
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'flapping',
      summary:
        /^warning: \d+ connections in a row closed less than 2 s after opening \(open for 0\.1 s to 0\.\d s\): the server accepts the socket and then drops it\.$/,
    })
  },
}

/* heartbeat ------------------------------------------------------------------------------------- */

const deadServer = new MockSocketServer(urlOf('heartbeat'), {
  pongDelayMs: 20,
  onConnect: (_client, server) => {
    // The first two connections go dead a moment after opening, the way a NAT that forgot the
    // flow leaves them: no close, no error, just nothing, pongs included. The third one is fine.
    if (server.getConnectionCount() <= 2) setTimeout(() => server.goSilent(), 200)
    else server.heal()
  },
})

/** Twice the connection goes quiet without closing; the heartbeat finds it dead both times. */
export const Heartbeat: Story = {
  name: 'heartbeat',
  render: stage(
    deadServer.url,
    { heartbeat: { interval: 300, timeout: 300 }, retry: QUICK_RETRY },
    'Twice, 200 ms after the connection opens, nothing gets through any more, pongs included, but no close ' +
      'arrives either: a half-open connection. The heartbeat pings every 300 ms and waits 300 ms for an ' +
      'answer, declares the socket dead and reconnects. The third connection stays healthy.',
  ),
  beforeEach: () => deadServer.reset(),
  parameters: { msw: { handlers: [deadServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'heartbeat',
      summary:
        /^warning: The heartbeat found 2 dead connections after about 0\.\d s of silence \(median\): the TCP connection was gone without a close \(half-open\)/,
    })
  },
}

/* server-error ---------------------------------------------------------------------------------- */

const CRASHES = 3

const crashingServer = new MockSocketServer(urlOf('server-error'), {
  onConnect: (client, server) => {
    // The handler throws while loading this user's session, three times; then it gets through.
    if (server.getConnectionCount() <= CRASHES) {
      setTimeout(() => client.close(1011, 'Unexpected error'), 80)
    }
  },
})

/** The server's connection handler fails three times in a row: 1011 Internal Error. */
export const ServerError: Story = {
  name: 'server-error',
  render: stage(
    crashingServer.url,
    { retry: QUICK_RETRY },
    'The server’s connection handler throws while it loads this user’s session and closes the socket with ' +
      '1011 Internal Error, three times in a row. The fourth connection gets through.',
  ),
  beforeEach: () => crashingServer.reset(),
  parameters: { msw: { handlers: [crashingServer.handler] } },
  play: async ({ canvasElement, args }) => {
    await expectDiagnosis(canvasElement, {
      title: args.title,
      id: 'server-error',
      summary: /^error: The server hit an internal error \(1011\) 3 times while serving this connection\.$/,
    })
  },
}
