// What NormLens trusts not to change a model, as data. A call the interpreter cannot follow is
// assumed to change every mutable value it receives (a list, a dict, a module, a model) — unless it
// is listed here. Keep these lists to calls whose documented behaviour leaves layers, parameters
// and their trainability alone; the README lists them for users.

/**
 * Library functions and classes, by import path: a call to one of these that NormLens does not
 * model returns an unknown value but taints none of its arguments.
 */
export const TRUSTED_CALL_PATHS: readonly RegExp[] = [
	// Python's standard library and the scientific stack: data, plots, files, logging.
	/^(numpy|pandas|matplotlib|seaborn|scipy|sklearn|math|os|sys|time|json|logging|random|warnings|pathlib|datetime|glob|shutil|pickle|csv|re|itertools|collections|typing|tqdm|PIL|cv2|IPython|wandb|mlflow|tensorboard|argparse|copy|string|textwrap|pprint|statistics|gc|platform|subprocess|urllib|requests|zipfile|tarfile|h5py|yaml|inspect)(\.|$)/,
	// PyTorch: optimisers, schedulers, data loading, saving, devices, seeds, gradients, init.
	/^torch\.(optim|utils\.data|utils\.tensorboard|cuda|backends|distributed|autograd|amp|multiprocessing)(\.|$)/,
	/^torch\.(save|load|manual_seed|seed|set_grad_enabled|no_grad|enable_grad|inference_mode|device|set_default_dtype|set_default_device|set_num_threads|set_printoptions|is_tensor|numel|get_default_dtype)$/,
	/^torch\.nn\.init\./,
	/^torchvision\.(transforms|datasets|utils|io)(\.|$)/,
	/^(torchsummary|torchinfo|torch_summary|torchviz|thop|fvcore|ptflops)(\.|$)/,
	// Keras / TensorFlow: training configuration, data, callbacks, plots, seeds, checkpoints
	// (`tf.train.Checkpoint(generator=…)` saves and restores weights; it adds none).
	/^(tensorflow\.|tf\.)?(keras\.)?(optimizers|losses|metrics|callbacks|datasets|preprocessing\.image|preprocessing\.sequence|preprocessing\.text|regularizers|initializers|constraints|schedules)(\.|$)/,
	/^(tensorflow\.|tf\.)?keras\.utils\.(?:vis_utils\.)?(plot_model|to_categorical|set_random_seed|image_dataset_from_directory|text_dataset_from_directory|timeseries_dataset_from_array|load_img|img_to_array|array_to_img|get_file|model_to_dot|print_summary|normalize|pad_sequences)$/,
	/^(tensorflow|tf)\.(data|random|config|summary|io|image|test|strings|distribute|debugging|print|device|function|GradientTape|constant|convert_to_tensor|cast|reduce_mean|reduce_sum|argmax|one_hot|train)(\.|$)/,
	// Keras: a new model made from one (a clone has fresh weights; the original is not changed).
	/^(tensorflow\.|tf\.)?keras\.models\.(clone_model|model_from_json|model_from_config)$/,
];

/**
 * Library functions whose result is never a module, a parameter or a tensor (a logger, a path, a
 * time, a parsed JSON document, a NumPy array or number, a PyTorch optimiser, scheduler, gradient
 * scaler or summary writer, a `collections.defaultdict` / `Counter` / `deque`, which PyTorch registers
 * nothing in, a torch.distributions distribution or transform (no nn.Module) — minimalRL's agents keep `self.optimizer = optim.Adam(self.parameters())`,
 * pytorch-fm's `self.offsets = np.array((0, *np.cumsum(field_dims)[:-1]))`): set as a module's
 * attribute, it is not a part the module's counts could hold, so they stay known.
 */
export const NO_MODEL_PART_PATHS =
	/^(?:(logging|os|sys|time|json|re|datetime|pathlib|platform|warnings|string|textwrap|numpy|torch\.optim|torch\.cuda\.amp|torch\.amp|torch\.utils\.tensorboard|timm\.data)(\.|$)|timm\.models\.\w+\._cfg$|collections\.(?:defaultdict|Counter|deque)$|torch\.distributions\.)/;

/**
 * Methods whose result holds copies or plain values, never the receiver's parts: a loop over it
 * (`for w in model.get_weights(): print(w.shape)`) cannot reach the model through its variable.
 */
export const COPYING_METHODS: ReadonlySet<string> = new Set([
	'get_weights',
	'get_config',
	'to_json',
	'count_params',
	'predict',
	'evaluate',
	'numpy',
	'tolist',
]);

/** Builtins whose result iterates over their arguments' items (`for i, l in enumerate(model.layers)`). */
export const ITERATION_WRAPPERS: ReadonlySet<string> = new Set([
	'enumerate',
	'zip',
	'reversed',
	'list',
	'tuple',
	'sorted',
	'iter',
	'filter',
	'map',
]);

/** The `why` of an unknown value from one of NO_MODEL_PART_PATHS. */
export const NOT_A_MODEL_PART = 'not a model part';

/**
 * The `why` of an unknown value a trusted library call returned (`ax = plt.gca()`, `df =
 * pd.read_csv(…)`): its methods are that library's too, and taint nothing they receive
 * (`ax.set_xticklabels(CLASSES)` leaves CLASSES as it was).
 */
export const FROM_TRUSTED_CALL = 'from a trusted call';

/**
 * Methods of framework objects that read a model or train it but never add, remove or resize a
 * layer nor change trainability, by framework and object kind. An unlisted method NormLens does
 * not model taints its receiver.
 */
