// What the status bar item says: the server's state, indexing progress ($/progress), and the
// `apiary/status` notification. No `vscode` import; the status bar glue only copies `StatusView` over.

export interface LibraryStatus {
  name: string;
  version?: string | null;
  apis: number;
  ready: boolean;
  error?: string | null;
  /** Served by its words while its vectors are encoded (its first index). */
  encoding?: boolean;
}

/** The payload of `apiary.status` and of the `apiary/status` notification (contract). */
export interface ServerStatus {
  ready: boolean;
  generator: string;
  libraries: LibraryStatus[];
  problems: string[];
}

export type ServerState = "starting" | "running" | "stopped" | "failed";

/** `WorkDoneProgressBegin | Report | End`, structurally. */
export interface ProgressValue {
  kind: "begin" | "report" | "end";
  title?: string;
  message?: string;
  percentage?: number;
}

export type Severity = "ok" | "busy" | "warning" | "error";

export interface StatusView {
  text: string;
  tooltip: string;
  severity: Severity;
}

interface Task {
  title: string;
  message?: string;
  percentage?: number;
}

export class StatusModel {
  private state: ServerState = "starting";
  private failure?: string;
  private status?: ServerStatus;
  private readonly tasks = new Map<string, Task>();

  setState(state: ServerState, failure?: string): void {
    this.state = state;
    this.failure = failure;
    if (state !== "running") {
      this.tasks.clear();
    }
    if (state === "starting") {
      this.status = undefined;
    }
  }

  /** Accepts anything the server sends; a malformed payload is ignored rather than shown half-read. */
  setStatus(status: unknown): void {
    if (isServerStatus(status)) {
      this.status = status;
    }
  }

  progress(token: string | number, value: ProgressValue): void {
    const key = String(token);
    if (value.kind === "end") {
      this.tasks.delete(key);
      return;
    }
    const task = this.tasks.get(key) ?? { title: value.title ?? "Working" };
    this.tasks.set(key, {
      title: value.title ?? task.title,
      message: value.message ?? task.message,
      percentage: value.percentage ?? task.percentage,
    });
  }

  view(): StatusView {
    if (this.state === "failed" || this.state === "stopped") {
      const tooltip = this.failure ?? "The Apiary server is not running. Click for its log.";
      return { text: "$(error) Apiary", tooltip, severity: "error" };
    }
    if (this.state === "starting") {
      return { text: "$(loading~spin) Apiary", tooltip: "Starting the Apiary server…", severity: "busy" };
    }
    const task = [...this.tasks.values()].pop();
    if (task) {
      // The server's titles start with "Apiary" ("Apiary: indexing"); the item already says it.
      const label = task.title.replace(/^Apiary:?\s*/, "") || task.message || "working";
      const percent = task.percentage !== undefined ? ` ${Math.round(task.percentage)}%` : "";
      const tooltip = [task.title, task.message].filter(Boolean).join(": ");
      return { text: `$(sync~spin) Apiary: ${label}${percent}`, tooltip: withDetails(tooltip, this.status), severity: "busy" };
    }
    return statusView(this.status);
  }
}

function statusView(status: ServerStatus | undefined): StatusView {
  if (!status) {
    return { text: "$(loading~spin) Apiary", tooltip: "Waiting for the server's status…", severity: "busy" };
  }
  const apis = status.libraries.reduce((sum, library) => sum + (library.ready ? library.apis : 0), 0);
  const broken = status.libraries.filter((library) => library.error);
  const counts = `${apis} API${apis === 1 ? "" : "s"}, ${plural(status.libraries.length, "library", "libraries")}`;
  if (!status.ready) {
    return { text: "$(loading~spin) Apiary: indexing", tooltip: withDetails("Indexing libraries…", status), severity: "busy" };
  }
  if (broken.length > 0 || status.problems.length > 0) {
    const issues = broken.length + status.problems.length;
    return { text: `$(warning) Apiary: ${counts}`, tooltip: withDetails(`${plural(issues, "problem", "problems")}`, status), severity: "warning" };
  }
  return { text: `$(check) Apiary: ${counts}`, tooltip: withDetails("Ready", status), severity: "ok" };
}

function withDetails(headline: string, status: ServerStatus | undefined): string {
  if (!status) {
    return headline;
  }
  const lines = [headline, `Generator: ${status.generator}`];
  for (const library of status.libraries) {
    const name = library.version ? `${library.name} ${library.version}` : library.name;
    const state = library.error
      ? `error: ${library.error}`
      : library.ready
        ? `${library.apis} APIs`
        : library.encoding
          ? `${library.apis} APIs, searched by their words while encoding`
          : "indexing";
    lines.push(`${name}: ${state}`);
  }
  if (status.libraries.length === 0) {
    lines.push("No libraries yet: set apiary.libraries or open a file that imports one.");
  }
  lines.push(...status.problems.map((problem) => `⚠ ${problem}`));
  lines.push("Click for the server's log.");
  return lines.join("\n");
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function isServerStatus(value: unknown): value is ServerStatus {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const status = value as Partial<ServerStatus>;
  return (
    typeof status.ready === "boolean" &&
    typeof status.generator === "string" &&
    Array.isArray(status.libraries) &&
    status.libraries.every((library) => typeof library?.name === "string" && typeof library.apis === "number") &&
    Array.isArray(status.problems)
  );
}
