import type { ReactElement } from 'react'
import type { ConnectionState } from '../../core/types'
import { seconds } from './format'
import { Sparkline } from './Sparkline'
import type { LiveFigures } from './use-live-figures'

function perSecond(value: number | null): string {
  return value === null ? '—' : `${value < 10 ? value.toFixed(1) : Math.round(value)} /s`
}

/** Status and live figures: a description list, so each value is read with its name. */
export function Figures({ state, live }: { state: ConnectionState; live: LiveFigures }): ReactElement {
  const latencies = live.samples.flatMap((sample) => (sample.latency === null ? [] : [sample.latency]))
  const rows: [string, ReactElement | string][] = [
    ['Status', state.status],
    ['Attempt', String(state.attempt)],
    ['Next retry', state.nextRetryAt === null ? '—' : `in ${seconds(state.nextRetryAt - live.now)}`],
    [
      'Latency',
      <>
        {state.latency === null ? '—' : `${Math.round(state.latency)} ms`}
        <Sparkline values={latencies} unit="ms" label="Latency over the last readings" />
      </>,
    ],
    ['Queued', String(state.queued)],
    ['Messages in', perSecond(live.inPerSecond)],
    ['Messages out', perSecond(live.outPerSecond)],
  ]
  if (state.error) rows.push(['Error', state.error.message])
  return (
    <dl className="lifeline-inspector__summary">
      {rows.map(([term, value]) => (
        <div key={term} data-term={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}
