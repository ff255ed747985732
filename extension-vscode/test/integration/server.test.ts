// Launches the real Python server with the exact command and settings the extension builds (the same
// functions from src/common) and talks LSP to it over stdio, as vscode-languageclient would.
// The interpreter is $APIARY_TEST_PYTHON, else the repository's .venv. Needs the real encoder (offline).
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import {
  CodeActionRequest,
  CompletionList,
  CompletionRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  InitializeResult,
  InlineCompletionList,
  InlineCompletionRequest,
  InlineCompletionTriggerKind,
  ProtocolConnection,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  type ApplyWorkspaceEditParams,
  type ClientCapabilities,
  type Command,
  type CodeAction,
} from "vscode-languageserver-protocol/node";
import { chooseApis, needsClientPick } from "../../src/common/chooseApis";
import { interpreterProblem, probeInterpreter, resolveInterpreter } from "../../src/common/python";
import { buildServerLaunch, ServerCommands, STATUS_NOTIFICATION } from "../../src/common/server";
import { configFromObject, readSettings, ServerSettings, toServerSettings } from "../../src/common/settings";
import { isServerStatus, ProgressValue, ServerStatus } from "../../src/common/status";

const REPO = path.resolve(__dirname, "..", "..", "..", "..");
const WORKSPACE = path.join(REPO, "examples", "workspace");
const REPORT = path.join(WORKSPACE, "new_report.py");
const REPORT_URI = pathToFileURL(REPORT).toString();

// What vscode-languageclient 10 announces for the features Apiary uses.
const CAPABILITIES: ClientCapabilities = {
  workspace: { configuration: true, applyEdit: true, didChangeConfiguration: { dynamicRegistration: true }, executeCommand: { dynamicRegistration: true } },
  window: { workDoneProgress: true, showMessage: { messageActionItem: { additionalPropertiesSupport: true } } },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true },
    completion: { dynamicRegistration: true, completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"] } },
    inlineCompletion: { dynamicRegistration: true },
    codeAction: { dynamicRegistration: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "refactor"] } } },
  },
};

interface Session {
  server: ChildProcess;
  connection: ProtocolConnection;
  settings: ServerSettings;
  initialize: InitializeResult;
  statuses: ServerStatus[];
  progress: ProgressValue[];
  edits: ApplyWorkspaceEditParams[];
  configurationAsked: number;
  stderr: string[];
}

async function launch(tmp: string): Promise<Session> {
  // The extension's path from settings to process: apiary.python -> probe -> launch; settings -> server object.
  const configured = process.env.APIARY_TEST_PYTHON ?? path.join(REPO, ".venv", "bin", "python");
  const interpreter = await resolveInterpreter({ configured, pythonExtension: async () => undefined });
  const problem = interpreterProblem(interpreter, await probeInterpreter(interpreter.path));
  assert.strictEqual(problem, undefined, problem);
  const settings = toServerSettings(
    readSettings(configFromObject({ libraries: ["${workspaceFolder}/../library"] })),
    { workspaceFolder: WORKSPACE },
  );
  const isolated = { APIARY_CACHE_DIR: path.join(tmp, "cache"), APIARY_CONFIG_DIR: path.join(tmp, "config"), HF_HUB_OFFLINE: "1" };
  const spec = buildServerLaunch(interpreter.path, { cwd: WORKSPACE, env: { ...process.env, ...isolated } });
  const server = spawn(spec.command, spec.args, { cwd: spec.options.cwd, env: spec.options.env, stdio: "pipe" });
  const stderr: string[] = [];
  server.stderr!.on("data", (chunk) => stderr.push(String(chunk)));
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  const session = { server, connection, settings, statuses: [], progress: [], edits: [], configurationAsked: 0, stderr } as unknown as Session;
  answerServerRequests(session);
  connection.listen();
  session.initialize = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(WORKSPACE).toString(),
    workspaceFolders: [{ uri: pathToFileURL(WORKSPACE).toString(), name: "workspace" }],
    capabilities: CAPABILITIES,
    initializationOptions: settings,
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return session;
}

