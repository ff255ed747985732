import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  configFromObject,
  DEFAULT_SETTINGS,
  expandPath,
  readSettings,
  SETTING_KEYS,
  toServerSettings,
} from "../../src/common/settings";

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8"));
const properties: Record<string, { default: unknown }> = manifest.contributes.configuration.properties;

describe("settings -> server options", () => {
  it("every server setting of the contract is a contributed setting with the same default", () => {
    assert.deepStrictEqual(SETTING_KEYS.sort(), [
      "apiReranker", "autoDiscover", "device", "encoder", "endpoint", "generator", "inlineCompletion", "libraries",
      "maxLatencyMs", "model", "python", "reranker", "sketcher", "topApis",
    ]);
    for (const key of SETTING_KEYS) {
      const contributed = properties[`apiary.${key}`];
      assert.ok(contributed, `apiary.${key} is not in contributes.configuration`);
      assert.deepStrictEqual(contributed.default ?? null, DEFAULT_SETTINGS[key], `default of apiary.${key}`);
    }
  });

  it("unset settings give the contract's defaults", () => {
    const warnings: string[] = [];
    assert.deepStrictEqual(readSettings(configFromObject({}), (m) => warnings.push(m)), DEFAULT_SETTINGS);
    assert.deepStrictEqual(warnings, []);
  });

  it("valid values pass through, strings trimmed and empty ones unset", () => {
    const settings = readSettings(configFromObject({
      libraries: [" honeycomb ", "", "/src/lib"], generator: "cert", device: "cuda", topApis: 4,
      maxLatencyMs: 900, model: "  ", endpoint: "http://localhost:8000/v1", inlineCompletion: false, autoDiscover: false,
    }));
    assert.deepStrictEqual(settings.libraries, ["honeycomb", "/src/lib"]);
    assert.strictEqual(settings.generator, "cert");
    assert.strictEqual(settings.device, "cuda");
    assert.strictEqual(settings.topApis, 4);
    assert.strictEqual(settings.maxLatencyMs, 900);
    assert.strictEqual(settings.model, null);
    assert.strictEqual(settings.endpoint, "http://localhost:8000/v1");
    assert.strictEqual(settings.inlineCompletion, false);
    assert.strictEqual(settings.autoDiscover, false);
  });

  it("an invalid value falls back to its default with a warning naming the setting", () => {
    const warnings: string[] = [];
    const settings = readSettings(
      configFromObject({ generator: "gpt", topApis: 2.5, libraries: "honeycomb", endpoint: "localhost:8000", device: "tpu", python: 3 }),
      (m) => warnings.push(m),
    );
    assert.strictEqual(settings.generator, "default");
    assert.strictEqual(settings.topApis, 2);
    assert.deepStrictEqual(settings.libraries, []);
    assert.strictEqual(settings.endpoint, null);
    assert.strictEqual(settings.device, "auto");
    assert.strictEqual(settings.python, null);
    assert.strictEqual(warnings.length, 6);
    for (const key of ["generator", "topApis", "libraries", "endpoint", "device", "python"]) {
      assert.ok(warnings.some((w) => w.startsWith(`apiary.${key}:`)), `no warning for ${key}: ${warnings}`);
    }
  });

  it("library paths are expanded but module names reach the server untouched", () => {
    const settings = readSettings(configFromObject({
      libraries: ["honeycomb", "pkg.sub", "libs/mine", "${workspaceFolder}/docs", "~/api.jsonl", "wheels/x-1.0-py3-none-any.whl"],
    }));
    const server = toServerSettings(settings, { workspaceFolder: "/ws", home: "/home/me" });
    assert.deepStrictEqual(server.libraries, [
      "honeycomb", "pkg.sub", "/ws/libs/mine", "/ws/docs", "/home/me/api.jsonl", "/ws/wheels/x-1.0-py3-none-any.whl",
    ]);
  });

  it("a hub model id and an endpoint URL stay as they are; local model folders are expanded", () => {
    const hub = toServerSettings(readSettings(configFromObject({ model: "bigcode/tiny_starcoder_py", sketcher: "http://h:1/v1" })), { workspaceFolder: "/ws" });
    assert.strictEqual(hub.model, "bigcode/tiny_starcoder_py");
    assert.strictEqual(hub.sketcher, "http://h:1/v1");
    const local = toServerSettings(readSettings(configFromObject({ model: "./models/coder", encoder: "~/enc", apiReranker: "models/ce" })), { workspaceFolder: "/ws", home: "/h" });
    assert.strictEqual(local.model, "/ws/models/coder");
    assert.strictEqual(local.encoder, "/h/enc");
    assert.strictEqual(local.apiReranker, "/ws/models/ce");
    for (const name of ["hashing", "default", "all-MiniLM-L6-v2"]) {
      assert.strictEqual(toServerSettings(readSettings(configFromObject({ encoder: name })), { workspaceFolder: "/ws" }).encoder, name);
    }
  });

  it("the server searches the Python extension's interpreter first, then apiary.python, else its own", () => {
    const configured = readSettings(configFromObject({ python: "/opt/apiary/bin/python" }));
    assert.strictEqual(toServerSettings(configured, { projectInterpreter: "/ws/.venv/bin/python" }).python, "/ws/.venv/bin/python");
    assert.strictEqual(toServerSettings(configured, {}).python, "/opt/apiary/bin/python");
    assert.strictEqual(toServerSettings(readSettings(configFromObject({})), {}).python, null);
  });

  it("the server settings object has exactly the contract's keys", () => {
    const server = toServerSettings(readSettings(configFromObject({ libraries: ["x"] })), { workspaceFolder: "/ws" });
    assert.deepStrictEqual(Object.keys(server).sort(), [...SETTING_KEYS].sort());
    assert.doesNotThrow(() => JSON.stringify(server));
  });

  it("expandPath leaves absolute paths alone and does not invent a folder without a workspace", () => {
    assert.strictEqual(expandPath("/abs/p", { workspaceFolder: "/ws" }), "/abs/p");
    assert.strictEqual(expandPath("rel/p", {}), "rel/p");
    assert.strictEqual(expandPath("${userHome}/x", { home: "/h" }), "/h/x");
  });
});
