import * as vscode from "vscode";

/**
 * Where the language client writes its trace of the messages: the "Apiary" log itself, at a level
 * that follows `apiary.trace.server`. vscode-languageclient 10 traces only while its trace channel's
 * level is Trace, and a log channel starts at Info, so with the plain channel the setting alone
 * showed nothing. Every other call goes to the "Apiary" log unchanged.
 */
export class SettingTraceChannel implements vscode.LogOutputChannel {
  private readonly changed = new vscode.EventEmitter<vscode.LogLevel>();
  private readonly watch: vscode.Disposable;
  readonly onDidChangeLogLevel = this.changed.event;

  constructor(private readonly output: vscode.LogOutputChannel) {
    this.watch = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("apiary.trace.server")) {
        this.changed.fire(this.logLevel);
      }
    });
  }

  get name(): string {
    return this.output.name;
  }

  get logLevel(): vscode.LogLevel {
    const setting = vscode.workspace.getConfiguration("apiary").get<string>("trace.server", "off");
    return setting === "off" ? this.output.logLevel : vscode.LogLevel.Trace;
  }

  /** The client's trace lines, shown at the level the channel shows by default. */
  trace(message: string, ...args: unknown[]): void {
    this.output.info(message, ...args);
  }

  debug(message: string, ...args: unknown[]): void {
    this.output.debug(message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    this.output.info(message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.output.warn(message, ...args);
  }

  error(error: string | Error, ...args: unknown[]): void {
    this.output.error(error, ...args);
  }

  append(value: string): void {
    this.output.append(value);
  }

  appendLine(value: string): void {
    this.output.appendLine(value);
  }

  replace(value: string): void {
    this.output.replace(value);
  }

  clear(): void {
    this.output.clear();
  }

  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(first?: boolean | vscode.ViewColumn, preserveFocus?: boolean): void {
    this.output.show(typeof first === "boolean" ? first : preserveFocus);
  }

  hide(): void {
    this.output.hide();
  }

  /** Stops following the setting; the "Apiary" log itself is disposed by its owner. */
  dispose(): void {
    this.watch.dispose();
    this.changed.dispose();
  }
}
