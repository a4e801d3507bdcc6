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
 * Builders of a published architecture whose own design has what the advice flags: Keras's ResNet
 * v1 (`keras.applications.ResNet50`; `identity_block` in its first release and in the courses that
 * copy it) puts a bias before each BatchNormalization. Code that defines them is a copy of that
 * design, kept as published on purpose. (A generic name such as `conv_block` is not a sign.)
 */
const REFERENCE_BUILDERS: { pattern: RegExp; what: (name: string) => string }[] = [
	{
		pattern: /^[ \t]*(?:def|class)[ \t]+(ResNet(?:50|101|152)|identity_block)\b/m,
		what: (name) =>
			`a copy of Keras's ResNet (\`${name}\`), whose published design does the same`,
	},
];

/**
 * Why a source is reference or course code, or undefined when it is not: a file under an installed
 * package's folder, a notebook or file with a graded assignment's markers, or one that defines a
 * published architecture's builders (REFERENCE_BUILDERS). Advice there is information.
 */
export function referenceCodeReason(path: string, text: string): string | undefined {
	if (/[\\/](site|dist)-packages[\\/]/.test(path)) {
		return 'an installed package';
	}
	if (COURSE_MARKERS.some((m) => m.test(text))) {
		return 'course code (a graded assignment)';
	}
	for (const b of REFERENCE_BUILDERS) {
		const m = b.pattern.exec(text);
		if (m) {
			return b.what(m[1]);
		}
	}
	return undefined;
}
