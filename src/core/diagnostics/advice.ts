// Advisory diagnostics, and which sources (installed packages, course skeletons) only get information.
import { DIAGNOSTIC_RULES } from './rules';

/**
 * Diagnostics that advise (a design choice that wastes parameters) rather than report an error the
 * framework would raise or a number NormLens cannot know. In code a user is not meant to change —
 * a graded course assignment whose skeleton copies Keras's own ResNet50, an installed package — they
 * are shown as information instead of warnings.
 */
export const ADVISORY_CODES: ReadonlySet<string> = new Set(
	DIAGNOSTIC_RULES.filter((r) => r.quietInReferenceCode).map((r) => r.code),
);

/** Markers of read-only course code: graded notebooks keep the learner's edits between them. */
const COURSE_MARKERS = [/#+\s*START CODE HERE/i, /#\s*GRADED FUNCTION/i, /#\s*UNQ_C\d+/];

/**
 * Whether a source is reference or course code: a file under an installed package's folder, or a
 * notebook or file with a graded assignment's markers.
 */
export function isReferenceCode(path: string, text: string): boolean {
	return /[\\/](site|dist)-packages[\\/]/.test(path) || COURSE_MARKERS.some((m) => m.test(text));
}
