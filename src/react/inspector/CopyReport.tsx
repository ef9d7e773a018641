import { type ReactElement, useState } from 'react'

type Outcome = { kind: 'idle' } | { kind: 'copied' } | { kind: 'failed'; text: string }

/**
 * Copies the JSON report to the clipboard and says so in a polite live region. Where the
 * clipboard is refused (no permission, insecure page) the report is shown to select by hand.
 */
export function CopyReport({ report }: { report: () => string }): ReactElement {
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' })
  const copy = async () => {
    const text = report()
    try {
      await navigator.clipboard.writeText(text)
      setOutcome({ kind: 'copied' })
    } catch {
      setOutcome({ kind: 'failed', text })
    }
  }
  return (
    <div className="lifeline-inspector__copy">
      <button type="button" className="lifeline-inspector__button" onClick={copy}>
        Copy report
      </button>
      <output className="lifeline-inspector__copy-status">
        {outcome.kind === 'copied' ? 'Report copied (JSON, secrets redacted).' : ''}
        {outcome.kind === 'failed' ? 'The clipboard is not available: select the report below.' : ''}
      </output>
      {outcome.kind === 'failed' ? (
        <textarea
          className="lifeline-inspector__report"
          aria-label="Report (JSON)"
          readOnly
          rows={8}
          value={outcome.text}
        />
      ) : null}
    </div>
  )
}
