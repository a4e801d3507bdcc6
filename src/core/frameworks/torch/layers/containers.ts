// torch.nn's containers (Sequential, ModuleList, ModuleDict): rows only; what they hold is nn/registration.ts's.
import type { TorchModuleSpec } from '../catalogue';

/** The containers, in catalogue order. */
export const containerModules: TorchModuleSpec[] = [
	{
		name: 'Sequential',
		category: 'container',
		args: [],
		params: 'none',
		shape: 'identity',
		container: 'sequential',
	},
	{
		name: 'ModuleList',
		category: 'container',
		args: [['modules', null]],
		params: 'none',
		shape: 'identity',
		container: 'list',
	},
	{
		name: 'ModuleDict',
		category: 'container',
		args: [['modules', null]],
		params: 'none',
		shape: 'identity',
		container: 'dict',
	},
];
