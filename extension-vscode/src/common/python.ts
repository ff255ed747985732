// Which Python runs the server: `apiary.python`, else the Python extension's interpreter, else python3 on
// PATH; and whether `apiary` is importable there. No `vscode` import (the caller passes the Python
// extension's answer in), so the unit tests cover the whole decision.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

export type InterpreterSource = "setting" | "python-extension" | "path";

export interface Interpreter {
  path: string;
  source: InterpreterSource;
}

export interface ResolveOptions {
  /** `apiary.python`, already expanded; empty or null when unset. */
  configured?: string | null;
  /** Asks the Python extension; resolves undefined when it is not installed or has no selection. */
  pythonExtension?: () => Promise<string | undefined>;
  /** PATH lookup; defaults to {@link which}. */
  which?: (name: string) => Promise<string | undefined>;
  platform?: NodeJS.Platform;
}

export class InterpreterNotFound extends Error {}

export async function resolveInterpreter(options: ResolveOptions): Promise<Interpreter> {
  if (options.configured) {
    return { path: options.configured, source: "setting" };
  }
  const selected = await options.pythonExtension?.().catch(() => undefined);
  if (selected) {
    return { path: selected, source: "python-extension" };
  }
  const platform = options.platform ?? process.platform;
  const lookup = options.which ?? ((name: string) => which(name, process.env.PATH ?? "", platform));
  for (const name of platform === "win32" ? ["python", "py"] : ["python3", "python"]) {
    const found = await lookup(name);
    if (found) {
      return { path: found, source: "path" };
    }
  }
  throw new InterpreterNotFound(
    "Apiary found no Python interpreter: python3 is not on PATH and no interpreter is selected in the Python " +
      "extension. Set apiary.python to the interpreter that has apiary installed.",
  );
}

/** The first executable `name` on `searchPath` (like `which`), or undefined. */
export async function which(name: string, searchPath: string, platform: NodeJS.Platform = process.platform): Promise<string | undefined> {
  const suffixes = platform === "win32" ? [".exe", ".cmd", ""] : [""];
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    for (const suffix of suffixes) {
      const candidate = path.join(dir, name + suffix);
      try {
        await fs.promises.access(candidate, fs.constants.X_OK);
        if ((await fs.promises.stat(candidate)).isFile()) {
          return candidate;
        }
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

export interface Probe {
  /** The interpreter ran the probe script. */
  ran: boolean;
  version?: [number, number];
  apiary?: boolean;
  /** Why it did not run, or what it printed when its answer made no sense. */
  error?: string;
}

// Finds the module without importing it: importing apiary pulls in torch, which takes seconds.
const PROBE_SCRIPT =
  "import importlib.util, json, sys; " +
  "print(json.dumps({'version': list(sys.version_info[:2]), 'apiary': importlib.util.find_spec('apiary') is not None}))";

export type ExecFile = (file: string, args: string[], timeoutMs: number) => Promise<{ stdout: string }>;

const runFile: ExecFile = (file, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve({ stdout: String(stdout) }),
    );
  });

export async function probeInterpreter(python: string, exec: ExecFile = runFile, timeoutMs = 20_000): Promise<Probe> {
  let stdout: string;
  try {
    stdout = (await exec(python, ["-c", PROBE_SCRIPT], timeoutMs)).stdout;
  } catch (error) {
    return { ran: false, error: error instanceof Error ? error.message : String(error) };
  }
  try {
    const answer = JSON.parse(stdout.trim().split("\n").pop() ?? "");
    return { ran: true, version: [answer.version[0], answer.version[1]], apiary: answer.apiary === true };
  } catch {
    return { ran: false, error: `unexpected output: ${stdout.slice(0, 200)}` };
  }
}

const SOURCE_NAMES: Record<InterpreterSource, string> = {
  setting: "set in apiary.python",
  "python-extension": "selected in the Python extension",
  path: "python3 on PATH",
};

/** The notification to show when the server cannot start in this interpreter, with the fix; undefined when it can. */
export function interpreterProblem(interpreter: Interpreter, probe: Probe): string | undefined {
  const where = `${interpreter.path} (${SOURCE_NAMES[interpreter.source]})`;
  if (!probe.ran) {
    return `Apiary could not run the Python interpreter ${where}: ${probe.error}. Set apiary.python to a working interpreter.`;
  }
  if (probe.version && (probe.version[0] < 3 || (probe.version[0] === 3 && probe.version[1] < 10))) {
    return `Apiary needs Python 3.10 or newer; ${where} is ${probe.version.join(".")}. Set apiary.python to a newer interpreter.`;
  }
  if (!probe.apiary) {
    return `Apiary is not installed in ${where}. Install it with "${installCommand(interpreter.path)}", or set apiary.python to an interpreter that has it.`;
  }
  return undefined;
}

/**
 * The install command. Not `pip install apiary`: that name on PyPI belongs to an unrelated project, so
 * the server is installed from its source folder (the repository root, which holds pyproject.toml).
 */
export function installCommand(python: string): string {
  const quoted = /\s/.test(python) ? `"${python}"` : python;
  return `${quoted} -m pip install <folder of the Apiary source>`;
}
