/** @type {import('next').NextConfig} */
const config = {
  // This folder is the app's root even inside the library's repository (which has its own lock file).
  outputFileTracingRoot: import.meta.dirname,
  turbopack: { root: import.meta.dirname },
}

export default config
