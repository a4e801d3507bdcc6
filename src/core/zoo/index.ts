import { torchvisionModels } from './torchvision';

/**
 * Model zoos NormLens knows by architecture: Python sources (written for NormLens from the published
 * configurations, not the libraries' code) that the interpreter runs as if they were the library
 * module, so that `torchvision.models.resnet50(weights=...)` builds the model it names and a
 * replaced head or a freezing loop acts on it. A builder the source does not define stays a model
 * from another library, with unknown counts (src/core/frameworks/torch/runtime.ts).
 */
export const BUNDLED_MODULES: Readonly<Record<string, string>> = {
	'torchvision.models': torchvisionModels,
};

/**
 * The bundled module and the name in it that a library path calls: `torchvision.models.resnet50`
 * and `torchvision.models.resnet.resnet50` both name `resnet50` of `torchvision.models`.
 */
export function bundledTarget(path: string): { module: string; name: string } | undefined {
	const m = /^(torchvision\.models)\.(?:[a-z_0-9]+\.)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(path);
	return m && !/^(detection|segmentation|video|quantization|optical_flow)$/.test(m[2]) && !/^torchvision\.models\.(detection|segmentation|video|quantization|optical_flow)\./.test(path) ? { module: m[1], name: m[2] } : undefined;
}
