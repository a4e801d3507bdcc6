// What every part of the torch runtime shares: the modules built, where findings go, the analysed file.
import type { AnalysisDiagnostic } from '../../../protocol/analysis';
import type { PythonSource } from '../../python/parse';
import type { TorchModule } from './objects';

/**
 * The state of one analysis that the torch runtime's parts read and add to (TorchRuntime holds it):
 * construction adds modules, every part reports findings, and a finding about the user's code is
 * made only in the analysed file.
 */
export interface TorchSession {
	/** Every module built, in order: the roots and the summaries are read from it. */
	readonly modules: TorchModule[];
	/** The analysed file (findings go there, not into the local modules it imports). */
	readonly mainSource: PythonSource | undefined;
	/** Adds a finding, once per code, place and message. */
	report(d: AnalysisDiagnostic): void;
}
