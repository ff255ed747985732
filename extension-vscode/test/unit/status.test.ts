import * as assert from "assert";
import { isServerStatus, StatusModel } from "../../src/common/status";

const READY = {
  ready: true,
  generator: "default",
  libraries: [{ name: "honeycomb", version: "0.3.1", apis: 62, ready: true, error: null }],
  problems: [],
};

describe("status bar model", () => {
  it("starting, then waiting for the server's status", () => {
    const model = new StatusModel();
    assert.match(model.view().tooltip, /Starting/);
    model.setState("running");
    assert.strictEqual(model.view().severity, "busy");
  });

  it("indexing progress shows the title and percentage until the end, then the status", () => {
    const model = new StatusModel();
    model.setState("running");
    model.setStatus({ ...READY, ready: false, libraries: [{ ...READY.libraries[0], ready: false, apis: 0 }] });
    assert.strictEqual(model.view().text, "$(loading~spin) Apiary: indexing");
    assert.match(model.view().tooltip, /honeycomb 0.3.1: indexing/);
    model.setStatus({ ...READY, ready: false, libraries: [{ ...READY.libraries[0], ready: false, encoding: true }] });
    assert.strictEqual(model.view().text, "$(loading~spin) Apiary: indexing");
    assert.match(model.view().tooltip, /honeycomb 0.3.1: 62 APIs, searched by their words while encoding/);
    model.progress("idx", { kind: "begin", title: "Indexing honeycomb", percentage: 0 });
    model.progress("idx", { kind: "report", message: "encoding", percentage: 40.4 });
    assert.strictEqual(model.view().text, "$(sync~spin) Apiary: Indexing honeycomb 40%");
    assert.match(model.view().tooltip, /Indexing honeycomb: encoding/);
    model.progress("idx", { kind: "end" });
    model.progress("load", { kind: "begin", title: "Apiary", message: "loading the encoder" });
    assert.strictEqual(model.view().text, "$(sync~spin) Apiary: loading the encoder");
    model.progress("load", { kind: "begin", title: "Apiary: indexing", percentage: 50 });
    assert.strictEqual(model.view().text, "$(sync~spin) Apiary: indexing 50%");
    model.progress("load", { kind: "end" });
    model.setStatus(READY);
    assert.deepStrictEqual(
      { text: model.view().text, severity: model.view().severity },
      { text: "$(check) Apiary: 62 APIs, 1 library", severity: "ok" },
    );
    assert.match(model.view().tooltip, /Generator: default/);
    assert.match(model.view().tooltip, /honeycomb 0.3.1: 62 APIs/);
  });

  it("a library error or a problem turns it into a warning that lists them", () => {
    const model = new StatusModel();
    model.setState("running");
    model.setStatus({
      ...READY,
      libraries: [...READY.libraries, { name: "broken", apis: 0, ready: false, error: "no such folder" }],
      problems: ["encoder not found, lexical retrieval only"],
    });
    const view = model.view();
    assert.strictEqual(view.severity, "warning");
    assert.strictEqual(view.text, "$(warning) Apiary: 62 APIs, 2 libraries");
    assert.match(view.tooltip, /broken: error: no such folder/);
    assert.match(view.tooltip, /encoder not found/);
  });

  it("a stopped server is an error and forgets old progress", () => {
    const model = new StatusModel();
    model.setState("running");
    model.progress(1, { kind: "begin", title: "Indexing" });
    model.setState("failed", "Apiary is not installed in /usr/bin/python3");
    assert.deepStrictEqual(model.view().severity, "error");
    assert.match(model.view().tooltip, /not installed/);
    model.setState("running");
    assert.doesNotMatch(model.view().text, /Indexing/);
  });

  it("ignores a payload that is not a status", () => {
    const model = new StatusModel();
    model.setState("running");
    model.setStatus(READY);
    model.setStatus({ ready: "yes" });
    assert.strictEqual(model.view().severity, "ok");
    assert.strictEqual(isServerStatus(null), false);
    assert.strictEqual(isServerStatus({ ...READY, libraries: [{ name: 1 }] }), false);
  });
});
