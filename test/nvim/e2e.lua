-- The end-to-end test's driver, run by Neovim after init.lua, in the workspace folder: it does what a person does
-- (open a manifest, hover, go to definition, apply a quick fix, change a file outside the editor) through Neovim's
-- own LSP client, waits for each outcome (vim.wait returns as soon as its condition holds), and writes what it saw
-- to the report file (NETLENS_NVIM_REPORT) for the Node test to judge. A step that fails ends Neovim with status 1.
local report = { steps = {}, logs = {}, requests = {}, declared = {} }
local report_path = assert(os.getenv('NETLENS_NVIM_REPORT'), 'NETLENS_NVIM_REPORT is not set')
local orders_fixture = assert(os.getenv('NETLENS_NVIM_ORDERS'), 'NETLENS_NVIM_ORDERS is not set')
local workspace = vim.fn.getcwd()
local WAIT_MS = 20000

local v = vim.version()
report.nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch)
local declared = vim.lsp.protocol.make_client_capabilities().workspace or {}
report.declared.configuration = declared.configuration == true
report.declared.watchRegistration = (declared.didChangeWatchedFiles or {}).dynamicRegistration == true

local function write_report()
  local f = assert(io.open(report_path, 'w'))
  f:write(vim.fn.json_encode(report))
  f:close()
end

--- Runs one step; a failure is recorded and ends the session.
local function step(name, fn)
  local ok, err = pcall(fn)
  table.insert(report.steps, { name = name, ok = ok, error = (not ok) and tostring(err) or vim.NIL })
  if not ok then
    write_report()
    vim.cmd('cquit 1')
  end
end

--- Waits until `condition` holds; Neovim keeps processing messages meanwhile.
local function wait(what, condition)
  if not vim.wait(WAIT_MS, condition, 10) then error('timed out waiting for ' .. what, 2) end
end

--- The buffer's diagnostics as `code@line:column` (0-based), sorted.
local function diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do table.insert(out, string.format('%s@%d:%d', d.code or '?', d.lnum, d.col)) end
  table.sort(out)
  return out
end

local function same(a, b)
  return vim.deep_equal(a, b)
end

--- Puts the cursor on the first match of `pattern`, `delta` characters in.
local function cursor_at(pattern, delta)
  local pos = vim.fn.searchpos(pattern, 'cw')
  assert(pos[1] > 0, 'no match for ' .. pattern)
  vim.api.nvim_win_set_cursor(0, { pos[1], pos[2] - 1 + (delta or 0) })
end

-- What the server logs and asks, recorded on the way to Neovim's own handlers.
vim.lsp.handlers['window/logMessage'] = function(_, result)
  table.insert(report.logs, { type = result.type, message = result.message })
end
for _, method in ipairs({ 'workspace/configuration', 'client/registerCapability' }) do
  local original = vim.lsp.handlers[method]
  vim.lsp.handlers[method] = function(err, result, ctx, config)
    table.insert(report.requests, method)
    return original(err, result, ctx, config)
  end
end

local front, front_buf

step('open front.yaml: the server starts and publishes its diagnostics', function()
  front = workspace .. '/front.yaml'
  vim.cmd('edit ' .. vim.fn.fnameescape(front))
  front_buf = vim.api.nvim_get_current_buf()
  wait('the diagnostics of front.yaml', function() return #diagnostics(front_buf) == 2 end)
  report.opened = diagnostics(front_buf)
  report.messages = {}
  for _, d in ipairs(vim.diagnostic.get(front_buf)) do report.messages[d.code] = d.message end
end)

step('hover on api.shop:9999', function()
  cursor_at('api\\.shop', 2)
  local params = vim.lsp.util.make_position_params()
  local results = vim.lsp.buf_request_sync(front_buf, 'textDocument/hover', params, WAIT_MS)
  for _, r in pairs(results or {}) do
    if r.result then report.hover = r.result.contents end
  end
  assert(report.hover, 'no hover')
  -- And as a person sees it: the floating window that vim.lsp.buf.hover() opens.
  vim.lsp.buf.hover()
  local float
  wait('the hover window', function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        float = w
        return true
      end
    end
    return false
  end)
  report.hover_window = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false)
  vim.api.nvim_win_close(float, true)
end)

step('go to definition from api.shop', function()
  cursor_at('api\\.shop', 1)
  vim.lsp.buf.definition()
  wait('the Service in shop.yaml', function() return vim.api.nvim_buf_get_name(0):match('shop%.yaml$') ~= nil end)
  local pos = vim.api.nvim_win_get_cursor(0)
  report.definition = { file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ':t'), line = pos[1] - 1, character = pos[2], text = vim.api.nvim_get_current_line() }
  vim.cmd('buffer ' .. front_buf)
end)

step('apply the quick fix on port 9999', function()
  cursor_at('9999', 0)
  -- The person picks the first fix offered, the preferred one.
  vim.ui.select = function(items, opts, on_choice)
    report.fixes = {}
    for _, item in ipairs(items) do table.insert(report.fixes, (opts.format_item(item))) end
    on_choice(items[1], 1)
  end
  vim.lsp.buf.code_action()
  wait('the fix in the buffer', function() return vim.fn.search('api\\.shop:8080', 'nw') > 0 end)
  report.fixed_line = vim.fn.getline(vim.fn.search('API_ADDR', 'nw') + 1)
  wait('the diagnostics after the fix', function() return #diagnostics(front_buf) == 1 end)
  report.after_fix = diagnostics(front_buf)
end)

step('a manifest written on disk reaches the open buffer\'s diagnostics', function()
  local src = assert(io.open(orders_fixture, 'r'))
  local text = src:read('*a')
  src:close()
  local dst = assert(io.open(workspace .. '/orders.yaml', 'w'))
  dst:write(text)
  dst:close()
  wait('the diagnostics after orders.yaml was written', function() return #diagnostics(front_buf) == 0 end)
  report.after_disk = diagnostics(front_buf)
end)

step('stop the server', function()
  local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)()
  vim.lsp.stop_client(clients)
  wait('the server to stop', function() return #(vim.lsp.get_clients or vim.lsp.get_active_clients)() == 0 end)
end)

write_report()
vim.cmd('qall!')
