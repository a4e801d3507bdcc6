// The inspection panel's webview host: creates or restores it, queues messages until it is ready.
import * as vscode from 'vscode';
import type { FromPanel, ToPanel } from '../../protocol/webviewProtocol';
import { isFromPanel } from '../../protocol/webviewProtocol';
import { Disposable } from '../util/dispose';
import { panelHtml, panelOptions } from './html';

/** What the panel last rendered (its visible text), for tests and accessibility checks. */
export interface PanelRender {
	kind: ToPanel['type'];
	text: string;
	formulas: number;
	charts: number;
	/** The number of the message this render drew (post numbers every message it sends). */
	seq?: number;
}

/**
 * The inspection panel: one webview, created on demand and revealed again afterwards. Messages
 * posted before the webview's script says `ready` are queued, then delivered in order.
 */
export class InspectionPanel extends Disposable {
	static readonly viewType = 'normlens.inspection';
	private panel: vscode.WebviewPanel | undefined;
	private ready = false;
	private queue: ToPanel[] = [];
	private lastState: ToPanel | undefined;
	private selected: string | null | undefined;
	/** The last render of each kind, and the last of all: bounded by the kinds, however long the panel lives. */
	private readonly renders = new Map<ToPanel['type'], PanelRender>();
	private latestRender: PanelRender | undefined;
	/** Messages posted so far: each carries its number (`seq`), which the render it causes reports. */
	private posted = 0;
	private readonly renderEmitter = this.register(new vscode.EventEmitter<PanelRender>());
	readonly onDidRender = this.renderEmitter.event;

	constructor(
		private readonly extensionUri: vscode.Uri,
		private readonly onMessage: (m: FromPanel) => Promise<void>,
		/**
		 * Whether the webview reports each render's visible text (`rendered`): only when VS Code runs
		 * the extension's own tests (ExtensionMode.Test), which read the panel through it; a user's
		 * panel posts nothing of the kind and keeps no renders.
		 */
		private readonly reportRenders = false,
	) {
		super();
	}

	show(): void {
		if (this.panel) {
			this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
			return;
		}
		const panel = vscode.window.createWebviewPanel(
			InspectionPanel.viewType,
			'NormLens',
			{ viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
			panelOptions(this.extensionUri),
		);
		panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
		this.attach(panel);
	}

	/**
	 * Adopts a panel that VS Code restored after a reload (WebviewPanelSerializer): the webview
	 * re-renders from its saved state at once; the extension then re-posts a fresh analysis.
	 */
	restore(panel: vscode.WebviewPanel): void {
		this.panel?.dispose();
		panel.webview.options = panelOptions(this.extensionUri);
		panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
		this.attach(panel);
	}

	private attach(panel: vscode.WebviewPanel): void {
		this.panel = panel;
		this.ready = false;
		const subs: vscode.Disposable[] = [];
		subs.push(
			panel.webview.onDidReceiveMessage((m: unknown) => {
				if (!isFromPanel(m)) {
					return;
				}
				if (m.type === 'ready') {
					this.ready = true;
					const pending = this.queue;
					this.queue = [];
					if (pending.length === 0 && this.lastState) {
						pending.push(this.lastState);
					}
					pending.forEach((p) => void panel.webview.postMessage(p));
				} else if (m.type === 'rendered') {
					if (!this.reportRenders) {
						return;
					}
					const r = {
						kind: m.kind,
						text: m.text,
						formulas: m.formulas,
						charts: m.charts,
						seq: m.seq,
					};
					this.renders.set(r.kind, r);
					this.latestRender = r;
					this.renderEmitter.fire(r);
				} else {
					this.noteSelection(m);
					this.onMessage(m).catch(
						(e: unknown) =>
							void vscode.window.showErrorMessage(
								`NormLens: ${e instanceof Error ? e.message : String(e)}`,
							),
					);
				}
			}),
		);
		subs.push(
			panel.onDidDispose(() => {
				subs.forEach((s) => s.dispose());
				this.panel = undefined;
				this.ready = false;
			}),
		);
		panel.webview.html = panelHtml(panel.webview, this.extensionUri, this.reportRenders);
	}

	private noteSelection(m: FromPanel): void {
		if (
			m.type === 'revealLayer' ||
			m.type === 'runLayer' ||
			m.type === 'compareLayer' ||
			m.type === 'simulateLayer'
		) {
			this.selected = m.layerName;
		}
	}

	/** The layer the panel shows in detail (the last model's selection, then the last `select`). */
	get selectedLayer(): string | null | undefined {
		return this.selected;
	}

	post(message: ToPanel): void {
		if (message.type === 'model' || message.type === 'empty') {
			this.lastState = message;
		}
		if (message.type === 'model') {
			this.selected = message.selected;
		} else if (message.type === 'select') {
			this.selected = message.layerName;
		}
		// Numbered, so that a render reported late (it waited for a chunk) is not taken for the next one's.
		const numbered = { ...message, seq: ++this.posted };
		if (this.panel && this.ready) {
			void this.panel.webview.postMessage(numbered);
		} else {
			this.enqueue(numbered);
		}
	}

	/**
	 * Queues a message for a webview that is still loading, without growing for as long as it
	 * loads: a new model (or empty state) supersedes the queued state and selections, a progress
	 * report the queued one.
	 */
	private enqueue(message: ToPanel): void {
		const superseded: ReadonlySet<ToPanel['type']> =
			message.type === 'model' || message.type === 'empty'
				? new Set(['model', 'empty', 'select'])
				: message.type === 'runProgress' || message.type === 'select'
					? new Set([message.type])
					: new Set();
		this.queue = this.queue.filter((q) => !superseded.has(q.type));
		this.queue.push(message);
	}

	/** How many messages were posted so far (a render of a later one reports a higher `seq`). */
	get postedCount(): number {
		return this.posted;
	}

	/** Handles a message as if the webview had posted it (validated the same way); for tests. */
	async receive(m: unknown): Promise<void> {
		if (isFromPanel(m) && m.type !== 'ready' && m.type !== 'rendered') {
			this.noteSelection(m);
			await this.onMessage(m);
		}
	}

	get isOpen(): boolean {
		return this.panel !== undefined;
	}

	lastRender(kind?: ToPanel['type']): PanelRender | undefined {
		return kind ? this.renders.get(kind) : this.latestRender;
	}

	override dispose(): void {
		this.panel?.dispose();
		super.dispose();
	}
}
