-- Drives Apiary from a headless Neovim's built-in LSP client (0.7 through 0.11) and writes what the
-- server answered as JSON to _G.apiary_out. The Python test (test_neovim.py) asserts on it.
local out, file, lib, python = _G.apiary_out, _G.apiary_file, _G.apiary_lib, _G.apiary_python
local libfile = _G.apiary_libfile  -- a module of the library (a copy), edited and saved at the end
local modern = vim.fn.has("nvim-0.11") == 1
local config = {
  name = "apiary",
  cmd = { python, "-m", "apiary", "serve", "--stdio" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
  init_options = { libraries = { lib }, encoder = "hashing" },
}
vim.cmd("edit " .. file)
local id
if vim.fn.has("nvim-0.8") == 1 then
  id = vim.lsp.start(config)  -- starts the server and attaches the current buffer
else
  id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(0, id)
end
local client = vim.lsp.get_client_by_id(id)

local function request(method, params)
  local response
  if modern then
    response = client:request_sync(method, params, 20000, 0)
  else
    response = client.request_sync(method, params, 20000, 0)
  end
  return response and response.result
end

local function at(line, character)
  return { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = line, character = character } }
end

local result = { version = tostring(vim.version().major) .. "." .. tostring(vim.version().minor) }
result.ready = vim.wait(60000, function()
  local status = request("workspace/executeCommand", { command = "apiary.status" })
  return status ~= nil and status.ready
end, 200)

-- completion items after "orders." (line 2)
local completion = request("textDocument/completion", at(2, 7)) or {}
result.labels = {}
for _, item in ipairs(completion.items or completion) do
  table.insert(result.labels, item.label)
end

-- hover on read_delimited (line 1)
local hover = request("textDocument/hover", at(1, 15))
result.hover = hover and hover.contents and (hover.contents.value or vim.inspect(hover.contents)) or ""

-- the raw inline completion request on the empty line under the comment (line 4)
local inline = request("textDocument/inlineCompletion", vim.tbl_extend("force", at(4, 0), { context = { triggerKind = 1 } }))
result.inline = {}
for _, item in ipairs((inline and (inline.items or inline)) or {}) do
  table.insert(result.inline, type(item.insertText) == "table" and item.insertText.value or item.insertText)
end

-- code actions on the comment (line 3), then the "Insert completion" one, applied by the client
local range = { start = { line = 3, character = 2 }, ["end"] = { line = 3, character = 2 } }
local actions = request("textDocument/codeAction",
  { textDocument = { uri = vim.uri_from_bufnr(0) }, range = range, context = { diagnostics = {} } }) or {}
result.actions = {}
for _, action in ipairs(actions) do
  table.insert(result.actions, action.title)
  if action.title == "Insert completion" then
    local command = action.command or action
    request("workspace/executeCommand", { command = command.command, arguments = command.arguments })
  end
end
vim.wait(5000, function() return #vim.api.nvim_buf_get_lines(0, 0, -1, false) > 5 end, 100)
result.lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)

-- a module of the library edited and saved (:write sends textDocument/didSave): the server re-indexes
-- the library in the background, and its count of APIs grows by the function added
local scenario = vim.api.nvim_get_current_buf()
local function api_count()
  local status = request("workspace/executeCommand", { command = "apiary.status" })
  return status and status.libraries and status.libraries[1] and status.libraries[1].apis
end
result.apis_before = api_count()
vim.o.hidden = true
vim.cmd("edit " .. libfile)
if vim.fn.has("nvim-0.8") == 1 then vim.lsp.start(config) else vim.lsp.buf_attach_client(0, id) end
vim.api.nvim_buf_set_lines(0, -1, -1, false,
  { "", "", "def shout_words(text):", '    """Write the text in capital letters."""', "    return text.upper()" })
vim.cmd("write")
vim.cmd("buffer " .. scenario)
result.reindexed = vim.wait(60000, function() return api_count() == result.apis_before + 1 end, 200)
result.apis_after = api_count()

if modern then client:stop() else vim.lsp.stop_client(id) end
vim.wait(3000, function() return vim.lsp.get_client_by_id(id) == nil end, 100)
-- what the client logged as errors: the server's stderr lands there as [ERROR] lines
result.log_errors = {}
local log = vim.lsp.get_log_path()
if vim.fn.filereadable(log) == 1 then
  for _, line in ipairs(vim.fn.readfile(log)) do
    if line:find("%[ERROR%]") then table.insert(result.log_errors, line) end
  end
end
vim.fn.writefile({ vim.fn.json_encode(result) }, out)
vim.cmd("qa!")
