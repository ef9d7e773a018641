import { type KeyboardEvent, type ReactElement, useId, useState } from 'react'
import type { CloseInfo } from '../../core/types'
import { type CloseKind, clockTime, closeKind, describeClose, KIND_LABELS, span } from './format'
import { openPeriods, scale, windowFor } from './timeline-geometry'

export interface TimelineProps {
  history: readonly CloseInfo[]
  /** Clock time the current socket opened, or null when it is not open. */
  openSince: number | null
  now: number
  /** Milliseconds shown [the smallest of 1 min, 5 min, 15 min, 1 h, 6 h, 24 h, 7 days that fits the history]. */
  windowMs?: number
}

const WIDTH = 600
const HEIGHT = 56
const LANE_Y = 14
const LANE_HEIGHT = 16
const MARK_Y = LANE_Y + LANE_HEIGHT / 2

/**
 * The last minutes or hours as a picture: open periods as bars, each drop a mark coloured by
 * its close code. The marks are one tab stop (arrow keys move between them); hovering or
 * focusing one shows its close record below the picture.
 */
export function Timeline({ history, openSince, now, windowMs }: TimelineProps): ReactElement {
  const shown = windowMs ?? windowFor(history, now)
  const x = scale(now, shown, WIDTH)
  const visible = history
    .map((close, index) => ({ close, index }))
    .filter(({ close }) => close.at >= now - shown)
  const [selected, setSelected] = useState<number | null>(null)
  const current = visible.find(({ index }) => index === selected) ?? visible[visible.length - 1]
  const labelId = useId()
  const kinds = [...new Set(visible.map(({ close }) => closeKind(close)))]

  const move = (event: KeyboardEvent<SVGElement>, position: number) => {
    const next = { ArrowLeft: position - 1, ArrowRight: position + 1, Home: 0, End: visible.length - 1 }[
      event.key
    ]
    if (next === undefined || !visible[next]) return
    event.preventDefault()
    setSelected(visible[next]!.index)
    const marks = event.currentTarget.parentElement?.querySelectorAll<SVGElement>('[data-mark]')
    marks?.[next]?.focus()
  }

  return (
    <figure className="lifeline-inspector__timeline">
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG picture groups its marks with a role, not a <fieldset> */}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="group" aria-labelledby={labelId}>
        <rect
          className="lifeline-inspector__lane"
          x={0}
          y={LANE_Y}
          width={WIDTH}
          height={LANE_HEIGHT}
          rx={3}
        />
        {openPeriods(history, openSince, now).map((period) => (
          <rect
            key={`${period.from}-${period.to}`}
            className="lifeline-inspector__open"
            x={x(period.from)}
            y={LANE_Y}
            width={Math.max(1, x(period.to) - x(period.from))}
            height={LANE_HEIGHT}
            rx={3}
          />
        ))}
        {visible.map(({ close, index }, position) => (
          // biome-ignore lint/a11y/useSemanticElements: an SVG mark cannot be a <button>; it behaves as one
          <circle
            key={index}
            data-mark
            data-kind={closeKind(close)}
            data-code={close.code}
            className="lifeline-inspector__mark"
            cx={x(close.at)}
            cy={MARK_Y}
            r={6}
            role="button"
            tabIndex={(current?.index ?? -1) === index ? 0 : -1}
            aria-pressed={current?.index === index}
            aria-label={`${clockTime(close.at)}: ${describeClose(close)}`}
            onFocus={() => setSelected(index)}
            onMouseEnter={() => setSelected(index)}
            onClick={() => setSelected(index)}
            onKeyDown={(event) => move(event, position)}
          />
        ))}
        <text className="lifeline-inspector__axis" x={0} y={HEIGHT - 4}>
          {span(shown)} ago
        </text>
        <text className="lifeline-inspector__axis" x={WIDTH} y={HEIGHT - 4} textAnchor="end">
          now
        </text>
      </svg>
      <figcaption id={labelId} className="lifeline-inspector__caption">
        Last {span(shown)}: {visible.length === 0 ? 'no disconnects' : `${visible.length} disconnects`}; bars
        are open periods.
        {kinds.length > 0 ? (
          <span className="lifeline-inspector__legend">
            {kinds.map((kind: CloseKind) => (
              <span key={kind} data-kind={kind}>
                {KIND_LABELS[kind]}
              </span>
            ))}
          </span>
        ) : null}
      </figcaption>
      {current ? (
        <p className="lifeline-inspector__record" data-kind={closeKind(current.close)}>
          <time dateTime={new Date(current.close.at).toISOString()}>{clockTime(current.close.at)}</time>{' '}
          {describeClose(current.close)}
        </p>
      ) : null}
    </figure>
  )
}
