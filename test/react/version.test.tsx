import { createRequire } from 'node:module'
import { render, screen } from '@testing-library/react'
import * as React from 'react'
import * as ReactDOM from 'react-dom'
import { renderToString } from 'react-dom/server'
import { useSyncExternalStoreWithSelector } from 'use-sync-external-store/shim/with-selector'
import { describe, expect, test } from 'vitest'

const expected = process.env.LIFELINE_EXPECT_REACT
const require = createRequire(import.meta.url)

/** The version of `specifier` as the CommonJS package at `from` resolves it. */
function versionSeenFrom(from: string, specifier: string): string {
  const requireThere = createRequire(require.resolve(from))
  return (requireThere(specifier) as { version: string }).version
}

describe(`React ${expected}`, () => {
  test('the project runs the React it is named for', () => {
    expect(expected).toMatch(/^(18|19)$/)
    expect(React.version.split('.')[0]).toBe(expected)
    expect(ReactDOM.version.split('.')[0]).toBe(expected)
  })

  test('CommonJS dependencies load the same React', () => {
    for (const from of [
      '@testing-library/react',
      'use-sync-external-store/shim/with-selector',
      'react-dom',
    ]) {
      expect(versionSeenFrom(from, 'react'), from).toBe(React.version)
    }
    expect(versionSeenFrom('@testing-library/react', 'react-dom')).toBe(React.version)
    const client = createRequire(require.resolve('@testing-library/react')).resolve('react-dom/client')
    expect(client).toContain(expected === '18' ? '/node_modules/react-dom-18/' : '/node_modules/react-dom/')
  })

  test('hooks from the shim and React render through testing-library and the server renderer', () => {
    function Probe() {
      const [count] = React.useState(2)
      const value = useSyncExternalStoreWithSelector(
        () => () => {},
        () => 1,
        () => 1,
        (x) => x,
      )
      return <p>{`${React.version.split('.')[0]}:${count + value}`}</p>
    }
    render(<Probe />)
    expect(screen.getByText(`${expected}:3`)).toBeTruthy()
    expect(renderToString(<Probe />)).toContain(`${expected}:3`)
  })
})
