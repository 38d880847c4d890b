// Loads the grammar binding (see binding.cc for why the project builds its own):
// a local build (build/Release) when there is one, else the prebuilt binary that
// the npm package ships in prebuilds/<platform>-<arch>/ (docs/install.md).
module.exports = require('node-gyp-build')(__dirname);
