import Module from 'node:module'

// Node resolves `require('react')` inside CommonJS packages (react-dom, @testing-library/react,
// use-sync-external-store) without Vite's aliases, so the React 18 project redirects it here.
// Vitest's dependency optimizer cannot do this: it always leaves `react` external.
const patched = Symbol.for('lifeline.react18-resolve')
const moduleWithResolve = Module as unknown as {
  _resolveFilename: (request: string, ...rest: unknown[]) => string
  [patched]?: boolean
}

if (!moduleWithResolve[patched]) {
  moduleWithResolve[patched] = true
  const resolveFilename = moduleWithResolve._resolveFilename
  moduleWithResolve._resolveFilename = function (request: string, ...rest: unknown[]) {
    // Checked per call, so a worker that were reused for the React 19 project would be unaffected.
    const redirected =
      process.env.LIFELINE_EXPECT_REACT === '18'
        ? request.replace(/^(react|react-dom)(?=$|\/)/, '$1-18')
        : request
    return resolveFilename.call(this, redirected, ...rest)
  }
}
