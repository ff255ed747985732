// Apiary for VS Code: starts `<python> -m apiary serve --stdio` and wires its features into the editor.
import * as vscode from "vscode";
import { describeError } from "./common/log";
import { ServerCommands } from "./common/server";
import { ServerController } from "./controller";
import { onInterpreterChanged } from "./pythonEnv";
import { StatusBar } from "./statusBar";

const Commands = {
  chooseApis: "apiary.chooseApisForComment",
  restart: "apiary.restartServer",
  reindex: "apiary.reindexLibraries",
  showOutput: "apiary.showOutput",
} as const;

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Apiary", { log: true });
  const statusBar = new StatusBar(Commands.showOutput);
  controller = new ServerController(output, statusBar);
  const server = controller;
  context.subscriptions.push(
    output,
    statusBar,
    server,
    vscode.commands.registerCommand(Commands.showOutput, () => output.show()),
    vscode.commands.registerCommand(Commands.restart, () => server.restart()),
    vscode.commands.registerCommand(Commands.reindex, () => reportErrors(server.execute(ServerCommands.reindex))),
    vscode.commands.registerCommand(Commands.chooseApis, () => chooseApisForComment(server)),
    vscode.workspace.onDidChangeConfiguration((event) => server.onConfigurationChanged(event)),
  );
  const interpreterWatch = await onInterpreterChanged(() => server.onInterpreterChanged());
  if (interpreterWatch) {
    context.subscriptions.push(interpreterWatch);
  }
  await server.start();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
}

async function chooseApisForComment(server: ServerController): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "python") {
    vscode.window.showInformationMessage("Put the cursor on a comment in a Python file, then choose APIs for it.");
    return;
  }
  try {
    const result = await server.chooseApisAt(editor.document, editor.selection.active);
    if (result && !result.applied) {
      vscode.window.showWarningMessage("Apiary wrote no code for this comment (see the Apiary output).");
    }
  } catch (error) {
    vscode.window.showErrorMessage(`Apiary: ${describeError(error)}`);
  }
}

async function reportErrors(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    vscode.window.showErrorMessage(`Apiary: ${describeError(error)}`);
  }
}
