import { defineProject } from 'vitest/config'

/** Type tests: the public API as users write it (README examples included), checked by tsc. */
export default defineProject({
  test: {
    name: 'types',
    include: [],
    typecheck: {
      enabled: true,
      only: true,
      include: ['test/types/**/*.test-d.{ts,tsx}'],
      tsconfig: 'test/types/tsconfig.json',
    },
  },
})
