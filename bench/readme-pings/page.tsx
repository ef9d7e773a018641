// README's "React" example (test/support/readme-example.tsx), pointed at the URL the page was
// given and rendered with createRoot as an app does. Built for production by run.mjs.
import { createRoot } from 'react-dom/client'
import { App, pointAt } from '../../test/support/readme-example'

pointAt((globalThis as { LIFELINE_URL?: string }).LIFELINE_URL ?? '')
createRoot(document.getElementById('root')!).render(<App />)
