/**
 * Seeds every fast-check run of the suite from one global seed, so a run is reproducible.
 *
 * The seed is `VMCHECK_SEED` when set (a 32-bit integer, for exploring other inputs), else a fixed
 * default. A failing property says how to replay it: the same command with `VMCHECK_SEED` set to
 * the seed it names (fast-check's `path` in the message jumps to the shrunk counterexample).
 * Properties that pin a `seed` of their own (their expected figures depend on it) keep it.
 */
import fc from 'fast-check';
import { seedFromEnv } from './seedFromEnv.ts';

const seed = seedFromEnv(process.env.VMCHECK_SEED);

fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  seed,
  reporter(details) {
    if (!details.failed) return;
    const message = fc.defaultReportMessage(details) ?? 'property failed';
    const replay =
      details.seed === seed
        ? `Replay: VMCHECK_SEED=${seed} npx vitest run <this file> -t '<this test>' (the global fast-check seed; tests/setup/seed.ts).`
        : `This property pins its own seed ${details.seed}; rerun it as is (VMCHECK_SEED, now ${seed}, does not change it).`;
    throw new Error(`${message}\n\n${replay}`, { cause: details.errorInstance });
  },
});
