// Inlined by `next build`; scripts/check-next.mjs points it at the ws server it starts.
export const LIVE_URL = process.env.NEXT_PUBLIC_LIVE_URL ?? 'ws://127.0.0.1:8080/live'
