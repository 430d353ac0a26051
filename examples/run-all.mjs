// `npm start`: runs every example in order.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { version } from 'tfdata-node';

const here = dirname(fileURLToPath(import.meta.url));
console.log(`tfdata-node with TensorFlow ${version()}\n`);
for (const file of readdirSync(here)
  .filter((f) => /^\d\d-.*\.mjs$/.test(f))
  .sort()) {
  await import(pathToFileURL(join(here, file)).href);
  console.log();
}
