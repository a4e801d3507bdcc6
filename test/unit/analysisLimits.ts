// Loaded before the unit tests (scripts/test.mjs, .mocharc.json): the analyser's wall-clock bound
// (1.5 s, which keeps the editor interactive) is raised for them. The unit tests check what the
// analysis finds, not how fast it is (benchmarks measure that), and a cold first analysis of a large
// fixture on a loaded two-core machine can pass 1.5 s: the answer would then depend on the machine.
// Tests of the bound itself pass their own `limits.maxMillis`; the step bound is unchanged.
import { defaultLimits } from '../../src/core/python/contract';

defaultLimits.maxMillis = 60_000;
