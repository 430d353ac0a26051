// The typed API, checked by the TypeScript compiler: each file of test/types/ must compile, and
// each of its @ts-expect-error lines must really be an error.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** tsc's output (empty when it compiles) and exit status for one file of test/types/. */
function compile(file: string): { output: string; status: number | null } {
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
      path.join(__dirname, 'types', file),
    ],
    { encoding: 'utf8' },
  );
  return { output: r.stdout + r.stderr, status: r.status };
}

test('typed API: inference holds and wrong uses fail to compile', () => {
  expect(compile('api.types.ts')).toEqual({ output: '', status: 0 });
}, 120_000);

test('typed formats API: inference holds and wrong uses fail to compile', () => {
  expect(compile('formats.types.ts')).toEqual({ output: '', status: 0 });
}, 120_000);

test('typed windows, scans and grouping: inference holds and wrong uses fail to compile', () => {
  expect(compile('windowing.types.ts')).toEqual({ output: '', status: 0 });
}, 120_000);

test('typed sampling, saving and options API: inference holds and wrong uses fail to compile', () => {
  expect(compile('selection.types.ts')).toEqual({ output: '', status: 0 });
}, 120_000);
