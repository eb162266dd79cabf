-- Run by tests/neovim.rs as `nvim --headless --clean -u neovim.lua FILE`. Uses only APIs that
-- Neovim 0.7 (Debian bookworm) has. Attaches `$ASYNC_LINT server` to FILE, waits for its
-- diagnostics, applies the code action whose title starts with $ASYNC_LINT_ACTION, waits for
-- the diagnostics to clear, stops the server, and writes what Neovim saw to $ASYNC_LINT_RESULT.
local result = {}
local wait_ms = 20000

local function finish(error)
  result.error = error
  vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.ASYNC_LINT_RESULT)
  vim.cmd(error and "cquit" or "qall!")
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  -- Each publication's document version beside the buffer's own at that moment.
  result.published = {}
  local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
    table.insert(result.published, {
      version = params.version or vim.NIL,
      buffer_version = vim.lsp.util.buf_versions[vim.uri_to_bufnr(params.uri)] or vim.NIL,
      count = #params.diagnostics,
    })
    return publish(err, params, ctx, config)
  end
  local exit_code
  local client_id = vim.lsp.start_client({
    name = "async-lint",
    cmd = { vim.env.ASYNC_LINT, "server" },
    root_dir = vim.fn.getcwd(),
    on_exit = function(code)
      exit_code = code
    end,
  })
  if not client_id then
    return finish("the client did not start")
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  if not vim.wait(wait_ms, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50) then
    return finish("no diagnostics arrived within " .. wait_ms .. " ms")
  end
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(result.diagnostics, {
      lnum = d.lnum,
      col = d.col,
      code = d.code or lsp.code,
      message = d.message,
      source = d.source,
      severity = d.severity,
      href = lsp.codeDescription and lsp.codeDescription.href or vim.NIL,
    })
  end

  -- Pick the code action as a user would: cursor on the line, `vim.lsp.buf.code_action()`, then
  -- the entry of the menu (`vim.ui.select`) whose title starts with $ASYNC_LINT_ACTION.
  local d = vim.diagnostic.get(bufnr)[1]
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local picked
  vim.ui.select = function(items, _, on_choice)
    result.actions = {}
    local choice
    for _, item in ipairs(items) do
      -- Neovim 0.7 offers { client_id, action } pairs, later versions { action = ..., ctx = ... }.
      local action = item.action or item[2]
      table.insert(result.actions, action.title)
      if not choice and action.title:find(vim.env.ASYNC_LINT_ACTION, 1, true) == 1 then
        choice = item
      end
    end
    picked = choice ~= nil
    result.edit = choice and (choice.action or choice[2]).edit
    on_choice(choice)
  end
  vim.lsp.buf.code_action()
  if not vim.wait(wait_ms, function()
    return picked ~= nil
  end, 50) then
    return finish("no code actions were offered within " .. wait_ms .. " ms")
  end
  result.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  result.cleared = vim.wait(wait_ms, function()
    return #vim.diagnostic.get(bufnr) == 0
  end, 50)
  result.final_version = vim.lsp.util.buf_versions[bufnr]

  vim.lsp.stop_client(client_id)
  if not vim.wait(wait_ms, function()
    return exit_code ~= nil
  end, 50) then
    return finish("the server did not exit after shutdown within " .. wait_ms .. " ms")
  end
  result.exit_code = exit_code
  finish(nil)
end

vim.api.nvim_create_autocmd("VimEnter", {
  callback = function()
    local ok, err = pcall(run)
    if not ok then
      finish("init.lua failed: " .. tostring(err))
    end
  end,
})
