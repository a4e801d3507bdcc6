// The bundled Python source of `keras.applications` that NormLens's interpreter runs when a file
// calls a Keras application (see src/core/zoo/index.ts). Kept as Python, in raw strings, so that it
// reads and diffs as the model code it is: one file per model family, joined here.
import { common } from './common';
import { vgg } from './vgg';
import { resnet } from './resnet';
import { mobilenet, mobilenetV3 } from './mobilenet';
import { densenet } from './densenet';
import { inception } from './inception';
import { efficientnet } from './efficientnet';
import { convnext } from './convnext';

/**
 * The module's source: the families in the order kerasApplications.ts held them, two blank lines
 * apart, so that the module's text — and the line of every definition in it — is what it was as one
 * file (MobileNetV3 came last). A family uses the helpers of ./common (`_input`, `_head`, …).
 */
export const kerasApplications = [
	common,
	vgg,
	resnet,
	mobilenet,
	densenet,
	inception,
	efficientnet,
	convnext,
	mobilenetV3,
].join('\n\n');
