// Plain CommonJS tests, so Jest needs no transform and loads the package's CJS build.
module.exports = {
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/*.jest.test.cjs'],
}
