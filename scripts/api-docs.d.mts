/** An entry of package.json `exports` with types, as scripts/api-docs.mjs documents it. */
export interface ApiEntry {
  /** What users import, e.g. `react-lifeline/core`. */
  specifier: string
  /** The source file its declarations are built from, e.g. `src/core/index.ts`. */
  source: string
  /** The first sentence of the comment that opens the source file. */
  summary: string
}
export function apiEntries(): ApiEntry[]
/** The page of an entry, relative to docs/. */
export function pageOf(specifier: string): string
/** Writes docs/api.md and docs/api/**.md under `docsDir` [docs/]; resolves to the paths written, relative to it. */
export function generateApiDocs(docsDir?: string): Promise<string[]>
