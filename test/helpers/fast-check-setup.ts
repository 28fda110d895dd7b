import * as fc from 'fast-check';

/**
 * Property tests run with a fixed seed, so that `npm test` (and CI) gives the
 * same verdict on the same code: a property that fails does so every time,
 * with the counterexample fast-check prints. `FC_SEED=<number>` runs another
 * seed, and `FC_SEED=random` a new one each run, to search further.
 */
const seed = process.env.FC_SEED ?? '20261130';
if (seed !== 'random') {
  fc.configureGlobal({ seed: Number(seed) });
}
