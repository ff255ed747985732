// "Choose APIs for this comment": ask the server for the comment's top APIs (`apiary.listApis`), let the
// user pick any of them or none, then have the server generate and insert code (`apiary.chooseApis`).
// The picker itself is passed in, so the whole flow runs in the unit tests without VS Code.
import { ServerCommands } from "./server";

export interface Target {
  uri: string;
  position: { line: number; character: number };
}

export interface ApiChoice {
  id: string;
  name: string;
  description: string;
}

export interface ListApisResult {
  intent: string;
  apis: ApiChoice[];
}

export interface ChooseApisResult {
  applied: boolean;
  text: string;
  apis: string[];
}

/** One QuickPick row; `apiId` is absent on the "None of the above" row. */
export interface PickItem {
  label: string;
  description?: string;
  detail?: string;
  apiId?: string;
  alwaysShow?: boolean;
}

export const NONE_OF_THE_ABOVE = "None of the above";

export interface ChooseDeps {
  /** Sends workspace/executeCommand to the server. */
  execute(command: string, args: unknown[]): Promise<unknown>;
  /** Shows a multi-select picker; undefined when the user dismissed it. */
  pick(items: PickItem[], title: string): Promise<PickItem[] | undefined>;
}

export function toPickItems(apis: ApiChoice[]): PickItem[] {
  const items: PickItem[] = apis.map((api) => ({
    label: api.name,
    description: api.id !== api.name ? api.id : undefined,
    detail: api.description || undefined,
    apiId: api.id,
  }));
  items.push({ label: NONE_OF_THE_ABOVE, detail: "Write the code without library APIs.", alwaysShow: true });
  return items;
}

/**
 * The ids to send. "None of the above" wins over any other row (it is an explicit answer), and accepting
 * with nothing ticked means the same: an empty list, which the server treats as retrieval-free generation.
 */
export function chosenIds(selected: PickItem[]): string[] {
  if (selected.some((item) => item.apiId === undefined)) {
    return [];
  }
  return selected.map((item) => item.apiId as string);
}

/**
 * Keeps "None of the above" exclusive while the user ticks rows: ticking it clears the APIs, ticking an
 * API clears it. Returns the selection to show.
 */
export function exclusiveSelection<T extends PickItem>(previous: readonly T[], current: readonly T[]): T[] {
  const isNone = (item: T) => item.apiId === undefined;
  const noneNow = current.find(isNone);
  if (noneNow && !previous.some(isNone)) {
    return [noneNow];
  }
  if (noneNow && current.some((item) => !isNone(item))) {
    return current.filter((item) => !isNone(item));
  }
  return [...current];
}

/** The server's code action calls `apiary.chooseApis` with only uri and position: the client should pick. */
export function needsClientPick(args: unknown[] | undefined): boolean {
  const first = args?.[0];
  return isTarget(first) && (first as { apis?: unknown }).apis === undefined;
}

export function isTarget(value: unknown): value is Target {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const target = value as Partial<Target>;
  return typeof target.uri === "string" && typeof target.position?.line === "number" && typeof target.position.character === "number";
}

export class ServerAnswerError extends Error {}

/** Runs the flow; resolves undefined when the user cancels the picker. */
export async function chooseApis(target: Target, deps: ChooseDeps): Promise<ChooseApisResult | undefined> {
  const listed = await deps.execute(ServerCommands.listApis, [{ uri: target.uri, position: target.position }]);
  if (!isListApisResult(listed)) {
    throw new ServerAnswerError(`apiary.listApis returned an unexpected answer: ${JSON.stringify(listed)?.slice(0, 200)}`);
  }
  const title = listed.intent ? `APIs for "${listed.intent}"` : "APIs for this comment";
  const picked = await deps.pick(toPickItems(listed.apis), title);
  if (picked === undefined) {
    return undefined;
  }
  const apis = chosenIds(picked);
  const result = await deps.execute(ServerCommands.chooseApis, [{ uri: target.uri, position: target.position, apis }]);
  if (!isChooseApisResult(result)) {
    throw new ServerAnswerError(`apiary.chooseApis returned an unexpected answer: ${JSON.stringify(result)?.slice(0, 200)}`);
  }
  return result;
}

function isListApisResult(value: unknown): value is ListApisResult {
  const result = value as Partial<ListApisResult> | null;
  return (
    typeof result === "object" &&
    result !== null &&
    Array.isArray(result.apis) &&
    result.apis.every((api) => typeof api?.id === "string" && typeof api.name === "string")
  );
}

function isChooseApisResult(value: unknown): value is ChooseApisResult {
  const result = value as Partial<ChooseApisResult> | null;
  return typeof result === "object" && result !== null && typeof result.applied === "boolean";
}
