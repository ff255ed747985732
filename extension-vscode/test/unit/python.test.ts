import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  ExecFile,
  interpreterProblem,
  InterpreterNotFound,
  probeInterpreter,
  resolveInterpreter,
  which,
} from "../../src/common/python";

const never = async () => {
  throw new Error("must not be asked");
};

describe("interpreter resolution", () => {
  it("apiary.python wins and the Python extension is not even asked", async () => {
    const found = await resolveInterpreter({ configured: "/opt/py/bin/python", pythonExtension: never, which: never });
    assert.deepStrictEqual(found, { path: "/opt/py/bin/python", source: "setting" });
  });

  it("without the setting, the Python extension's selected interpreter", async () => {
    const found = await resolveInterpreter({ configured: "", pythonExtension: async () => "/ws/.venv/bin/python", which: never });
    assert.deepStrictEqual(found, { path: "/ws/.venv/bin/python", source: "python-extension" });
  });

  it("without either, python3 on PATH; a failing Python extension API counts as absent", async () => {
    const asked: string[] = [];
    const found = await resolveInterpreter({
      configured: null,
      pythonExtension: async () => { throw new Error("Python extension is not installed or is disabled"); },
      which: async (name) => { asked.push(name); return name === "python3" ? "/usr/bin/python3" : undefined; },
      platform: "linux",
    });
    assert.deepStrictEqual(found, { path: "/usr/bin/python3", source: "path" });
    assert.deepStrictEqual(asked, ["python3"]);
  });

  it("falls back to python when there is no python3, and fails with the fix when there is neither", async () => {
    const found = await resolveInterpreter({ which: async (name) => (name === "python" ? "/bin/python" : undefined), platform: "linux" });
    assert.strictEqual(found.path, "/bin/python");
    await assert.rejects(resolveInterpreter({ which: async () => undefined, platform: "linux" }), (error: Error) =>
      error instanceof InterpreterNotFound && error.message.includes("apiary.python"));
  });

  it("which finds only executable files, in PATH order", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "apiary-which-"));
    const [a, b, c] = ["a", "b", "c"].map((name) => {
      const dir = path.join(root, name);
      fs.mkdirSync(dir);
      return dir;
    });
    fs.writeFileSync(path.join(a, "python3"), "not executable", { mode: 0o644 });
    fs.mkdirSync(path.join(b, "python3")); // a directory named python3
    fs.writeFileSync(path.join(c, "python3"), "#!/bin/sh\n", { mode: 0o755 });
    const searchPath = [a, b, c].join(path.delimiter);
    assert.strictEqual(await which("python3", searchPath, "linux"), path.join(c, "python3"));
    assert.strictEqual(await which("python9", searchPath, "linux"), undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe("interpreter probe", () => {
  it("reads the version and whether apiary is importable from the real python3", async function () {
    const python = await which("python3", process.env.PATH ?? "");
    if (!python) {
      this.skip();
    }
    const probe = await probeInterpreter(python!);
    assert.strictEqual(probe.ran, true);
    assert.strictEqual(probe.version![0], 3);
    assert.strictEqual(typeof probe.apiary, "boolean");
  });

  it("an interpreter that does not exist is reported, not thrown", async () => {
    const probe = await probeInterpreter("/nonexistent/bin/python3");
    assert.strictEqual(probe.ran, false);
    assert.match(probe.error!, /ENOENT/);
    const message = interpreterProblem({ path: "/nonexistent/bin/python3", source: "setting" }, probe)!;
    assert.match(message, /could not run .*\/nonexistent\/bin\/python3 \(set in apiary.python\)/);
  });

  it("says how to install apiary into the interpreter that lacks it", async () => {
    const exec: ExecFile = async () => ({ stdout: '{"version": [3, 12], "apiary": false}\n' });
    const probe = await probeInterpreter("/ws/.venv/bin/python", exec);
    assert.deepStrictEqual(probe, { ran: true, version: [3, 12], apiary: false });
    const message = interpreterProblem({ path: "/ws/.venv/bin/python", source: "python-extension" }, probe)!;
    assert.match(message, /not installed in \/ws\/.venv\/bin\/python \(selected in the Python extension\)/);
    assert.match(message, /\/ws\/.venv\/bin\/python -m pip install/);
    assert.match(message, /set apiary.python/);
  });

  it("rejects a Python older than 3.10 and accepts a good one", async () => {
    const old = await probeInterpreter("py", async () => ({ stdout: '{"version": [3, 8], "apiary": true}' }));
    assert.match(interpreterProblem({ path: "py", source: "path" }, old)!, /3\.10 or newer.*3\.8/);
    const good = await probeInterpreter("py", async () => ({ stdout: 'noise\n{"version": [3, 11], "apiary": true}' }));
    assert.strictEqual(interpreterProblem({ path: "py", source: "path" }, good), undefined);
  });

  it("garbage output is a problem, not a crash", async () => {
    const probe = await probeInterpreter("py", async () => ({ stdout: "Python 2.7" }));
    assert.strictEqual(probe.ran, false);
    assert.ok(interpreterProblem({ path: "py", source: "path" }, probe));
  });
});
