// The LanguageClient for one server process: its launch, settings plumbing, middleware and crash policy.
// vscode-languageclient 10 registers its InlineCompletionItemFeature by default (LSP 3.18), so inline
// completion needs no provider of our own: the middleware only gates it per language.
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";
import { chooseApis, needsClientPick, PickItem, Target } from "./common/chooseApis";
import { RestartPolicy } from "./common/restart";
import { executableOptions, ServerLaunch, ServerCommands } from "./common/server";
import { ProgressValue } from "./common/status";
import { ServerSettings } from "./common/settings";

export const CLIENT_ID = "apiary";

export const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "python" },
  { scheme: "untitled", language: "python" },
  { scheme: "vscode-notebook-cell", language: "python" },
];

export interface ClientHooks {
  /** The server settings object for a scope (a document or folder URI string), or the workspace. */
  serverSettings(scopeUri?: string): ServerSettings;
  progress(token: string | number, value: ProgressValue): void;
  pick(items: PickItem[], title: string): Promise<PickItem[] | undefined>;
}

export function createClient(
  launch: ServerLaunch,
  output: vscode.LogOutputChannel,
  trace: vscode.LogOutputChannel,
  hooks: ClientHooks,
  restarts: RestartPolicy,
): LanguageClient {
  const serverOptions: ServerOptions = executableOptions(launch);
  // The middleware reaches the server through the client; it only runs once the client exists.
  const execute = (command: string, args: unknown[]) =>
    client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });

  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    traceOutputChannel: trace,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: () => hooks.serverSettings(),
    errorHandler: {
      // A malformed message now and then is survivable; a stream of them means the connection is gone.
      error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
      closed: () => {
        const decision = restarts.onCrash();
        return decision.restart
          ? { action: CloseAction.Restart, handled: true }
          : { action: CloseAction.DoNotRestart, message: decision.message };
      },
    },
    middleware: {
      executeCommand: async (command, args, next) => {
        if (command === ServerCommands.chooseApis && needsClientPick(args)) {
          // The server's code action: show our QuickPick instead of its window/showMessageRequest.
          return chooseApis(args[0] as Target, { execute, pick: hooks.pick });
        }
        return next(command, args);
      },
      provideInlineCompletionItems: (document, position, context, token, next) => {
        const enabled = vscode.workspace.getConfiguration("apiary", document).get<boolean>("inlineCompletion", true);
        return enabled ? next(document, position, context, token) : undefined;
      },
      handleWorkDoneProgress: (token, params, next) => {
        hooks.progress(token, params);
        next(token, params);
      },
      workspace: {
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, index) =>
            item.section === "apiary" ? hooks.serverSettings(item.scopeUri) : answers[index],
          );
        },
      },
    },
  };
  const client = new LanguageClient(CLIENT_ID, "Apiary", serverOptions, clientOptions);
  return client;
}
