/** `npm run stress`: the reliability checks at full scale (run with --expose-gc). */
const base = require('./jest.config.js');
module.exports = { ...base, roots: ['<rootDir>/test/stress'], testMatch: ['**/*.stress.ts'], testTimeout: 1_800_000 };
