// The bundled model zoos: the library module each Python source stands for, and what a call names.
import { kerasApplications } from './kerasApplications';
import { torchvisionModels } from './torchvision';
import {
	dataclassHelpers,
	timmLayerHelpers,
	torchModuleUtils,
	typingHelpers,
} from './libraryHelpers';

/**
 * Model zoos NormLens knows by architecture: Python sources (written for NormLens from the published
 * configurations, not the libraries' code) that the interpreter runs as if they were the library
 * module, so that `torchvision.models.resnet50(weights=...)` builds the model it names and a
 * replaced head or a freezing loop acts on it. A builder the source does not define stays a model
 * from another library, with unknown counts (src/core/frameworks/torch/runtime.ts).
 */
export const BUNDLED_MODULES: Readonly<Record<string, string>> = {
	'torchvision.models': torchvisionModels,
	'keras.applications': kerasApplications,
	'tensorflow.keras.applications': kerasApplications,
	'tf_keras.applications': kerasApplications,
	'torch.nn.modules.utils': torchModuleUtils,
	typing: typingHelpers,
	dataclasses: dataclassHelpers,
	'timm.layers': timmLayerHelpers,
};

/** The helpers of ./libraryHelpers, by the library path a call names. */
const HELPERS: readonly RegExp[] = [
	/^(torch\.nn\.modules\.utils)\.(_single|_pair|_triple|_quadruple|_ntuple)$/,
	/^(typing)\.(cast)$/,
	/^(dataclasses)\.(field)$/,
];

/** timm's helpers, under `timm.layers` (and `timm.models.layers`, its old name) or their own modules. */
const TIMM_HELPER =
	/^timm\.(?:models\.)?layers\.(?:(?:helpers|weight_init)\.)?(to_[1-4n]tuple|_ntuple|trunc_normal_|trunc_normal_tf_|lecun_normal_|variance_scaling_)$/;

/**
 * The bundled module and the name in it that a library path calls: `torchvision.models.resnet50`
 * and `torchvision.models.resnet.resnet50` both name `resnet50` of `torchvision.models`.
 */
export function bundledTarget(path: string): { module: string; name: string } | undefined {
	const timm = TIMM_HELPER.exec(path);
	if (timm) {
		return { module: 'timm.layers', name: timm[1] };
	}
	for (const re of HELPERS) {
		const helper = re.exec(path);
		if (helper) {
			return { module: helper[1], name: helper[2] };
		}
	}
	const torchvision = /^(torchvision\.models)\.(?:([a-z_0-9]+)\.)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(
		path,
	);
	if (torchvision) {
		// Detection, segmentation, video and quantized models are other builders than the classifiers here.
		return /^(detection|segmentation|video|quantization|optical_flow)$/.test(
			torchvision[2] ?? torchvision[3],
		)
			? undefined
			: { module: torchvision[1], name: torchvision[3] };
	}
	// keras.applications.VGG16, tf.keras.applications.vgg16.VGG16, tf_keras.applications.ResNet50…
	const keras =
		/^((?:tensorflow\.)?keras|tf_keras)\.applications\.(?:[a-z_0-9]+\.)?([A-Z][A-Za-z0-9_]*|preprocess_input)$/.exec(
			path,
		);
	return keras ? { module: `${keras[1]}.applications`, name: keras[2] } : undefined;
}
