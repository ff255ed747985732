// A stand-in for the `vscode` module, enough for the bundled extension and vscode-languageclient to
// activate and talk to the real server under node. Real behaviour where the test looks (commands, status
// bar, configuration, document events, provider registration); an inert recording proxy elsewhere.
import * as path from "path";
import { pathToFileURL, fileURLToPath } from "url";

/** Any property, call or construction gives another inert value; `then` stays undefined (not a promise). */
function inert(name: string): unknown {
  const cache = new Map<PropertyKey, unknown>();
  const target = function () {};
  return new Proxy(target, {
    get: (_t, key) => {
      if (key === "then" || key === Symbol.iterator || key === Symbol.toPrimitive) {
        return undefined;
      }
      if (key === "prototype") {
        return Object.prototype;
      }
      if (!cache.has(key)) {
        cache.set(key, inert(`${name}.${String(key)}`));
      }
      return cache.get(key);
    },
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`) as object,
  });
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
    private readonly text: string,
  ) {}
  static file(file: string): Uri {
    return new Uri("file", path.resolve(file), pathToFileURL(path.resolve(file)).toString());
  }
  static parse(value: string): Uri {
    return value.startsWith("file:") ? Uri.file(fileURLToPath(value)) : new Uri(value.split(":")[0], "", value);
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return this.text;
  }
  with(): Uri {
    return this;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, path: this.fsPath };
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === "number" ? new Position(a, b as number) : a;
    this.end = typeof a === "number" ? new Position(c!, d!) : (b as Position);
  }
}

export class Disposable {
  constructor(private readonly callback: () => void = () => {}) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item?.dispose?.()));
  }
  dispose(): void {
    this.callback();
  }
}

export class EventEmitter<T> {
  private listeners: ((value: T) => void)[] = [];
  event = (listener: (value: T) => void) => {
    this.listeners.push(listener);
    return new Disposable(() => (this.listeners = this.listeners.filter((l) => l !== listener)));
  };
  fire(value: T): void {
    this.listeners.forEach((listener) => listener(value));
  }
  dispose(): void {
    this.listeners = [];
  }
}

export class InlineCompletionItem {
  constructor(readonly insertText: string | { value: string }, readonly range?: Range, readonly command?: unknown) {}
}
export class InlineCompletionList {
  constructor(readonly items: InlineCompletionItem[]) {}
}
export class SnippetString {
  constructor(readonly value: string) {}
}
export class ThemeColor {
  constructor(readonly id: string) {}
}
export class CancellationTokenSource {
  token = { isCancellationRequested: false, onCancellationRequested: () => new Disposable() };
  cancel(): void {}
  dispose(): void {}
}

export interface FakeDocument {
  uri: Uri;
  languageId: string;
  version: number;
  getText(): string;
}

export function createFakeVscode(options: { workspace: string; settings: Record<string, unknown> }) {
  const commands = new Map<string, (...args: unknown[]) => unknown>();
  const messages: { kind: string; text: string }[] = [];
  const statusItems: { text: string; tooltip?: string; history: string[] }[] = [];
  const inlineProviders: { provideInlineCompletionItems: (...args: unknown[]) => unknown }[] = [];
  const logLines: string[] = [];
  const opened = new EventEmitter<FakeDocument>();
  const folder = { uri: Uri.file(options.workspace), name: path.basename(options.workspace), index: 0 };
  const textDocuments: FakeDocument[] = [];
  const log = (level: string) => (message: string) => logLines.push(`${level} ${message}`);
  const outputChannel = {
    name: "Apiary", logLevel: 2, onDidChangeLogLevel: () => new Disposable(),
    info: log("info"), warn: log("warn"), error: log("error"), debug: log("debug"), trace: log("trace"),
    append: log(""), appendLine: log(""), replace: log(""), clear: () => {}, show: () => {}, hide: () => {}, dispose: () => {},
  };
  const message = (kind: string) => async (text: string) => {
    messages.push({ kind, text });
    return undefined;
  };
  const fallback = inert("vscode") as Record<string, unknown>;
  const api = {
    Uri, Position, Range, Disposable, EventEmitter, InlineCompletionItem, InlineCompletionList, SnippetString,
    ThemeColor, CancellationTokenSource,
    version: "1.91.0",
    StatusBarAlignment: { Left: 1, Right: 2 },
    InlineCompletionTriggerKind: { Invoke: 0, Automatic: 1 },
    env: { appName: "fake-vscode", language: "en", machineId: "test", clipboard: { writeText: async () => {} } },
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        if (commands.has(id)) {
          throw new Error(`command '${id}' already exists`);
        }
        commands.set(id, handler);
        return new Disposable(() => commands.delete(id));
      },
      executeCommand: async (id: string, ...args: unknown[]) => commands.get(id)?.(...args),
      getCommands: async () => [...commands.keys()],
    },
    window: {
      createOutputChannel: () => outputChannel,
      createStatusBarItem: () => {
        const history: string[] = [];
        let text = "";
        const item = {
          history, tooltip: undefined, show: () => {}, hide: () => {}, dispose: () => {},
          get text() { return text; },
          set text(value: string) { text = value; history.push(value); },
        };
        statusItems.push(item);
        return item;
      },
      showErrorMessage: message("error"),
      showWarningMessage: message("warning"),
      showInformationMessage: message("info"),
      activeTextEditor: undefined,
      visibleTextEditors: [],
      onDidChangeActiveTextEditor: () => new Disposable(),
      onDidChangeVisibleTextEditors: () => new Disposable(),
      withProgress: async (_options: unknown, task: (...args: unknown[]) => unknown) =>
        task({ report: () => {} }, new CancellationTokenSource().token),
    },
    workspace: {
      workspaceFolders: [folder],
      textDocuments,
      notebookDocuments: [],
      getWorkspaceFolder: () => folder,
      getConfiguration: (section?: string) => ({
        get: <T>(key: string, defaultValue?: T) => {
          const full = section ? `${section}.${key}` : key;
          return (full in options.settings ? options.settings[full] : defaultValue) as T;
        },
        has: (key: string) => `${section}.${key}` in options.settings,
        inspect: () => undefined,
        update: async () => {},
      }),
      onDidOpenTextDocument: opened.event,
      onDidChangeTextDocument: () => new Disposable(),
      onDidCloseTextDocument: () => new Disposable(),
      onDidSaveTextDocument: () => new Disposable(),
      onWillSaveTextDocument: () => new Disposable(),
      onDidChangeConfiguration: () => new Disposable(),
      onDidChangeWorkspaceFolders: () => new Disposable(),
      onDidCreateFiles: () => new Disposable(),
      onDidRenameFiles: () => new Disposable(),
      onDidDeleteFiles: () => new Disposable(),
      onWillCreateFiles: () => new Disposable(),
      onWillRenameFiles: () => new Disposable(),
      onWillDeleteFiles: () => new Disposable(),
      onDidOpenNotebookDocument: () => new Disposable(),
      onDidChangeNotebookDocument: () => new Disposable(),
      onDidSaveNotebookDocument: () => new Disposable(),
      onDidCloseNotebookDocument: () => new Disposable(),
      registerTextDocumentContentProvider: () => new Disposable(),
      createFileSystemWatcher: () => fallback.workspace,
    },
    extensions: { getExtension: () => undefined, all: [] },
    languages: {
      match: (selector: { language?: string; scheme?: string }[], document: FakeDocument) =>
        selector.some((filter) => filter.language === document.languageId && (!filter.scheme || filter.scheme === document.uri.scheme)) ? 10 : 0,
      registerInlineCompletionItemProvider: (_selector: unknown, provider: (typeof inlineProviders)[number]) => {
        inlineProviders.push(provider);
        return new Disposable();
      },
      createDiagnosticCollection: () => ({ set: () => {}, delete: () => {}, clear: () => {}, dispose: () => {} }),
    },
  };
  const vscode = new Proxy(api as Record<string, unknown>, {
    get: (target, key) => {
      const value = target[key as string];
      if (value !== undefined || typeof key === "symbol") {
        return value;
      }
      return fallback[key as string];
    },
  });
  for (const area of ["window", "workspace", "languages", "commands", "env"] as const) {
    api[area] = new Proxy(api[area] as Record<string, unknown>, {
      get: (target, key) => (key in target ? target[key as string] : (fallback[area] as Record<string, unknown>)[key as string]),
    }) as never;
  }
  const open = (file: string, text: string): FakeDocument => {
    const document = { uri: Uri.file(file), languageId: "python", version: 1, getText: () => text };
    textDocuments.push(document);
    opened.fire(document);
    return document;
  };
  return { vscode, commands, messages, statusItems, inlineProviders, logLines, open };
}
