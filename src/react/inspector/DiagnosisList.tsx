import type { ReactElement } from 'react'
import type { Diagnosis } from '../../core/types'

/** What diagnose() finds, most specific first, each with the advice a person can act on. */
export function DiagnosisList({
  diagnoses,
  recorded,
}: {
  diagnoses: readonly Diagnosis[]
  recorded: number
}): ReactElement {
  if (diagnoses.length === 0) {
    return <p className="lifeline-inspector__empty">No pattern in {recorded} recorded disconnects.</p>
  }
  return (
    <ul className="lifeline-inspector__diagnoses">
      {diagnoses.map((diagnosis) => (
        <li
          key={diagnosis.id}
          className="lifeline-inspector__diagnosis"
          data-severity={diagnosis.severity}
          data-id={diagnosis.id}
        >
          <strong>
            {diagnosis.severity}: {diagnosis.summary}
          </strong>
          <p>{diagnosis.advice}</p>
          <small>
            {diagnosis.id}, from {diagnosis.evidence.length} disconnect
            {diagnosis.evidence.length === 1 ? '' : 's'}
          </small>
        </li>
      ))}
    </ul>
  )
}
