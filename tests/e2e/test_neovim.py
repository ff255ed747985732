"""A real third-party client: headless Neovim's built-in LSP client attaches `apiary serve --stdio` and
receives completion items for a private API of the example library."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from tests.e2e.lsp_helpers import LIBRARY, server_env

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (apt-get install -y neovim; .ci/run does it)")

SCRIPT = r"""
local out, file, lib, python = _G.apiary_out, _G.apiary_file, _G.apiary_lib, _G.apiary_python
local id = vim.lsp.start_client({
  name = "apiary",
  cmd = { python, "-m", "apiary", "serve", "--stdio" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
  init_options = { libraries = { lib }, encoder = "hashing" },
})
vim.cmd("edit " .. file)
vim.lsp.buf_attach_client(0, id)
local client = vim.lsp.get_client_by_id(id)
local ready = vim.wait(60000, function()
  local r = client.request_sync("workspace/executeCommand", { command = "apiary.status" }, 5000, 0)
  return r ~= nil and r.result ~= nil and r.result.ready
end, 200)
local params = vim.lsp.util.make_position_params()
params.position = { line = 2, character = 7 }  -- after "orders." (normal mode cannot sit past the end)
local responses = vim.lsp.buf_request_sync(0, "textDocument/completion", params, 20000) or {}
local labels = {}
for _, response in pairs(responses) do
  local result = response.result or {}
  for _, item in ipairs(result.items or result) do
    table.insert(labels, item.label)
  end
end
vim.fn.writefile({ vim.fn.json_encode({ ready = ready, labels = labels }) }, out)
vim.lsp.stop_client(id)
vim.cmd("qa!")
"""


def test_neovim_gets_completion_items_for_a_private_api(tmp_path):
    source = tmp_path / "orders_report.py"
    source.write_text("import honeycomb as hc\norders = hc.read_delimited('orders.csv')\norders.\n")
    script = tmp_path / "drive.lua"
    script.write_text(SCRIPT)
    out = tmp_path / "out.json"
    setup = (f"lua _G.apiary_out={json.dumps(str(out))} _G.apiary_file={json.dumps(str(source))} "
             f"_G.apiary_lib={json.dumps(str(LIBRARY))} _G.apiary_python={json.dumps(sys.executable)}")
    subprocess.run([NVIM, "--headless", "--clean", "-c", setup, "-c", f"luafile {script}"],
                   env=server_env(tmp_path), timeout=120, check=False, capture_output=True)
    result = json.loads(out.read_text())
    assert result["ready"]
    assert "keep_where" in result["labels"] and "arrange" in result["labels"], result
