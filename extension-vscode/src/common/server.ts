// The exact command the extension starts the server with. The node integration test imports this same
// function, so what it launches is what VS Code launches. No `vscode` import.

export interface ServerLaunch {
  command: string;
  args: string[];
  options: { cwd?: string; env: NodeJS.ProcessEnv };
}

export interface LaunchOptions {
  /** The workspace folder: relative paths in the server's own config resolve against it. */
  cwd?: string;
  logFile?: string | null;
  env?: NodeJS.ProcessEnv;
}

/** `<python> -m apiary serve --stdio [--log-file PATH]`; `-m` so it works without the `apiary` script on PATH. */
export function buildServerLaunch(python: string, options: LaunchOptions = {}): ServerLaunch {
  const args = ["-m", "apiary", "serve", "--stdio"];
  if (options.logFile) {
    args.push("--log-file", options.logFile);
  }
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" };
  return { command: python, args, options: { cwd: options.cwd, env } };
}

/** The executable as vscode-languageclient takes it. No `transport`: with `TransportKind.stdio` the
 * client appends its own `--stdio` to `args`, and the server would be started with it twice; without
 * one it talks over the process's stdio all the same. */
export function executableOptions(launch: ServerLaunch): { command: string; args: string[]; options: ServerLaunch["options"] } {
  return { command: launch.command, args: [...launch.args], options: launch.options };
}

/** Server-side commands the client sends through workspace/executeCommand (contract: "Commands"). */
export const ServerCommands = {
  status: "apiary.status",
  reindex: "apiary.reindex",
  listApis: "apiary.listApis",
  chooseApis: "apiary.chooseApis",
  insertCompletion: "apiary.insertCompletion",
  explain: "apiary.explain",
  accepted: "apiary.accepted",
} as const;

export const STATUS_NOTIFICATION = "apiary/status";
