// Disposal helpers: dispose a list past failures, and a base class that owns what it registers.
import type * as vscode from 'vscode';

/** Disposes every item, continuing past failures (from vscode-extension-samples `dispose.ts`). */
export function disposeAll(disposables: vscode.Disposable[]): void {
	while (disposables.length) {
		try {
			disposables.pop()?.dispose();
		} catch {
			// keep disposing the rest
		}
	}
}

/** Base class that owns what it registers. */
export abstract class Disposable implements vscode.Disposable {
	private disposed = false;
	protected readonly disposables: vscode.Disposable[] = [];

	dispose(): void {
		if (this.disposed) {
			return;
		}
		this.disposed = true;
		disposeAll(this.disposables);
	}

	protected register<T extends vscode.Disposable>(d: T): T {
		if (this.disposed) {
			d.dispose();
		} else {
			this.disposables.push(d);
		}
		return d;
	}

	protected get isDisposed(): boolean {
		return this.disposed;
	}
}