export const TRUSTED_METHODS: Readonly<Record<string, ReadonlySet<string>>> = {
	'torch.module': new Set([
		'parameters',
		'named_parameters',
		'buffers',
		'named_buffers',
		'state_dict',
		'load_state_dict',
		'zero_grad',
		'named_modules',
		'named_children',
		'register_forward_hook',
		'register_forward_pre_hook',
		'register_full_backward_hook',
		'register_backward_hook',
		// Hooks on loading and saving a state dict (gpt-fast): they change no parameter or buffer.
		'_register_load_state_dict_pre_hook',
		'_register_state_dict_hook',
		'register_load_state_dict_post_hook',
		'extra_repr',
		'share_memory',
		'type',
		'bfloat16',
		'get_submodule',
		'get_parameter',
		'get_buffer',
		'xpu',
		'ipu',
		// Device moves and the float32 cast: the same module, nothing NormLens counts changes.
		'cuda',
		'cpu',
		'float',
		'__repr__',
		'compile',
		// An RNN's weights made one contiguous block for cuDNN: the same parameters.
		'flatten_parameters',
		// A norm layer's check of its input's rank (`super()._check_input_dim(x)` in a subclass).
		'_check_input_dim',
	]),
	'keras.model': new Set([
		'compile',
		'fit',
		'evaluate',
		'predict',
		'summary',
		'save',
		'save_weights',
		'load_weights',
		'get_weights',
		'set_weights',
		'get_config',
		'to_json',
		'fit_generator',
		'evaluate_generator',
		'predict_generator',
		'train_on_batch',
		'test_on_batch',
		'predict_on_batch',
		// Sequential's in TensorFlow up to 2.5: predict, then the argmax or the probabilities.
		'predict_classes',
		'predict_proba',
		'reset_states',
		'reset_metrics',
		'export',
		'make_predict_function',
		'_make_predict_function',
		'_make_train_function',
		'_make_test_function',
		'make_train_function',
		'count_params',
		'compute_output_shape',
	]),
	'keras.layer': new Set([
		'get_weights',
		'set_weights',
		'get_config',
		'count_params',
		'compute_output_shape',
		// Lookup layers (TextVectorization, StringLookup): they read the vocabulary.
		'get_vocabulary',
		'vocabulary_size',
	]),
};

/** Python builtins that never change their arguments. */
export const TRUSTED_BUILTINS: ReadonlySet<string> = new Set([
	'print',
	'len',
	'isinstance',
	'issubclass',
	'repr',
	'str',
	'int',
	'float',
	'bool',
	'type',
	'id',
	'hash',
	'abs',
	'round',
	'min',
	'max',
	'sum',
	'sorted',
	'any',
	'all',
	'hasattr',
	'format',
	'callable',
	'open',
	'input',
	'range',
	'enumerate',
	'zip',
	'reversed',
	'list',
	'tuple',
	'dict',
	'set',
	'frozenset',
	'map',
	'filter',
	'iter',
	'next',
	'divmod',
	'pow',
	'chr',
	'ord',
	'hex',
	'bin',
	'oct',
	'vars',
	'dir',
	'help',
	'display',
]);

/**
 * A tensor's in-place methods that change its values and nothing else (not its shape, dtype or
 * `requires_grad`): on a parameter or buffer they leave every count as it was (Glow's ActNorm fills
 * its `initialized` flag with `fill_(1)` in its first forward).
 */
export const VALUE_ONLY_INPLACE: ReadonlySet<string> = new Set(
	(
		'fill_ zero_ uniform_ normal_ bernoulli_ exponential_ geometric_ cauchy_ log_normal_ random_ ' +
		'copy_ clamp_ clip_ clamp_min_ clamp_max_ add_ sub_ mul_ div_ pow_ fmod_ remainder_ abs_ ' +
		'neg_ exp_ log_ sqrt_ rsqrt_ sigmoid_ tanh_ relu_ floor_ ceil_ round_ trunc_ lerp_ ' +
		'addcmul_ addcdiv_ masked_fill_ masked_scatter_ index_fill_ tril_ triu_ fill_diagonal_'
	).split(' '),
);

/** Methods of lists and dicts that only read them. */
export const READING_SEQUENCE_METHODS: ReadonlySet<string> = new Set([
	'index',
	'count',
	'copy',
	'get',
	'keys',
	'values',
	'items',
	'__len__',
	'__contains__',
]);

/** True when a call to `path` is known to leave its arguments alone. */
export function trustedCall(path: string): boolean {
	return TRUSTED_CALL_PATHS.some((re) => re.test(path));
}

/**
 * Names of functions NormLens cannot read (`from test_utils import summary`, `utils.plot_model`)
 * that, by the universal convention of their name, report on a model rather than change it. A
 * call to one taints none of its arguments. Training (`train`, `fit`) is not here: NormLens trusts
 * only training code it can read.
 */
export const REPORTING_NAMES =
	/^_*(summary|model_summary|print_summary|print_model|print_network|print_params|plot_model|plot|plot_.*|show|show_.*|display|display_.*|visualize|visualise|visualize_.*|describe|count_params|count_parameters|num_params|n_params|get_n_params|get_num_params|param_count|comparator|save|save_model|save_checkpoint|log|log_.*|info|debug|warning|print|log_api_usage_once)$/;

/** True when a call to something NormLens cannot read named `name` is trusted to report only. */
export function reportingName(name: string): boolean {
	return REPORTING_NAMES.test(name);
}

/**
 * Builtins that return a number, a string or a bool whatever they are given (or raise): an unknown
 * result is never a module or a parameter (`self.num_timesteps = len(betas)` keeps the counts).
 */
export const PLAIN_RESULTS: ReadonlySet<string> = new Set([
	'len',
	'int',
	'float',
	'str',
	'bool',
	'ord',
	'chr',
	'hash',
	'id',
	'repr',
	'format',
	'bin',
	'hex',
	'oct',
]);
