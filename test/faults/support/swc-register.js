// Runs TypeScript entry points in a child process without a build: `node -r ./test/faults/support/swc-register.js x.ts`.
// Compiles each .ts file with @swc/core (the same .swcrc jest uses) and maps the @app/* aliases like tsconfig.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..', '..', '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
swcrc.sourceMaps = 'inline';

const targets = { workflows: path.join(root, 'workflows'), activities: path.join(root, 'activities') };
for (const lib of ['domain', 'persistence', 'mail', 'temporal', 'config', 'devstack'])
  targets[lib] = path.join(root, 'libs', lib, 'src');

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, parent, isMain, options) {
  const m = /^@app\/([\w-]+)(?:\/(.*))?$/.exec(request);
  if (m && targets[m[1]]) {
    const target = m[2] ? path.join(targets[m[1]], m[2]) : path.join(targets[m[1]], 'index');
    return originalResolve.call(this, target, parent, isMain, options);
  }
  return originalResolve.call(this, request, parent, isMain, options);
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, { ...swcrc, filename, swcrc: false, configFile: false });
  module._compile(code, filename);
};
require('reflect-metadata');
