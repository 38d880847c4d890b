// Loads the compiled grammar; see binding.cc for why the project builds its own.
module.exports = require('./build/Release/tree_sitter_nix_binding.node');
