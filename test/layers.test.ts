// The house rules that a reader relies on: lib/ imports go one way (scripts/check-layers.js), and
// the generated files are what their generators give from the pinned TensorFlow.
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { check } = require('../scripts/check-layers.js') as {
  check(dir: string): { files: number; problems: string[] };
};

const root = path.join(__dirname, '..');

test('lib/ imports go one way, with no circle', () => {
  const { files, problems } = check(path.join(root, 'lib'));
  expect(problems).toEqual([]);
  expect(files).toBeGreaterThan(50);
});

test('the layer check catches an upward import and a circle', () => {
  const fixture = path.join(__dirname, 'fixtures', 'layers');
  const { problems } = check(fixture);
  expect(problems).toEqual([
    'lib/tensor/a.ts (tensor) imports lib/graph/b.ts (graph), a layer above it',
    'import circle: lib/graph/b.ts → lib/tensor/a.ts → lib/graph/b.ts',
  ]);
});

test("Sym's method types are fresh from the table in lib/ops/methods.ts", () => {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-sym-methods.js'), '--check'], { stdio: 'pipe' });
});
