-- Neovim set up for NetLens as the README's "Other editors" section shows, for the end-to-end test: the server
-- started for each YAML buffer, `netlens-lsp` found on PATH (the test puts it there, as `npm link` does).
vim.cmd('filetype on')

local netlens = {
  name = 'netlens',
  cmd = { 'netlens-lsp', '--stdio' },
  root_dir = vim.fn.getcwd(),
  -- The test reads no live cluster: the workspace manifests are the model.
  init_options = { cluster = false },
  settings = { netlens = { clusterDomain = 'cluster.local', defaultNamespace = 'default' } },
}
-- A Neovim that does not declare `workspace/configuration` (before 0.9) is never asked for the settings: the
-- server reads them from the initialization options instead.
netlens.init_options.netlens = netlens.settings.netlens

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'yaml',
  callback = function(args)
    if vim.lsp.start then
      -- Neovim 0.8 and later: starts the server once, and attaches it to each YAML buffer.
      vim.lsp.start(netlens)
    else
      -- Neovim 0.7: the same by hand.
      _G.netlens_client = _G.netlens_client or vim.lsp.start_client(netlens)
      vim.lsp.buf_attach_client(args.buf, _G.netlens_client)
    end
  end,
})
