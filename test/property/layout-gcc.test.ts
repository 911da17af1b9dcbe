// gcc is the oracle: random declarations laid out by shmscope (common/layout) and by gcc must
// agree on every size, alignment, offset and bit position (test/helpers/layout-oracle.ts).
// `npm run fuzz:layout` runs 10,000 cases; `npm test` runs SHMSCOPE_LAYOUT_CASES or 300.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { caseArb, runBatch } from '../helpers/layout-oracle';

const CASES = Number(process.env.SHMSCOPE_LAYOUT_CASES ?? 300);
const BATCH = 100;

it(`lays out ${CASES} random structs exactly as gcc does`, () => {
  let cases = 0;
  let checks = 0;
  const mismatches: string[] = [];
  const details = fc.check(
    fc.property(fc.array(caseArb, { minLength: BATCH, maxLength: BATCH }), (specs) => {
      const result = runBatch(specs);
      cases += result.cases;
      checks += result.checks;
      mismatches.push(...result.mismatches);
      return result.mismatches.length === 0;
    }),
    // Each run compiles a C program: no shrinking (the message shows the mismatching structs).
    { numRuns: Math.ceil(CASES / BATCH), endOnFailure: true },
  );
  if (details.failed && mismatches.length === 0) throw details.errorInstance;
  expect(mismatches.slice(0, 3).join('\n\n'), `seed ${details.seed}`).toBe('');
  console.log(`layout oracle: ${cases} structs, ${checks} checks against gcc, 0 mismatches`);
}, Math.max(120_000, CASES * 150)); // ~10 ms a case when idle (one gcc run per 100); generous for a loaded machine
