import { type CSSProperties, type ReactNode, useEffect, useState } from 'react'
import type { CloseInfo } from '../../src/core'

// Small presentational pieces shared by the stories. Colours come from the theme decorator's
// CSS variables so every story reads well in light and dark.

export const styles = {
  panel: {
    border: '1px solid var(--sb-border)',
    borderRadius: 8,
    padding: 12,
    minWidth: 0,
  },
  muted: { color: 'var(--sb-muted)' },
  row: { display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center' },
  button: {
    font: 'inherit',
    fontSize: 14,
    padding: '4px 10px',
    borderRadius: 6,
    border: '1px solid var(--sb-border)',
    background: 'transparent',
    color: 'inherit',
    cursor: 'pointer',
  },
  table: { borderCollapse: 'collapse', width: '100%', fontSize: 14 },
  cell: { textAlign: 'left', padding: '3px 8px 3px 0', borderBottom: '1px solid var(--sb-border)' },
} satisfies Record<string, CSSProperties>

export function Panel({
  title,
  children,
  style,
}: {
  title: string
  children: ReactNode
  style?: CSSProperties
}) {
  return (
    <section aria-label={title} style={{ ...styles.panel, ...style }}>
      <h2 style={{ fontSize: 15, margin: '0 0 8px' }}>{title}</h2>
      {children}
    </section>
  )
}

export function Button(props: {
  onClick: () => void
  children: ReactNode
  disabled?: boolean
  title?: string
}) {
  return (
    <button
      type="button"
      onClick={props.onClick}
      disabled={props.disabled}
      title={props.title}
      style={{ ...styles.button, opacity: props.disabled ? 0.55 : 1 }}
    >
      {props.children}
    </button>
  )
}

/** Re-renders every `intervalMs` while `active`, for countdowns. */
export function useNow(active: boolean, intervalMs = 250): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!active) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [active, intervalMs])
  return active ? now : Date.now()
}

export function formatClose(close: CloseInfo | null): string {
  if (!close) return 'none yet'
  const reason = close.reason ? ` "${close.reason}"` : ''
  return `${close.code} ${close.info.name}${reason}`
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '–'
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

export function formatTime(at: number): string {
  const clock = new Date(at).toLocaleTimeString('en-GB', { hour12: false })
  return `${clock}.${String(at % 1000).padStart(3, '0')}`
}

/** A definition list of label/value rows. */
export function Facts({ items, label }: { items: [string, ReactNode][]; label: string }) {
  return (
    <dl
      aria-label={label}
      style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 12px', margin: 0 }}
    >
      {items.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt style={styles.muted}>{term}</dt>
          <dd style={{ margin: 0, fontVariantNumeric: 'tabular-nums' }}>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

/** The value shown for `term` in a `Facts` list, as a person reads it. */
export function factText(list: HTMLElement, term: string): string {
  const dt = [...list.querySelectorAll('dt')].find((element) => element.textContent === term)
  if (!dt) throw new Error(`No "${term}" in ${list.getAttribute('aria-label') ?? 'the list'}`)
  return dt.nextElementSibling?.textContent ?? ''
}
