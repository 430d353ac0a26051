// Teardown at the worst moments (see test/teardown/scenario.js): every way an environment ends
// × every moment of a pipeline, each in a child process so an abort is a failure here, not the
// end of the run. npm run stress runs every cell 20 times.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runMatrix } = require('./teardown/matrix') as {
  runMatrix(o: { runs: number }): Promise<{ way: string; moment: string; failure: string }[]>;
};

test('every way × moment of teardown ends with the exit code asked for, and the main thread goes on', async () => {
  const results = await runMatrix({ runs: 2 });
  expect(results.length).toBe(2 * 5 * 10);
  expect(results.filter((r) => r.failure).map((r) => `${r.way} × ${r.moment}: ${r.failure}`)).toEqual([]);
}, 300_000);
