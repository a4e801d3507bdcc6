// The torch.nn base classes of torch.nn's modules, for isinstance(): PyTorch 1.13's own MRO, printed
// by `[b.__name__ for b in cls.__mro__[1:] if b.__module__.startswith('torch.nn')]` (less Module) for
// every nn.Module subclass in torch.nn; a class not listed has only nn.Module above it.
import { basePaths, FrameworkObject, Value } from '../../python/values';
import { opTable } from '../common/opTable';
import { torchModuleSpec } from './catalogue';
import { TorchModule, TorchTensor } from './objects';
import { torchSubpath } from './paths';

/** Each class's torch.nn bases, nearest first (`isinstance(bn, nn.modules.batchnorm._BatchNorm)`). */
const TORCH_NN_BASES = opTable<string>({
	AdaptiveAvgPool1d: '_AdaptiveAvgPoolNd',
	AdaptiveAvgPool2d: '_AdaptiveAvgPoolNd',
	AdaptiveAvgPool3d: '_AdaptiveAvgPoolNd',
	AdaptiveMaxPool1d: '_AdaptiveMaxPoolNd',
	AdaptiveMaxPool2d: '_AdaptiveMaxPoolNd',
	AdaptiveMaxPool3d: '_AdaptiveMaxPoolNd',
	AlphaDropout: '_DropoutNd',
	AvgPool1d: '_AvgPoolNd',
	AvgPool2d: '_AvgPoolNd',
	AvgPool3d: '_AvgPoolNd',
	BCELoss: '_WeightedLoss _Loss',
	BCEWithLogitsLoss: '_Loss',
	BatchNorm1d: '_BatchNorm _NormBase',
	BatchNorm2d: '_BatchNorm _NormBase',
	BatchNorm3d: '_BatchNorm _NormBase',
	CTCLoss: '_Loss',
	ConstantPad1d: '_ConstantPadNd',
	ConstantPad2d: '_ConstantPadNd',
	ConstantPad3d: '_ConstantPadNd',
	Conv1d: '_ConvNd',
	Conv2d: '_ConvNd',
	Conv3d: '_ConvNd',
	ConvTranspose1d: '_ConvTransposeNd _ConvNd',
	ConvTranspose2d: '_ConvTransposeNd _ConvNd',
	ConvTranspose3d: '_ConvTransposeNd _ConvNd',
	CosineEmbeddingLoss: '_Loss',
	CrossEntropyLoss: '_WeightedLoss _Loss',
	Dropout: '_DropoutNd',
	Dropout1d: '_DropoutNd',
	Dropout2d: '_DropoutNd',
	Dropout3d: '_DropoutNd',
	FeatureAlphaDropout: '_DropoutNd',
	GRU: 'RNNBase',
	GRUCell: 'RNNCellBase',
	GaussianNLLLoss: '_Loss',
	HingeEmbeddingLoss: '_Loss',
	HuberLoss: '_Loss',
	InstanceNorm1d: '_InstanceNorm _NormBase',
	InstanceNorm2d: '_InstanceNorm _NormBase',
	InstanceNorm3d: '_InstanceNorm _NormBase',
	KLDivLoss: '_Loss',
	L1Loss: '_Loss',
	LPPool1d: '_LPPoolNd',
	LPPool2d: '_LPPoolNd',
	LSTM: 'RNNBase',
	LSTMCell: 'RNNCellBase',
	LazyBatchNorm1d: '_LazyNormBase LazyModuleMixin _BatchNorm _NormBase',
	LazyBatchNorm2d: '_LazyNormBase LazyModuleMixin _BatchNorm _NormBase',
	LazyBatchNorm3d: '_LazyNormBase LazyModuleMixin _BatchNorm _NormBase',
	LazyConv1d: '_LazyConvXdMixin LazyModuleMixin Conv1d _ConvNd',
	LazyConv2d: '_LazyConvXdMixin LazyModuleMixin Conv2d _ConvNd',
	LazyConv3d: '_LazyConvXdMixin LazyModuleMixin Conv3d _ConvNd',
	LazyConvTranspose1d:
		'_LazyConvXdMixin LazyModuleMixin ConvTranspose1d _ConvTransposeNd _ConvNd',
	LazyConvTranspose2d:
		'_LazyConvXdMixin LazyModuleMixin ConvTranspose2d _ConvTransposeNd _ConvNd',
	LazyConvTranspose3d:
		'_LazyConvXdMixin LazyModuleMixin ConvTranspose3d _ConvTransposeNd _ConvNd',
	LazyInstanceNorm1d: '_LazyNormBase LazyModuleMixin _InstanceNorm _NormBase',
	LazyInstanceNorm2d: '_LazyNormBase LazyModuleMixin _InstanceNorm _NormBase',
	LazyInstanceNorm3d: '_LazyNormBase LazyModuleMixin _InstanceNorm _NormBase',
	LazyLinear: 'LazyModuleMixin Linear',
	MSELoss: '_Loss',
	MarginRankingLoss: '_Loss',
	MaxPool1d: '_MaxPoolNd',
	MaxPool2d: '_MaxPoolNd',
	MaxPool3d: '_MaxPoolNd',
	MaxUnpool1d: '_MaxUnpoolNd',
	MaxUnpool2d: '_MaxUnpoolNd',
	MaxUnpool3d: '_MaxUnpoolNd',
	MultiLabelMarginLoss: '_Loss',
	MultiLabelSoftMarginLoss: '_WeightedLoss _Loss',
	MultiMarginLoss: '_WeightedLoss _Loss',
	NLLLoss: '_WeightedLoss _Loss',
	NLLLoss2d: 'NLLLoss _WeightedLoss _Loss',
	PoissonNLLLoss: '_Loss',
	RNN: 'RNNBase',
	RNNCell: 'RNNCellBase',
	ReLU6: 'Hardtanh',
	ReflectionPad1d: '_ReflectionPadNd',
	ReflectionPad2d: '_ReflectionPadNd',
	ReflectionPad3d: '_ReflectionPadNd',
	ReplicationPad1d: '_ReplicationPadNd',
	ReplicationPad2d: '_ReplicationPadNd',
	ReplicationPad3d: '_ReplicationPadNd',
	SmoothL1Loss: '_Loss',
	SoftMarginLoss: '_Loss',
	SyncBatchNorm: '_BatchNorm _NormBase',
	TripletMarginLoss: '_Loss',
	TripletMarginWithDistanceLoss: '_Loss',
	UpsamplingBilinear2d: 'Upsample',
	UpsamplingNearest2d: 'Upsample',
	ZeroPad2d: 'ConstantPad2d _ConstantPadNd',
});

