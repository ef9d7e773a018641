import type { Implementation } from '../build-pages'

/** One measured quantity for every implementation, as medians over runs. */
export interface Row {
  /** What was measured, as it appears in the table. */
  label: string
  unit: string
  /** Whether a smaller number is better; ratios are always value / raw. */
  lowerIsBetter: boolean
  values: Partial<Record<Implementation, number>>
  /** Every run's value, for the method section. */
  samples: Partial<Record<Implementation, number[]>>
  /** How many digits to show. */
  digits?: number
}

export interface ScenarioResult {
  id: string
  title: string
  rows: Row[]
  notes: string[]
  /** The columns of its table when the scenario measures only some implementations. */
  implementations?: Implementation[]
}

export function emptyRow(label: string, unit: string, lowerIsBetter: boolean, digits = 0): Row {
  return { label, unit, lowerIsBetter, values: {}, samples: {}, digits }
}

export function addSample(row: Row, name: Implementation, value: number): void {
  const list = row.samples[name] ?? []
  list.push(value)
  row.samples[name] = list
}
