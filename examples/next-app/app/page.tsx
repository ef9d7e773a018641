import { LiveFeed } from './live-feed'

export default function Page() {
  return (
    <>
      <h1>Live feed</h1>
      <LiveFeed />
    </>
  )
}
