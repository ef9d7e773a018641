import type { ReactNode } from 'react'
import { expect, waitFor, within } from 'storybook/test'
import { ConnectionInspector, type ConnectionOptions, useWebSocket } from '../../src'
import type { Connection } from '../../src/core'
import { useStoryConnection } from './environment'
import { Panel } from './ui'

/** Holds the connection open, as the app's own components would; the inspector only watches. */
function Holder({ connection }: { connection: Connection }) {
  useWebSocket(connection)
  return null
}

/** What the mocked server (or network) does in a story, in a sentence or two, above the panel. */
export function ScenarioNote({ children }: { children: ReactNode }) {
  return (
    <Panel title="What happens in this story" style={{ maxWidth: 760, marginBottom: 12 }}>
      <p style={{ margin: 0 }}>{children}</p>
    </Panel>
  )
}

export interface DiagnosisStageProps {
  /** Heading of the inspector; the play functions find the panel by it. */
  title: string
  url: string
  options: ConnectionOptions
  scenario: ReactNode
}

/** A connection of the story's own, the scenario in words, and `<ConnectionInspector>` on it. */
export function DiagnosisStage({ title, url, options, scenario }: DiagnosisStageProps) {
  const connection = useStoryConnection(url, options)
  return (
    <div style={{ maxWidth: 760 }}>
      <ScenarioNote>{scenario}</ScenarioNote>
      {connection ? (
        <>
          <Holder connection={connection} />
          <ConnectionInspector target={connection} title={title} />
        </>
      ) : (
        <p>Starting…</p>
      )}
    </div>
  )
}

export interface ExpectedDiagnosis {
  /** The inspector's heading. */
  title: string
  /** The diagnosis id, as in the item's `data-id`. */
  id: string
  /** What the summary (the bold line a person reads first) must say. */
  summary: RegExp
  /** How long to wait for it [the `asyncUtilTimeout` of .storybook/preview]. */
  timeout?: number
}

/**
 * Waits until the inspector names the pattern `id` with a summary matching `summary`, and checks
 * that it names nothing else: a story that reproduces one pattern must not look like another.
 * Returns the diagnosis item.
 */
export async function expectDiagnosis(
  canvasElement: HTMLElement,
  { title, id, summary, timeout }: ExpectedDiagnosis,
): Promise<HTMLElement> {
  const panel = await within(canvasElement).findByRole('region', { name: title })
  const item = await waitFor(
    () => {
      const found = panel.querySelector<HTMLElement>(`[data-id="${id}"]`)
      if (!found) throw new Error(`The inspector shows no "${id}" diagnosis yet:\n${panel.textContent}`)
      expect(found.querySelector('strong')).toHaveTextContent(summary)
      return found
    },
    timeout === undefined ? {} : { timeout },
  )
  expect(item).toBeVisible()
  const named = [...panel.querySelectorAll('[data-id]')].map((element) => element.getAttribute('data-id'))
  expect(named).toEqual([id])
  return item
}