function answerServerRequests(session: Session): void {
  const { connection } = session;
  connection.onRequest("workspace/configuration", (params: { items: { section?: string }[] }) => {
    session.configurationAsked += 1;
    return params.items.map((item) => (item.section === "apiary" ? session.settings : null));
  });
  connection.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
    connection.onProgress(WorkDoneProgress.type, token, (value) => {
      session.progress.push(value as ProgressValue);
    });
  });
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("window/showMessageRequest", () => null);
  connection.onRequest("workspace/applyEdit", (params: ApplyWorkspaceEditParams) => {
    session.edits.push(params);
    return { applied: true };
  });
  connection.onNotification(STATUS_NOTIFICATION, (status: unknown) => {
    assert.ok(isServerStatus(status), `apiary/status does not match the contract: ${JSON.stringify(status)}`);
    session.statuses.push(status);
  });
  connection.onNotification("window/logMessage", () => {});
  connection.onNotification("window/showMessage", () => {});
}

function execute(session: Session, command: string, args: unknown[] = []): Promise<unknown> {
  return session.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
}

async function waitReady(session: Session, timeoutMs: number): Promise<ServerStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await execute(session, ServerCommands.status);
    assert.ok(isServerStatus(status), `apiary.status does not match the contract: ${JSON.stringify(status)}`);
    if (status.ready || Date.now() > deadline) {
      return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function endOf(text: string): { line: number; character: number } {
  const lines = text.split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

describe("the real server, launched as the extension launches it", function () {
  let tmp: string;
  let session: Session;
  const text = fs.readFileSync(REPORT, "utf8");

  before(async function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "apiary-ext-"));
    session = await launch(tmp);
    session.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: REPORT_URI, languageId: "python", version: 1, text },
    });
  });

  after(async function () {
    if (!session) {
      return;
    }
    const exited = new Promise<number | null>((resolve) => session.server.once("exit", (code) => resolve(code)));
    try {
      await session.connection.sendRequest(ShutdownRequest.type);
      await session.connection.sendNotification(ExitNotification.type);
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("timeout"), 10_000))]);
      assert.strictEqual(code, 0, `the server did not exit cleanly: ${code}\n${session.stderr.join("").slice(-2000)}`);
    } finally {
      session.connection.dispose();
      session.server.kill();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("advertises what the extension relies on", () => {
    const caps = session.initialize.capabilities;
    assert.ok(caps.inlineCompletionProvider, "no inlineCompletionProvider");
    assert.ok(caps.completionProvider, "no completionProvider");
    assert.ok(caps.codeActionProvider, "no codeActionProvider");
    const commands = caps.executeCommandProvider?.commands ?? [];
    for (const command of Object.values(ServerCommands)) {
      assert.ok(commands.includes(command), `${command} is not in executeCommandProvider`);
    }
  });

  it("indexes the library from initializationOptions and reports it ready, with progress", async () => {
    const status = await waitReady(session, 240_000);
    assert.strictEqual(status.ready, true, `not ready: ${JSON.stringify(status)}\n${session.stderr.join("").slice(-2000)}`);
    // The generator in use: the server names the "default" setting's generator by what it is ("offline").
    assert.ok(status.generator.length > 0, "no generator in the status");
    const honeycomb = status.libraries.find((library) => library.name === "honeycomb");
    assert.ok(honeycomb, `honeycomb not indexed: ${JSON.stringify(status)}`);
    assert.ok(honeycomb.ready && honeycomb.apis >= 50, `honeycomb: ${JSON.stringify(honeycomb)}`);
    // The status bar follows the notification: it must announce readiness too, not only answer apiary.status.
    const deadline = Date.now() + 10_000;
    while (!session.statuses.some((s) => s.ready) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(session.statuses.some((s) => s.ready), `no apiary/status with ready: true among ${JSON.stringify(session.statuses)}`);
    const kinds = session.progress.map((value) => value.kind);
    assert.ok(kinds.includes("begin") && kinds.includes("end"), `$/progress seen: ${JSON.stringify(kinds)}`);
  });

  it("completes a honeycomb Table method after a dot", async () => {
    const edited = text + "orders = orders.";
    session.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: REPORT_URI, version: 2 },
      contentChanges: [{ text: edited }],
    });
    const result = (await session.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: REPORT_URI },
      position: endOf(edited),
    })) as CompletionList;
    const labels = result.items.map((item) => item.label);
    assert.ok(labels.includes("keep_where"), `no keep_where among ${labels.slice(0, 10)}`);
    session.connection.sendNotification("textDocument/didChange", {
      textDocument: { uri: REPORT_URI, version: 3 },
      contentChanges: [{ text }],
    });
  });

  it("answers an inline completion under the comment with code and the apiary.accepted command", async () => {
    const position = endOf(text.endsWith("\n") ? text : text + "\n");
    const result = (await session.connection.sendRequest(InlineCompletionRequest.type, {
      textDocument: { uri: REPORT_URI },
      position,
      context: { triggerKind: InlineCompletionTriggerKind.Invoked },
    })) as InlineCompletionList;
    assert.ok(result.items.length > 0, "no inline completion");
    const [item] = result.items;
    const insert = typeof item.insertText === "string" ? item.insertText : item.insertText.value;
    assert.match(insert, /keep_where/, `inline completion: ${insert}`);
    assert.strictEqual(item.command?.command, ServerCommands.accepted);
    const id = item.command!.arguments![0];
    const explained = (await execute(session, ServerCommands.explain, [id])) as { id: string; apis: { id: string }[] };
    assert.ok(explained.apis.some((api) => api.id.endsWith("keep_where")), JSON.stringify(explained.apis));
    await execute(session, ServerCommands.accepted, [id]);
  });

  it("offers Choose APIs as a code action the extension intercepts, and applies the chosen code", async () => {
    const comment = text.split("\n").findIndex((line) => line.startsWith("# keep only the orders"));
    const actions = (await session.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: REPORT_URI },
      range: { start: { line: comment, character: 0 }, end: { line: comment, character: 0 } },
      context: { diagnostics: [] },
    })) as (CodeAction | Command)[];
    const choose = actions.map((a) => ("command" in a && typeof a.command === "object" ? a.command : a) as Command)
      .find((command) => command.command === ServerCommands.chooseApis);
    assert.ok(choose, `no chooseApis code action: ${JSON.stringify(actions)}`);
    assert.strictEqual(needsClientPick(choose.arguments), true, "the middleware would not intercept this call");

    // The middleware's path: listApis, the QuickPick (here: tick the first API), chooseApis with its id.
    let offered: string[] = [];
    const result = await chooseApis(choose.arguments![0], {
      execute: (command, args) => execute(session, command, args),
      pick: async (items) => {
        offered = items.map((item) => item.label);
        return [items[0]];
      },
    });
    assert.ok(offered.length >= 2 && offered.length <= 6, `QuickPick rows: ${offered}`);
    assert.strictEqual(offered[offered.length - 1], "None of the above");
    assert.ok(result?.applied, `not applied: ${JSON.stringify(result)}`);
    const edit = session.edits.at(-1)!;
    const changes = edit.edit.changes?.[REPORT_URI] ?? [];
    assert.strictEqual(changes.length, 1);
    assert.strictEqual(changes[0].range.start.line, comment, "the code goes right after the comment line");
    assert.ok(changes[0].newText.includes(result!.text.split("\n")[0]));
  });

  it("applies a settings change sent with didChangeConfiguration, without restarting", async () => {
    const inline = async () => {
      const position = endOf(text.endsWith("\n") ? text : text + "\n");
      const result = (await session.connection.sendRequest(InlineCompletionRequest.type, {
        textDocument: { uri: REPORT_URI }, position, context: { triggerKind: InlineCompletionTriggerKind.Invoked },
      })) as InlineCompletionList;
      return result.items.length;
    };
    session.settings = { ...session.settings, inlineCompletion: false };
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { apiary: session.settings } });
    await waitReady(session, 60_000);
    assert.strictEqual(await inline(), 0, "inlineCompletion: false did not take effect");
    session.settings = { ...session.settings, inlineCompletion: true };
    await session.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { apiary: session.settings } });
    await waitReady(session, 60_000);
    assert.ok((await inline()) > 0, "inlineCompletion: true did not take effect again");
    assert.strictEqual(session.server.exitCode, null);
  });
});
