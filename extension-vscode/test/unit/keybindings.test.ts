import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8"));

describe("keybindings", () => {
  it("Alt+\\ asks for an inline suggestion in Python files", () => {
    const bindings: { command: string; key: string; when: string }[] = manifest.contributes.keybindings;
    const trigger = bindings.find((b) => b.command === "editor.action.inlineSuggest.trigger");
    assert.ok(trigger, "no keybinding for editor.action.inlineSuggest.trigger");
    assert.strictEqual(trigger.key, "alt+\\");
    assert.ok(trigger.when.includes("editorLangId == python") && trigger.when.includes("editorTextFocus"));
  });
});
