"""A real VS Code: code-server (VS Code 1.100) with the packaged extension, in Debian's Chromium driven
by Playwright, on a copy of the example workspace. What a user sees, step by step: the status bar,
ghost text where code belongs (and nowhere else), Tab to accept, completion items, hover, the 💡
actions, Choose APIs, and a saved edit of the library re-indexed. Each step saves a screenshot under
the test's folder.

Run by ``make e2e-editors`` (which installs code-server, Chromium and Playwright and packages the
extension); skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.lsp_helpers import LIBRARY, ROOT, WORKSPACE
from tests.editors.tools import CHROMIUM, CODE_SERVER

VSIX = sorted((ROOT / "extension-vscode").glob("apiary-*.vsix"))
pytestmark = pytest.mark.skipif(
    os.environ.get("APIARY_E2E_EDITORS") != "1" or not CODE_SERVER.exists() or not CHROMIUM.exists() or not VSIX,
    reason="the VS Code run is `make e2e-editors` (code-server, Chromium, Playwright and the packaged .vsix)")

STEP_S = 30  # the longest any one step may wait
MOD = "Control"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    shutil.copytree(WORKSPACE, folder)
    shutil.copytree(LIBRARY, folder / "library")  # a copy the user edits (the last step saves a module of it)
    (folder / ".vscode").mkdir(exist_ok=True)
    settings = {"apiary.python": sys.executable, "apiary.libraries": [str(folder / "library")],
                "apiary.encoder": "hashing",
                "apiary.trace.server": "messages",
                "workbench.startupEditor": "none", "editor.inlineSuggest.enabled": True,
                "security.workspace.trust.enabled": False, "telemetry.telemetryLevel": "off",
                "editor.quickSuggestions": {"other": False, "comments": False, "strings": False}}
    (folder / ".vscode" / "settings.json").write_text(json.dumps(settings))
    return folder


@pytest.fixture
def code_server(tmp_path: Path, workspace: Path) -> Iterator[str]:
    """code-server with the extension installed, in a process group of its own, killed as a whole
    at the end (it keeps extension hosts, and so servers, alive for a reconnection grace time)."""
    dirs = ["--extensions-dir", str(tmp_path / "extensions"), "--user-data-dir", str(tmp_path / "user")]
    (tmp_path / "user" / "User").mkdir(parents=True)
    quiet = {"workbench.startupEditor": "none", "workbench.welcomePage.walkthroughs.openOnInstall": False,
             "workbench.tips.enabled": False, "update.mode": "none"}
    (tmp_path / "user" / "User" / "settings.json").write_text(json.dumps(quiet))
    env = {**os.environ, "APIARY_CACHE_DIR": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    subprocess.run(["node", str(CODE_SERVER), "--install-extension", str(VSIX[-1]), *dirs], env=env, check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    log = (tmp_path / "code-server.log").open("w")
    proc = subprocess.Popen(
        ["node", str(CODE_SERVER), "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-workspace-trust",
         "--disable-telemetry", "--disable-update-check", *dirs, str(workspace)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/?folder={workspace}"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        log.close()


class Editor:
    """The page of one VS Code window, with the few gestures the steps need."""

    def __init__(self, page, shots: Path) -> None:
        self.page, self.shots, self.count = page, shots, 0

    def shot(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.shots / f"{self.count:02d}-{name}.png"))

    def command(self, title: str) -> None:
        self.page.keyboard.press("F1")
        self.page.keyboard.type(title)
        self.page.wait_for_selector(".quick-input-list .monaco-list-row", timeout=STEP_S * 1000)
        self.page.keyboard.press("Enter")

    def open(self, name: str) -> None:
        """From the explorer: a click works whatever page (a walkthrough, a welcome) has the focus."""
        self.page.locator(".explorer-folders-view .monaco-list-row", has_text=name).first.dblclick()
        tab = self.page.locator(".tabs-container .tab.active", has_text=name)
        tab.first.wait_for(timeout=STEP_S * 1000)
        self.page.locator(".monaco-editor .view-lines").first.click()

    def go_to(self, line: int, column: int | None = None) -> None:
        """Line (1-based) and, when given, column; without one, the end of the line."""
        self.page.keyboard.press(f"{MOD}+G")
        self.page.keyboard.type(f"{line}:{column}" if column else str(line))
        self.page.keyboard.press("Enter")
        if column is None:
            self.page.keyboard.press("End")

    def ghost(self, timeout_s: float) -> str:
        """The ghost text shown within ``timeout_s`` ("" when none)."""
        try:
            self.page.wait_for_selector(".ghost-text-decoration, .ghost-text", timeout=timeout_s * 1000)
        except Exception:
            return ""
        return " ".join(self.page.locator(".ghost-text-decoration, .ghost-text").all_inner_texts())

    def trigger_ghost(self, timeout_s: float = STEP_S) -> str:
        self.page.keyboard.press("Alt+Backslash")
        return self.ghost(timeout_s)

    def text(self) -> str:
        return "\n".join(self.page.locator(".monaco-editor .view-lines .view-line").all_inner_texts()).replace(
            "\u00a0", " ")


def test_vscode_shows_apiary_where_code_belongs(code_server: str, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(STEP_S * 1000)
            editor = Editor(page, shots)
        except Exception:
            browser.close()
            raise
        try:
            page.goto(code_server)
            page.wait_for_selector(".monaco-workbench", timeout=60_000)
            editor.open("new_report.py")
            status = page.locator(".statusbar-item", has_text=re.compile(r"Apiary: \d+ APIs"))
            status.first.wait_for(timeout=90_000)
            editor.shot("status-bar")

            # ghost text on the new line under the comment (line 11): after Enter, and asked for with Alt+\
            editor.go_to(11)
            page.keyboard.press("Enter")
            ghost = editor.ghost(STEP_S)
            editor.shot("ghost-text-after-enter")
            assert "keep_where" in ghost, ghost
            page.keyboard.press("Escape")
            page.wait_for_function("() => document.querySelectorAll('.ghost-text-decoration').length === 0")
            ghost = editor.trigger_ghost()
            editor.shot("ghost-text-asked-for")
            assert "keep_where" in ghost, ghost
            page.keyboard.press("Tab")
            page.wait_for_function("() => document.querySelectorAll('.ghost-text-decoration').length === 0")
            assert re.search(r"= orders\.keep_where\(", editor.text()), editor.text()
            editor.shot("accepted")

            # nothing at the end of the line just accepted
            page.keyboard.press("End")
            assert editor.trigger_ghost(timeout_s=4) == ""
            editor.shot("nothing-after-accepted-line")

            # nothing at the end of the comment line
            editor.go_to(11)
            assert editor.trigger_ghost(timeout_s=4) == ""
            editor.shot("nothing-on-comment")

            # after "orders." only the rest of the statement, and completion items for the member
            editor.go_to(12)
            page.keyboard.press("Enter")
            page.keyboard.type("big = orders.")
            page.keyboard.press("Escape")
            ghost = editor.trigger_ghost(timeout_s=10)
            editor.shot("ghost-after-receiver")
            assert "orders." not in ghost, ghost
            page.keyboard.press("Escape")
            page.keyboard.press(f"{MOD}+Space")
            suggest = page.locator(".suggest-widget .monaco-list-row", has_text="keep_where")
            suggest.first.wait_for()
            editor.shot("completion-items")
            page.keyboard.press("Escape")

            # hover on read_delimited (line 9), asked for from the keyboard
            page.keyboard.press("Escape")
            editor.go_to(9, 20)
            page.keyboard.press(f"{MOD}+K")
            page.keyboard.press(f"{MOD}+I")
            page.locator(".monaco-hover", has_text="delimited text file").first.wait_for()
            editor.shot("hover")

            # the 💡 actions on the comment, chosen with the keyboard
            editor.go_to(11, 5)
            page.keyboard.press(f"{MOD}+Period")
            menu = page.locator(".action-widget, .context-view", has_text="Insert completion")
            menu.first.wait_for()
            assert page.locator(".action-widget, .context-view", has_text="Choose APIs for this comment").count()
            editor.shot("code-actions")
            page.keyboard.press("Escape")

            # Choose APIs: the first choice is inserted under the comment
            before = editor.text().count("orders.keep_where")
            editor.command("Apiary: Choose APIs for this comment")
            first = page.locator(".quick-input-list .monaco-list-row", has_text="keep_where").first
            first.wait_for()
            first.click()  # in a pick-many list a click ticks the row
            editor.shot("choose-apis")
            page.keyboard.press("Enter")
            page.wait_for_function(
                "n => [...document.querySelectorAll('.view-line')].map(l => l.textContent)"
                ".join('\\n').split('orders.keep_where').length - 1 > n", arg=before)
            editor.shot("chosen-inserted")
            # a module of the library edited and saved (Ctrl+S sends didSave): the server re-indexes the
            # library, and the status bar counts the function added
            apis = int(re.search(r"Apiary: (\d+) APIs", status.first.inner_text()).group(1))
            for folder in ("library", "honeycomb"):  # unfolded in the explorer, then the module opened
                page.locator(".explorer-folders-view .monaco-list-row", has_text=folder).first.click()
                page.locator(".explorer-folders-view .monaco-list-row[aria-expanded='true']",
                             has_text=folder).first.wait_for()
            editor.open("text.py")
            page.keyboard.press(f"{MOD}+End")
            page.keyboard.press("Enter")
            page.keyboard.type("def shout_words(text): return text")
            page.keyboard.press(f"{MOD}+S")
            page.locator(".statusbar-item", has_text=f"Apiary: {apis + 1} APIs").first.wait_for(timeout=60_000)
            editor.shot("saved-library-module-re-indexed")
            logs = list((tmp_path / "user" / "logs").glob("*/exthost*/apiary.apiary/*.log"))
            errors = [line for log in logs for line in log.read_text().splitlines() if "[error]" in line]
            assert logs and errors == [], errors
            # apiary.trace.server shows the messages in the Apiary log
            assert any("Sending request 'textDocument/inlineCompletion" in log.read_text() for log in logs)
        except Exception:
            editor.shot("failed")
            raise
        finally:
            browser.close()
