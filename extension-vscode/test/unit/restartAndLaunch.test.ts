import * as assert from "assert";
import { RestartPolicy } from "../../src/common/restart";
import { buildServerLaunch, executableOptions } from "../../src/common/server";

describe("restart on crash", () => {
  it("restarts up to the limit within the window, then stops with a message", () => {
    let now = 0;
    const policy = new RestartPolicy(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      now += 1000;
      assert.strictEqual(policy.onCrash().restart, true);
    }
    const decision = policy.onCrash();
    assert.strictEqual(decision.restart, false);
    assert.match(decision.message!, /Restart server/);
  });

  it("old crashes leave the window, and a deliberate restart resets the count", () => {
    let now = 0;
    const policy = new RestartPolicy(2, 60_000, () => now);
    policy.onCrash();
    policy.onCrash();
    now += 61_000;
    assert.strictEqual(policy.onCrash().restart, true);
    policy.onCrash();
    assert.strictEqual(policy.onCrash().restart, false);
    policy.reset();
    assert.strictEqual(policy.onCrash().restart, true);
  });
});

describe("server launch", () => {
  it("runs `<python> -m apiary serve --stdio` in the workspace folder", () => {
    const launch = buildServerLaunch("/ws/.venv/bin/python", { cwd: "/ws", env: { PATH: "/bin" } });
    assert.strictEqual(launch.command, "/ws/.venv/bin/python");
    assert.deepStrictEqual(launch.args, ["-m", "apiary", "serve", "--stdio"]);
    assert.strictEqual(launch.options.cwd, "/ws");
    assert.strictEqual(launch.options.env.PATH, "/bin");
    assert.strictEqual(launch.options.env.PYTHONUNBUFFERED, "1");
  });

  it("passes --stdio once: the client is given no transport that would add it again", () => {
    const options = executableOptions(buildServerLaunch("py"));
    assert.strictEqual(options.args.filter((a) => a === "--stdio").length, 1);
    assert.ok(!("transport" in options));
  });

  it("adds --log-file only when asked", () => {
    assert.deepStrictEqual(buildServerLaunch("py", { logFile: "/tmp/a.log" }).args.slice(-2), ["--log-file", "/tmp/a.log"]);
    assert.ok(!buildServerLaunch("py", { logFile: null }).args.includes("--log-file"));
  });
});
