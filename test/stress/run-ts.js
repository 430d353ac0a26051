// Runs a TypeScript test module in a plain child process (no jest): `node run-ts.js file.ts
// args…`. TypeScript is transpiled on load with the compiler the repo already has, so children
// run the same sources as the suites. A crash kills only the child, and the parent counts it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(outputText, filename);
};

const [file, ...args] = process.argv.slice(2);
require(path.resolve(file))
  .main(...args)
  .then(
    (report) => {
      console.log(JSON.stringify(report));
      process.exit(0);
    },
    (e) => {
      console.error(e && e.stack ? e.stack : e);
      process.exit(1);
    },
  );
