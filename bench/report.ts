import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { availableParallelism, totalmem } from 'node:os'
import { join } from 'node:path'
import type { Implementation } from './build-pages'
import type { Row, ScenarioResult } from './scenarios/types'
import { ROOT } from './sizes'

const LABELS: Record<Implementation, string> = {
  raw: 'raw WebSocket + useSyncExternalStore (reference)',
  'react-lifeline': 'react-lifeline',
  'react-use-websocket': 'react-use-websocket (share: true)',
  partysocket: 'partysocket/react',
}

function formatNumber(value: number, digits: number): string {
  return value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** "value unit (ratio×)" with the ratio to raw, or "—" where there is nothing to compare. */
export function cell(row: Row, name: Implementation, withRatio = true): string {
  const value = row.values[name]
  if (value === undefined || Number.isNaN(value)) return '—'
  const shown = formatNumber(value, row.digits ?? 0)
  // "1 socket", not "1 sockets".
  const unit = shown === '1' && row.unit.endsWith('s') ? row.unit.slice(0, -1) : row.unit
  const text = `${shown} ${unit}`
  const raw = row.values.raw
  if (!withRatio || raw === undefined || name === 'raw') return text
  // Below the shown precision a ratio means nothing: 0.0 against 0.0 is equal.
  const zero = 0.5 * 10 ** -(row.digits ?? 0)
  if (Math.abs(raw) < zero) return Math.abs(value) < zero ? `${text} (=)` : text
  return `${text} (${(value / raw).toFixed(2)}×)`
}

export function table(rows: Row[], implementations: readonly Implementation[]): string {
  const header = `| measure | ${implementations.map((name) => LABELS[name]).join(' | ')} |`
  const rule = `|---|${implementations.map(() => '--:').join('|')}|`
  const lines = rows.map(
    (row) => `| ${row.label} | ${implementations.map((name) => cell(row, name)).join(' | ')} |`,
  )
  return [header, rule, ...lines].join('\n')
}

function version(pkg: string): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version
  } catch {
    return '?'
  }
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'))
    return line?.split(':')[1]?.trim() ?? '?'
  } catch {
    return '?'
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  } catch {
    return '?'
  }
}

export interface Environment {
  chromium: string
  seconds: number
  runs: Record<string, number>
}

export function environment(env: Environment): string {
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version
  return [
    `- Machine: ${availableParallelism()} cores (\`nproc\`), ${cpuModel()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `- Node ${process.version}; Chromium ${env.chromium} (Debian, headless, playwright-core ${version('playwright-core')})`,
    `- react-lifeline ${own} (working tree at ${commit()}, bundled from \`src/index.ts\`), react ${version('react')}, react-dom ${version('react-dom')}, react-use-websocket ${version('react-use-websocket')}, partysocket ${version('partysocket')}, ws ${version('ws')} (server), esbuild ${version('esbuild')}`,
    `- Runs per measure: ${Object.entries(env.runs)
      .map(([id, runs]) => `${id} ${runs}`)
      .join(', ')}; whole bench ${env.seconds.toFixed(0)} s`,
  ].join('\n')
}

export function scenarioSection(result: ScenarioResult, all: readonly Implementation[]): string {
  const implementations = result.implementations ?? all
  const samples = result.rows
    .map(
      (row) =>
        `- ${row.label}: ${implementations
          .map(
            (name) =>
              `${name} [${(row.samples[name] ?? []).map((value) => formatNumber(value, row.digits ?? 0)).join(', ')}]`,
          )
          .join('; ')}`,
    )
    .join('\n')
  return [
    `### ${result.title}`,
    '',
    table(result.rows, implementations),
    '',
    ...result.notes.map((note) => `- ${note}`),
    '',
    '<details><summary>every run</summary>',
    '',
    samples,
    '',
    '</details>',
  ].join('\n')
}
