import * as assert from "assert";
import {
  chooseApis,
  chosenIds,
  exclusiveSelection,
  needsClientPick,
  NONE_OF_THE_ABOVE,
  PickItem,
  ServerAnswerError,
  toPickItems,
} from "../../src/common/chooseApis";

const APIS = [
  { id: "honeycomb.Table.keep_where", name: "Table.keep_where", description: "Rows for which the predicate holds." },
  { id: "honeycomb.Table.sort_by", name: "Table.sort_by", description: "Rows ordered by columns." },
];
const TARGET = { uri: "file:///ws/new_report.py", position: { line: 11, character: 0 } };

/** A fake server that records what it was asked. */
function fakeServer(listed: unknown = { intent: "keep only the orders above 100 euros", apis: APIS }) {
  const calls: { command: string; args: unknown[] }[] = [];
  const execute = async (command: string, args: unknown[]) => {
    calls.push({ command, args });
    if (command === "apiary.listApis") {
      return listed;
    }
    const apis = (args[0] as { apis: string[] }).apis;
    return { applied: true, text: apis.length ? "orders = orders.keep_where(...)" : "x = 1", apis };
  };
  return { calls, execute };
}

describe("choose APIs for a comment", () => {
  it("offers every API with name and description, then None of the above", () => {
    const items = toPickItems(APIS);
    assert.deepStrictEqual(items.map((i) => i.label), ["Table.keep_where", "Table.sort_by", NONE_OF_THE_ABOVE]);
    assert.strictEqual(items[0].detail, "Rows for which the predicate holds.");
    assert.strictEqual(items[0].apiId, "honeycomb.Table.keep_where");
    assert.strictEqual(items[2].apiId, undefined);
  });

  it("sends the ticked APIs' ids to apiary.chooseApis with the same uri and position", async () => {
    const server = fakeServer();
    let shownTitle = "";
    const result = await chooseApis(TARGET, {
      execute: server.execute,
      pick: async (items, title) => { shownTitle = title; return [items[1], items[0]]; },
    });
    assert.match(shownTitle, /keep only the orders above 100 euros/);
    assert.deepStrictEqual(server.calls, [
      { command: "apiary.listApis", args: [TARGET] },
      { command: "apiary.chooseApis", args: [{ ...TARGET, apis: ["honeycomb.Table.sort_by", "honeycomb.Table.keep_where"] }] },
    ]);
    assert.deepStrictEqual(result?.apis, ["honeycomb.Table.sort_by", "honeycomb.Table.keep_where"]);
  });

  it("None of the above sends an empty list (retrieval-free generation)", async () => {
    const server = fakeServer();
    const result = await chooseApis(TARGET, { execute: server.execute, pick: async (items) => [items[items.length - 1]] });
    assert.deepStrictEqual((server.calls[1].args[0] as { apis: string[] }).apis, []);
    assert.strictEqual(result?.applied, true);
  });

  it("dismissing the picker generates nothing", async () => {
    const server = fakeServer();
    assert.strictEqual(await chooseApis(TARGET, { execute: server.execute, pick: async () => undefined }), undefined);
    assert.deepStrictEqual(server.calls.map((c) => c.command), ["apiary.listApis"]);
  });

  it("an answer that breaks the contract is an error naming the command", async () => {
    const server = fakeServer({ apis: [{ name: "no id" }] });
    await assert.rejects(chooseApis(TARGET, { execute: server.execute, pick: async () => [] }), (e: Error) =>
      e instanceof ServerAnswerError && e.message.includes("apiary.listApis"));
  });

  it("None of the above is exclusive while ticking", () => {
    const items = toPickItems(APIS);
    const [a, b, none] = items;
    assert.deepStrictEqual(chosenIds([a, none]), []);
    assert.deepStrictEqual(chosenIds([]), []);
    assert.deepStrictEqual(exclusiveSelection<PickItem>([a, b], [a, b, none]), [none]);
    assert.deepStrictEqual(exclusiveSelection<PickItem>([none], [none, a]), [a]);
    assert.deepStrictEqual(exclusiveSelection<PickItem>([a], [a, b]), [a, b]);
  });

  it("only the server's bare code-action call is intercepted", () => {
    assert.strictEqual(needsClientPick([TARGET]), true);
    assert.strictEqual(needsClientPick([{ ...TARGET, apis: [] }]), false);
    assert.strictEqual(needsClientPick([{ ...TARGET, apis: ["x"] }]), false);
    assert.strictEqual(needsClientPick([]), false);
    assert.strictEqual(needsClientPick(undefined), false);
    assert.strictEqual(needsClientPick([{ uri: "file:///x" }]), false);
  });
});
