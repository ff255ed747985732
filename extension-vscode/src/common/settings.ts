// The extension's `apiary.*` settings and the flat settings object the server receives (the contract's
// camelCase keys) as initializationOptions, on workspace/configuration and on didChangeConfiguration.
// No `vscode` import: the unit tests run this module under plain node.
import * as os from "os";
import * as path from "path";

export const GENERATORS = ["default", "apicoder", "cert"] as const;
export const DEVICES = ["auto", "cpu", "cuda"] as const;
export type Generator = (typeof GENERATORS)[number];
export type Device = (typeof DEVICES)[number];

/** Exactly the server's settings object (contract: "Settings"). */
export interface ServerSettings {
  libraries: string[];
  python: string | null;
  generator: Generator;
  model: string | null;
  endpoint: string | null;
  sketcher: string | null;
  device: Device;
  topApis: number;
  maxLatencyMs: number;
  encoder: string | null;
  reranker: string | null;
  apiReranker: string | null;
  inlineCompletion: boolean;
  autoDiscover: boolean;
}

export const DEFAULT_SETTINGS: Readonly<ServerSettings> = Object.freeze({
  libraries: [],
  python: null,
  generator: "default",
  model: null,
  endpoint: null,
  sketcher: null,
  device: "auto",
  topApis: 2,
  maxLatencyMs: 500,
  encoder: null,
  reranker: null,
  apiReranker: null,
  inlineCompletion: true,
  autoDiscover: true,
});

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof ServerSettings)[];

/** What `vscode.workspace.getConfiguration("apiary")` offers, so tests can pass a plain object. */
export interface ConfigReader {
  get<T>(key: string): T | undefined;
}

export function configFromObject(values: Record<string, unknown>): ConfigReader {
  return { get: <T>(key: string) => values[key] as T | undefined };
}

/** Where the settings are used: for path expansion and for the interpreter the server searches. */
export interface SettingsContext {
  workspaceFolder?: string;
  /** The interpreter selected in the Python extension, when there is one. */
  projectInterpreter?: string;
  home?: string;
}

/**
 * Reads and checks every setting; a bad value is reported through `warn` and replaced by its default, so
 * one typo never stops completion (the server applies the same rule to its other sources).
 */
export function readSettings(config: ConfigReader, warn: (message: string) => void = () => {}): ServerSettings {
  const settings: ServerSettings = { ...DEFAULT_SETTINGS, libraries: [] };
  const checked = <K extends keyof ServerSettings>(key: K, check: (value: unknown) => ServerSettings[K] | undefined) => {
    const value = config.get<unknown>(key);
    if (value === undefined || value === null || value === "") {
      return;
    }
    const result = check(value);
    if (result === undefined) {
      warn(`apiary.${key}: ${JSON.stringify(value)} is not valid; using ${JSON.stringify(DEFAULT_SETTINGS[key])}.`);
    } else {
      settings[key] = result;
    }
  };
  checked("libraries", stringList);
  for (const key of ["python", "model", "sketcher", "encoder", "reranker", "apiReranker"] as const) {
    checked(key, (value) => (typeof value === "string" ? value.trim() || undefined : undefined));
  }
  checked("endpoint", (value) => (typeof value === "string" && /^https?:\/\/\S+$/.test(value.trim()) ? value.trim() : undefined));
  checked("generator", (value) => oneOf(GENERATORS, value));
  checked("device", (value) => oneOf(DEVICES, value));
  checked("topApis", (value) => integerIn(value, 0, 10));
  checked("maxLatencyMs", (value) => integerIn(value, 50, 600_000));
  checked("inlineCompletion", (value) => (typeof value === "boolean" ? value : undefined));
  checked("autoDiscover", (value) => (typeof value === "boolean" ? value : undefined));
  return settings;
}

/** Encoders the server knows by name (the bundled one, and the hashing encoder of tests): never paths. */
const ENCODER_NAMES = ["default", "all-MiniLM-L6-v2", "hashing"];

/**
 * The object sent to the server: paths expanded (`~`, `${workspaceFolder}`, `${userHome}`, relative paths
 * against the workspace folder), and `python` set to the interpreter whose site-packages hold the project's
 * libraries: the Python extension's selection first, since that is the project's environment, else the
 * interpreter configured in `apiary.python`, else null (the server's own).
 */
export function toServerSettings(settings: ServerSettings, context: SettingsContext = {}): ServerSettings {
  const expand = (value: string | null) => (value === null ? null : expandPath(value, context));
  return {
    ...settings,
    libraries: settings.libraries.map((entry) => expandLibrary(entry, context)),
    python: context.projectInterpreter ?? expand(settings.python),
    model: expandModel(settings.model, context),
    sketcher: settings.sketcher && isUrl(settings.sketcher) ? settings.sketcher : expandModel(settings.sketcher, context),
    encoder: settings.encoder !== null && ENCODER_NAMES.includes(settings.encoder) ? settings.encoder : expand(settings.encoder),
    reranker: expand(settings.reranker),
    apiReranker: expand(settings.apiReranker),
  };
}

/** `${workspaceFolder}`, `${userHome}` and a leading `~`; a relative path is taken from the workspace folder. */
export function expandPath(value: string, context: SettingsContext): string {
  const home = context.home ?? os.homedir();
  let result = value.replace(/\$\{userHome\}/g, home);
  if (context.workspaceFolder !== undefined) {
    result = result.replace(/\$\{workspaceFolder\}/g, context.workspaceFolder);
  }
  if (result === "~" || result.startsWith("~/") || result.startsWith("~\\")) {
    result = path.join(home, result.slice(1));
  }
  if (!path.isAbsolute(result) && context.workspaceFolder !== undefined) {
    result = path.resolve(context.workspaceFolder, result);
  }
  return result;
}

/** A library entry may be a module name (`honeycomb`, `pkg.sub`), which must reach the server untouched. */
function expandLibrary(entry: string, context: SettingsContext): string {
  return looksLikeModuleName(entry) ? entry : expandPath(entry, context);
}

/** A model is a local folder or a hub id (`org/name`); only the former is a path. */
function expandModel(value: string | null, context: SettingsContext): string | null {
  if (value === null) {
    return null;
  }
  const isHubId = /^[\w.-]+\/[\w.-]+$/.test(value) && !value.startsWith(".");
  return isHubId ? value : expandPath(value, context);
}

export function looksLikeModuleName(entry: string): boolean {
  return /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$/.test(entry) && !/\.(py|pyi|whl|jsonl)$/.test(entry);
}

function isUrl(value: string): boolean {
  return /^https?:\/\//.test(value);
}

function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    return undefined;
  }
  return value.map((item: string) => item.trim()).filter((item) => item.length > 0);
}

function oneOf<T extends string>(choices: readonly T[], value: unknown): T | undefined {
  return choices.find((choice) => choice === value);
}

function integerIn(value: unknown, min: number, max: number): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max ? value : undefined;
}
