import type { ReactNode } from 'react'
// A Server Component: the banner is a client component (the package starts with 'use client'),
// so it can be rendered here, app-wide. Its props must be serialisable: a URL, not a connection.
import { ConnectionBanner } from 'react-lifeline'
import 'react-lifeline/banner.css'
import { LIVE_URL } from './live-url'

export const metadata = { title: 'react-lifeline on Next.js' }

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ConnectionBanner target={LIVE_URL} />
        <main>{children}</main>
      </body>
    </html>
  )
}
