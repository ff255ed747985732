// Runs the bundled extension (dist/extension.js, as packaged in the .vsix) against a stand-in `vscode`
// module: activate() must find the interpreter, start the real server through vscode-languageclient,
// register the commands, show the status, and serve inline completions through the client's provider.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createFakeVscode, Position } from "./fakeVscode";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require("module") as { _load: (request: string, ...rest: unknown[]) => unknown };

const EXTENSION = path.resolve(__dirname, "..", "..", "..");
const REPO = path.resolve(EXTENSION, "..");
const WORKSPACE = path.join(REPO, "examples", "workspace");
const REPORT = path.join(WORKSPACE, "new_report.py");

interface Extension {
  activate(context: { subscriptions: { dispose(): unknown }[] }): Promise<void>;
  deactivate(): Promise<void>;
}

async function until<T>(probe: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("the bundled extension, activated against a stand-in vscode", function () {
  const settings: Record<string, unknown> = {
    "apiary.python": process.env.APIARY_TEST_PYTHON ?? path.join(REPO, ".venv", "bin", "python"),
    "apiary.libraries": ["${workspaceFolder}/../library"],
  };
  const fake = createFakeVscode({ workspace: WORKSPACE, settings });
  const context = { subscriptions: [] as { dispose(): unknown }[] };
  const savedEnv = { ...process.env };
  const originalLoad = Module._load;
  let extension: Extension;
  let tmp: string;

  before(async function () {
    assert.ok(fs.existsSync(path.join(EXTENSION, "dist", "extension.js")), "run `npm run build` first");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "apiary-activate-"));
    Object.assign(process.env, { APIARY_CACHE_DIR: path.join(tmp, "cache"), APIARY_CONFIG_DIR: path.join(tmp, "config"), HF_HUB_OFFLINE: "1" });
    Module._load = function (request: string, ...rest: unknown[]) {
      return request === "vscode" ? fake.vscode : originalLoad.call(this, request, ...rest);
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    extension = require(path.join(EXTENSION, "dist", "extension.js"));
    await extension.activate(context);
  });

  after(async function () {
    await extension?.deactivate();
    Module._load = originalLoad;
    process.env = savedEnv;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("registers its own commands and the server's", () => {
    for (const id of ["apiary.chooseApisForComment", "apiary.restartServer", "apiary.reindexLibraries", "apiary.showOutput"]) {
      assert.ok(fake.commands.has(id), `${id} not registered`);
    }
    for (const id of ["apiary.chooseApis", "apiary.accepted", "apiary.status"]) {
      assert.ok(fake.commands.has(id), `server command ${id} not registered by the client`);
    }
    assert.deepStrictEqual(fake.messages.filter((m) => m.kind === "error"), []);
  });

  it("shows the indexed library in the status bar", async () => {
    const item = fake.statusItems[0];
    const text = await until(() => (/Apiary: \d+ APIs/.test(item.text) ? item.text : undefined), 240_000,
      () => `the status bar (now ${JSON.stringify(item.text)}); log:\n${fake.logLines.slice(-20).join("\n")}`);
    assert.match(text, /^\$\(check\) Apiary: \d+ APIs, 1 library$/);
    assert.match(String(item.tooltip), /honeycomb/);
    // On the way: the indexing progress ($/progress through the client's middleware).
    assert.ok(item.history.some((shown) => shown.startsWith("$(sync~spin) Apiary:")), JSON.stringify(item.history));
  });

  it("serves inline completions through the client's provider, gated by apiary.inlineCompletion", async () => {
    const text = fs.readFileSync(REPORT, "utf8");
    const document = fake.open(REPORT, text);
    const lines = text.split("\n");
    const position = new Position(lines.length - 1, lines[lines.length - 1].length);
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    const inlineContext = { triggerKind: 0, selectedCompletionInfo: undefined };
    assert.strictEqual(fake.inlineProviders.length, 1, "no inline completion provider registered");
    const provider = fake.inlineProviders[0];
    const result = (await provider.provideInlineCompletionItems(document, position, inlineContext, token)) as {
      items: { insertText: string; command?: { command: string } }[];
    };
    assert.ok(result.items.length > 0, "no inline completion");
    assert.match(result.items[0].insertText, /keep_where/);
    assert.strictEqual(result.items[0].command?.command, "apiary.accepted");

    settings["apiary.inlineCompletion"] = false;
    assert.strictEqual(await provider.provideInlineCompletionItems(document, position, inlineContext, token), undefined);
    settings["apiary.inlineCompletion"] = true;
  });
});

describe("the bundled extension, with an interpreter that lacks apiary", function () {
  it("does not start a server and says how to fix it", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "apiary-nopkg-"));
    // A stand-in interpreter: answers the probe like a Python 3.12 without apiary.
    const python = path.join(tmp, "python3");
    fs.writeFileSync(python, `#!/bin/sh\necho '{"version": [3, 12], "apiary": false}'\n`, { mode: 0o755 });
    const fake = createFakeVscode({ workspace: WORKSPACE, settings: { "apiary.python": python } });
    const originalLoad = Module._load;
    const bundle = path.join(EXTENSION, "dist", "extension.js");
    Module._load = function (request: string, ...rest: unknown[]) {
      return request === "vscode" ? fake.vscode : originalLoad.call(this, request, ...rest);
    };
    try {
      delete require.cache[bundle];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const extension: Extension = require(bundle);
      await extension.activate({ subscriptions: [] });
      const errors = fake.messages.filter((m) => m.kind === "error").map((m) => m.text);
      assert.strictEqual(errors.length, 1, JSON.stringify(fake.messages));
      assert.match(errors[0], new RegExp(`not installed in ${python} \\(set in apiary.python\\)`));
      assert.match(errors[0], /-m pip install/);
      assert.match(fake.statusItems[0].text, /\$\(error\) Apiary/);
      assert.strictEqual(fake.inlineProviders.length, 0, "a client was started anyway");
      await extension.deactivate();
    } finally {
      Module._load = originalLoad;
      delete require.cache[bundle];
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