/**
 * The torch.nn classes a catalogue module is an instance of: its class and that class's bases. A
 * lazy module that has taken its sizes is its eager class, as PyTorch swaps `__class__` to
 * `cls_to_become` (a LazyLinear is then a Linear and no longer a LazyLinear); before that,
 * LazyLinear and LazyConv*d subclass their eager class and the lazy norms do not.
 */
function torchClassNames(m: TorchModule): string[] {
	const lazy = m.spec?.lazy;
	return withBases(lazy && !m.lazyPending && m.config.has(lazy.arg) ? lazy.eager : m.type);
}

/** A torch.nn class by name and its torch.nn bases. */
const withBases = (name: string): string[] => [
	name,
	...(TORCH_NN_BASES.get(name)?.split(' ') ?? []),
];

/** `isinstance(m, nn.<name>)` for a catalogue module or an instance of a source class built on torch.nn classes. */
export function torchInstanceOf(m: TorchModule, name: string): boolean {
	return (
		torchClassNames(m).includes(name) ||
		(m.pyClass
			? basePaths(m.pyClass).some((b) =>
					withBases(torchSubpath(b)?.name ?? '').includes(name),
				)
			: false)
	);
}

/** `isinstance(obj, torch.nn.<name>)` (Runtime.isInstance); undefined for other objects and paths. */
export function torchIsInstance(obj: FrameworkObject, path: string): boolean | undefined {
	if (
		obj instanceof TorchModule &&
		/^torch\.(?:Tensor|nn\.(?:parameter\.)?Parameter)$/.test(path)
	) {
		// A module is never a tensor (linformer's `isinstance(E_proj, torch.Tensor)`).
		return false;
	}
	if (obj instanceof TorchTensor && path === 'torch.nn.utils.rnn.PackedSequence') {
		// Nor a tensor a PackedSequence (torchMoji's `isinstance(input, PackedSequence)`).
		return false;
	}
	const sub = torchSubpath(path);
	if (!(obj instanceof TorchModule) || sub?.area !== 'nn') {
		return undefined;
	}
	return sub.name === 'Module' || torchInstanceOf(obj, sub.name);
}

/**
 * `type(m)` of a catalogue module (Runtime.typeOf): its torch.nn class, as a path (awd-lstm's
 * `issubclass(type(self.module), torch.nn.RNNBase)`); undefined for anything else.
 */
export function torchTypeOf(obj: FrameworkObject): Value | undefined {
	if (!(obj instanceof TorchModule) || obj.pyClass || !obj.spec) {
		return undefined;
	}
	return { k: 'ref', path: `torch.nn.${torchClassNames(obj)[0]}` };
}

/**
 * `issubclass(torch.nn.<a>, torch.nn.<b>)` (Runtime.isSubclass) for catalogue classes, by PyTorch
 * 1.13's MRO; undefined where either is not one.
 */
export function torchIsSubclass(path: string, base: string): boolean | undefined {
	const [a, b] = [torchSubpath(path), torchSubpath(base)];
	if (a?.area !== 'nn' || b?.area !== 'nn' || !torchModuleSpec(a.name)) {
		return undefined;
	}
	return b.name === 'Module' || withBases(a.name).includes(b.name);
}
