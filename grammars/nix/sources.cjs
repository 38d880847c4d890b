// Prints the directory holding tree-sitter-nix's generated C sources, for binding.gyp.
// The npm package carries a copy in ./src (made by scripts/prebuild.mjs at pack time,
// since tree-sitter-nix is only a devDependency); a checkout reads node_modules.
const fs = require('node:fs');
const path = require('node:path');

const packed = path.join(__dirname, 'src');
const dir = fs.existsSync(path.join(packed, 'parser.c'))
  ? packed
  : path.join(path.dirname(require.resolve('tree-sitter-nix/package.json')), 'src');
process.stdout.write(path.relative(__dirname, dir) || '.');
