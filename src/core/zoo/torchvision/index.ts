// The bundled Python source of `torchvision.models` that NormLens's interpreter runs when a file
// calls a torchvision model builder (see src/core/zoo/index.ts). Kept as Python, in raw strings,
// so that it reads and diffs as the model code it is: one file per model family, joined here.
import { common } from './common';
import { resnet } from './resnet';
import { vgg } from './vgg';
import { squeezenet } from './squeezenet';
import { densenet } from './densenet';
import { mobilenet } from './mobilenet';
import { efficientnet } from './efficientnet';
import { inception } from './inception';
import { convnext } from './convnext';
import { regnet } from './regnet';
import { swin } from './swin';
import { shufflenet } from './shufflenet';
import { vit } from './vit';

/**
 * The module's source: the families in the order torchvision.ts held them, two blank lines apart,
 * so that the module's text — and the line of every definition in it — is what it was as one file.
 * A family may use what an earlier one defines (`_weights_classes`, `Conv2dNormActivation`).
 */
export const torchvisionModels = [
	common,
	resnet,
	vgg,
	squeezenet,
	densenet,
	mobilenet,
	efficientnet,
	inception,
	convnext,
	regnet,
	swin,
	shufflenet,
	vit,
].join('\n\n');
