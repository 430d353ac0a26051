/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  // The addon can be loaded only once per process: one worker runs everything.
  maxWorkers: 1,
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/global-setup.js',
};
