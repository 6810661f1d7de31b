#!/usr/bin/env node
'use strict';
// dist/cli.js, copied by tools/build.mjs: the whole shell is one bundled file, dist/sockshell.cjs,
// compiled here with V8's code cache (dist/sockshell.v8cache) so that start-up neither resolves and
// links ~90 modules nor parses half a megabyte of JavaScript. Node 20 has no compile cache of its own.
// Stack traces still name src/*.ts: the source map is read the first time a stack is formatted, which
// a working run never does. This file is CommonJS (dist/package.json says so): an ES module entry
// costs Node ~5 ms of CPU more to start.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { SourceMap, createRequire } = require('node:module');
const { join } = require('node:path');
const { fileURLToPath } = require('node:url');
const { Script } = require('node:vm');

const dir = __dirname;
const bundle = join(dir, 'sockshell.cjs');
const cacheFile = join(dir, 'sockshell.v8cache');

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined; // none yet: made below, once
}
// latin1: the build leaves the bundle ASCII (tools/build.mjs), so no UTF-8 decoding, and V8 keeps it one byte a character.
const source = readFileSync(bundle, 'latin1');
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
});

// A missing or stale cache (another Node version) is made again after this run, which compiles what
// a start-up needs. It is a cache: a directory we may not write to only costs the next start-up.
if (cachedData === undefined || script.cachedDataRejected) {
  process.once('exit', () => {
    const temporary = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
    } catch {
      // read-only install: start-up stays slower, nothing else changes
    }
  });
}

installSourceMaps();
const bundled = { exports: {} };
script.runInThisContext().call(bundled.exports, bundled.exports, createRequire(bundle), bundled, bundle, dir);

/**
 * Frames in the bundle are shown at their place in src/*.ts. The map is loaded on the first stack
 * formatted (an internal error), never on a normal run.
 */
function installSourceMaps() {
  let map = null;
  const original = (line, column) => {
    if (map === null) {
      map = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
    }
    const at = map.findEntry(line - 1, column - 1);
    if (at === undefined || at.originalSource === undefined) return null;
    const path = at.originalSource.startsWith('file://') ? fileURLToPath(at.originalSource) : join(dir, at.originalSource);
    return `${path}:${at.originalLine + 1}:${at.originalColumn + 1}`;
  };
  Error.prepareStackTrace = (error, frames) => {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = '<error>';
    }
    const lines = frames.map((frame) => {
      const text = String(frame);
      if (frame.getFileName() !== bundle) return `    at ${text}`;
      let mapped;
      try {
        mapped = original(frame.getLineNumber(), frame.getColumnNumber());
      } catch {
        mapped = null; // no map beside the bundle: the bundle's own place is still right
      }
      return `    at ${mapped === null ? text : text.replace(`${bundle}:${frame.getLineNumber()}:${frame.getColumnNumber()}`, mapped)}`;
    });
    return [header, ...lines].join('\n');
  };
}
