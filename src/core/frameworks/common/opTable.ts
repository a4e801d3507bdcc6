// Name → rule tables for ops (tensor methods, framework functions), looked up by the name a program wrote.

/**
 * A table of rules by op name, as a Map: a name a program writes (`x.constructor(…)`,
 * `torch.toString`) must find no rule, as a `switch` over the names found none, rather than the
 * object prototype's member of that name.
 */
export function opTable<R>(rules: Record<string, R>): ReadonlyMap<string, R> {
	return new Map(Object.entries(rules));
}
