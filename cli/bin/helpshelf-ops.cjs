#!/usr/bin/env node
'use strict';
// `helpshelf-ops` (package.json "bin", and `npm run ops`). The CLI is TypeScript: tsx, installed by
// `npm ci`, compiles it in memory as it loads, so a fresh clone needs no build step.
require('tsx/cjs/api').register();
require('../main.ts');
