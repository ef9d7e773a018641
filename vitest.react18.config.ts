// Vitest reads one project per config file; the React 18 project is defined beside the React 19
// one in vitest.react.config.ts and only registered here.
export { react18Project as default } from './vitest.react.config.js'
