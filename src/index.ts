/** `react-lifeline`: React hooks and a banner for WebSockets, plus everything from `react-lifeline/core`. */
export * from './core/index'
export * from './react/index'
