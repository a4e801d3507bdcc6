// What a view with controls is given: the panel's current view and the entry point's actions.
import type { FromPanel, ToPanel } from '../protocol/webviewProtocol';
import type { PanelView } from './state';

/**
 * The panel as its controls see it. `ui` is read when an event fires, not captured at render time:
 * a message that redraws nothing (a progress report) still replaces the view through applyMessage,
 * and a control's change must land in the view the panel saves next.
 */
export interface PanelContext {
	/** What the panel shows: replaced by each message (main.ts), changed in place by the controls. */
	ui: PanelView;
	post(m: FromPanel): void;
	/** Keeps the view in the webview state, so that a reloaded window restores the panel as it was. */
	save(): void;
	render(): void;
	report(kind: ToPanel['type']): void;
}
