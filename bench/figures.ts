import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './sizes'

/**
 * The server-side figures (issues 22 and 23) each come from their own script, not from
 * `npm run bench`. A full run of one saves its section in bench/figures/<id>.md and puts it
 * into bench/RESULTS.md between markers; runner.ts keeps the saved sections when it rewrites
 * RESULTS.md, so neither run erases the other's figures.
 */
export const FIGURES = ['loss', 'deploy', 'fanout'] as const
export type FigureId = (typeof FIGURES)[number]

const DIR = join(ROOT, 'bench', 'figures')
const RESULTS = join(ROOT, 'bench', 'RESULTS.md')
const begin = (id: FigureId) => `<!-- figure:${id} (written by its own script; see bench/figures.ts) -->`
const end = (id: FigureId) => `<!-- /figure:${id} -->`

/** Every saved figure, in order, each between its markers; '' when none is saved. */
export function figuresMarkdown(): string {
  return FIGURES.filter((id) => existsSync(join(DIR, `${id}.md`)))
    .map((id) => `${begin(id)}\n${readFileSync(join(DIR, `${id}.md`), 'utf8').trim()}\n${end(id)}\n`)
    .join('\n')
}

/** Saves one figure's section and splices it into RESULTS.md (before "Machine and versions"). */
export function saveFigure(id: FigureId, markdown: string): void {
  mkdirSync(DIR, { recursive: true })
  writeFileSync(join(DIR, `${id}.md`), `${markdown.trim()}\n`)
  let results = readFileSync(RESULTS, 'utf8')
  const block = `${begin(id)}\n${markdown.trim()}\n${end(id)}\n`
  const from = results.indexOf(begin(id))
  const to = results.indexOf(end(id))
  if (from >= 0 && to > from) {
    results = results.slice(0, from) + block + results.slice(to + end(id).length + 1)
  } else {
    // After the figures saved before it, so the order stays loss, deploy, fan-out.
    const later = FIGURES.slice(FIGURES.indexOf(id) + 1)
      .map((other) => results.indexOf(begin(other)))
      .filter((index) => index >= 0)
    const machine = results.indexOf('## Machine and versions')
    const at = later.length > 0 ? Math.min(...later) : machine >= 0 ? machine : results.length
    results = `${results.slice(0, at)}${block}\n${results.slice(at)}`
  }
  writeFileSync(RESULTS, results)
}

/** True when the script runs with its defaults (or `--write`): only such runs are saved. */
export function isFullRun(): boolean {
  const args = process.argv.slice(2)
  return args.length === 0 || args.includes('--write')
}
