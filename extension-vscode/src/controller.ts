// Owns the server's life: find the interpreter, check apiary is installed there, start the client,
// restart it on demand or when the interpreter changes, and keep the status bar and settings in step.
import * as vscode from "vscode";
import { DidChangeConfigurationNotification, ExecuteCommandRequest, LanguageClient, State } from "vscode-languageclient/node";
import { createClient } from "./client";
import { SettingTraceChannel } from "./traceChannel";
import { chooseApis, ChooseApisResult, Target } from "./common/chooseApis";
import { describeError } from "./common/log";
import { installCommand, Interpreter, interpreterProblem, probeInterpreter, resolveInterpreter } from "./common/python";
import { RestartPolicy } from "./common/restart";
import { buildServerLaunch, ServerCommands, STATUS_NOTIFICATION } from "./common/server";
import { expandPath, readSettings, ServerSettings, toServerSettings } from "./common/settings";
import { hasPythonExtension, selectedInterpreter } from "./pythonEnv";
import { pickApis } from "./quickPick";
import { StatusBar } from "./statusBar";

export class ServerController implements vscode.Disposable {
  private client?: LanguageClient;
  private projectInterpreter?: string;
  private readonly restarts = new RestartPolicy();
  private readonly shownWarnings = new Set<string>();
  private lifecycle: Promise<void> = Promise.resolve();
  private readonly trace: SettingTraceChannel;

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly statusBar: StatusBar,
  ) {
    this.trace = new SettingTraceChannel(output);
  }

  /** Start, stop and restart are queued so two quick restarts never race each other. */
  start(): Promise<void> {
    return this.queue(() => this.doStart());
  }

  restart(): Promise<void> {
    return this.queue(async () => {
      this.restarts.reset();
      await this.doStop();
      await this.doStart();
    });
  }

  stop(): Promise<void> {
    return this.queue(() => this.doStop());
  }

  /** Settings changed: a new interpreter needs a new process; anything else is sent to the running server. */
  onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    if (event.affectsConfiguration("apiary.python")) {
      this.restart();
    } else if (event.affectsConfiguration("apiary") && this.client?.isRunning()) {
      this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { apiary: this.serverSettings() } });
    }
  }

  /** The Python extension selected another interpreter: it matters when it runs the server or holds the libraries. */
  onInterpreterChanged(): void {
    this.restart();
  }

  async execute(command: string, args: unknown[] = []): Promise<unknown> {
    if (!this.client?.isRunning()) {
      throw new Error("The Apiary server is not running (see the Apiary output).");
    }
    return this.client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  }

  async chooseApisAt(document: vscode.TextDocument, position: vscode.Position): Promise<ChooseApisResult | undefined> {
    if (!this.client?.isRunning()) {
      throw new Error("The Apiary server is not running (see the Apiary output).");
    }
    const target: Target = {
      uri: this.client.code2ProtocolConverter.asUri(document.uri),
      position: { line: position.line, character: position.character },
    };
    return chooseApis(target, { execute: (command, args) => this.execute(command, args), pick: pickApis });
  }

  serverSettings(scopeUri?: string): ServerSettings {
    const scope = scopeUri ? vscode.Uri.parse(scopeUri) : workspaceFolder()?.uri;
    const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? workspaceFolder();
    const settings = readSettings(vscode.workspace.getConfiguration("apiary", scope), (message) => this.warnOnce(message));
    return toServerSettings(settings, { workspaceFolder: folder?.uri.fsPath, projectInterpreter: this.projectInterpreter });
  }

  private async doStart(): Promise<void> {
    this.statusBar.setState("starting");
    const folder = workspaceFolder();
    const configured = readSettings(vscode.workspace.getConfiguration("apiary", folder?.uri)).python;
    this.projectInterpreter = await selectedInterpreter(folder?.uri).catch(() => undefined);
    let interpreter: Interpreter;
    try {
      interpreter = await resolveInterpreter({
        configured: configured && expandPath(configured, { workspaceFolder: folder?.uri.fsPath }),
        pythonExtension: async () => this.projectInterpreter,
      });
    } catch (error) {
      return this.fail(describeError(error));
    }
    const probe = await probeInterpreter(interpreter.path);
    const problem = interpreterProblem(interpreter, probe);
    if (problem) {
      return this.fail(problem, probe.ran && probe.apiary === false ? interpreter : undefined);
    }
    const launch = buildServerLaunch(interpreter.path, { cwd: folder?.uri.fsPath });
    this.output.info(`Starting the server: ${launch.command} ${launch.args.join(" ")} (interpreter ${interpreter.source})`);
    const client = createClient(launch, this.output, this.trace, {
      serverSettings: (scopeUri) => this.serverSettings(scopeUri),
      progress: (token, value) => this.statusBar.progress(token, value),
      pick: pickApis,
    }, this.restarts);
    client.onDidChangeState(({ newState }) => {
      this.statusBar.setState(newState === State.Running ? "running" : newState === State.Starting ? "starting" : "stopped");
    });
    client.onNotification(STATUS_NOTIFICATION, (status) => this.statusBar.setStatus(status));
    this.client = client;
    try {
      await client.start();
      this.statusBar.setStatus(await this.execute(ServerCommands.status));
    } catch (error) {
      this.fail(`The Apiary server did not start: ${describeError(error)}`);
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.dispose(5000);
      } catch (error) {
        this.output.warn(`Stopping the server: ${describeError(error)}`);
      }
    }
    this.statusBar.setState("stopped", "The Apiary server is stopped.");
  }

  /** Shows why the server cannot run, with the fixes; `installInto` when apiary is missing from that interpreter. */
  private fail(message: string, installInto?: Interpreter): void {
    this.output.error(message);
    this.statusBar.setState("failed", message);
    const actions = ["Set apiary.python", ...(hasPythonExtension() ? ["Select interpreter"] : []), "Show log"];
    if (installInto) {
      actions.splice(1, 0, "Copy install command");
    }
    vscode.window.showErrorMessage(message, ...actions).then((action) => {
      if (action === "Set apiary.python") {
        vscode.commands.executeCommand("workbench.action.openSettings", "apiary.python");
      } else if (action === "Select interpreter") {
        vscode.commands.executeCommand("python.setInterpreter");
      } else if (action === "Copy install command" && installInto) {
        vscode.env.clipboard.writeText(installCommand(installInto.path));
      } else if (action === "Show log") {
        this.output.show();
      }
    });
  }

  private warnOnce(message: string): void {
    if (!this.shownWarnings.has(message)) {
      this.shownWarnings.add(message);
      this.output.warn(message);
      vscode.window.showWarningMessage(message);
    }
  }

  private queue(step: () => Promise<void>): Promise<void> {
    this.lifecycle = this.lifecycle.then(step, step);
    return this.lifecycle;
  }

  dispose(): void {
    this.trace.dispose();
    this.stop();
  }
}

function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}
