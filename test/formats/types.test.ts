// The data-format API's types, checked by the TypeScript compiler: test/types/formats.types.ts
// must compile, and each of its @ts-expect-error lines must really be an error.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

test('typed formats API: inference holds and wrong uses fail to compile', () => {
  const root = path.resolve(__dirname, '../..');
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(
    process.execPath,
    [
      tsc,
      '--noEmit',
      '--strict',
      '--target',
      'ES2022',
      '--lib',
      'ES2022,ESNext.Disposable',
      '--types',
      'node',
      '--moduleResolution',
      'node',
      '--skipLibCheck',
      path.join(root, 'test/types/formats.types.ts'),
    ],
    { encoding: 'utf8' },
  );
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
}, 120_000);
