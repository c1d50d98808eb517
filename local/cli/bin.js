#!/usr/bin/env node
// The `sluice` executable. Plain JavaScript that any Node runs, so an old Node gets one clear line
// instead of an error from deep inside an emulator (fauxqs needs node:sqlite, Node ≥ 22.5).
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 5)) {
  process.stderr.write(`sluice: needs Node.js 22.5 or newer (this is ${process.version}); install it from https://nodejs.org or with nvm\n`);
  process.exit(1);
}

// In sluice's own repository the CLI runs from its TypeScript sources, and `sluice/*` imports (the
// Orders example's) must resolve to those same sources: the `sluice-source` export condition.
const fromSource = existsSync(fileURLToPath(new URL('./main.ts', import.meta.url)));
if (fromSource) register('./source-condition.js', import.meta.url);

// tsx lets the CLI load TypeScript: a CDK app synthesized in-process, handlers run from their entries.
const tsx = await import('tsx/esm/api');
tsx.register();
const { buildCli } = await import(fromSource ? './main.ts' : '../../dist/local/cli/main.js');
await buildCli().parseAsync(process.argv);
