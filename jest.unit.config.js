// The unit project alone (no emulator, no stage): what mutation testing runs for every mutant.
const root = require('./jest.config.js');

const unit = root.projects.find((p) => p.displayName === 'unit');
module.exports = { ...unit, rootDir: __dirname, testTimeout: root.testTimeout };
