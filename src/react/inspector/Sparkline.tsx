import type { ReactElement } from 'react'

const WIDTH = 80
const HEIGHT = 20

/** A small line of recent values, with the range and last value in its label for screen readers. */
export function Sparkline({
  values,
  unit,
  label,
}: {
  values: readonly number[]
  unit: string
  label: string
}): ReactElement | null {
  if (values.length < 2) return null
  const min = Math.min(...values)
  const max = Math.max(...values)
  const range = max - min || 1
  const points = values
    .map((value, index) => {
      const x = (index / (values.length - 1)) * WIDTH
      const y = HEIGHT - 2 - ((value - min) / range) * (HEIGHT - 4)
      return `${x.toFixed(1)},${y.toFixed(1)}`
    })
    .join(' ')
  const round = (value: number) => `${Math.round(value)} ${unit}`
  return (
    <svg
      className="lifeline-inspector__sparkline"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${label}: ${round(min)} to ${round(max)}, last ${round(values[values.length - 1]!)}`}
    >
      <polyline points={points} fill="none" />
    </svg>
  )
}
