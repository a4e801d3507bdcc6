// Where a dotted path lands in torch: torch.nn (modules), torch.nn.functional, torch.nn.init or torch itself.

/** `torch.nn.modules.conv.Conv2d` and `torch.nn.Conv2d` both name `Conv2d`. */
export function torchSubpath(
	path: string,
): { area: 'nn' | 'functional' | 'torch' | 'init'; name: string } | undefined {
	const parts = path.split('.');
	if (parts[0] !== 'torch') {
		return parts.length === 2 && parts[0] === 'collections' && parts[1] === 'OrderedDict'
			? { area: 'torch', name: 'OrderedDict' }
			: undefined;
	}
	const name = parts[parts.length - 1];
	if (parts[1] === 'nn') {
		if (parts[2] === 'functional') {
			return { area: 'functional', name };
		}
		if (parts[2] === 'init') {
			return { area: 'init', name };
		}
		return { area: 'nn', name };
	}
	return { area: 'torch', name };
}
