#!/usr/bin/env node
// The `sluice` executable: registers tsx so the CLI runs from its TypeScript sources.
import { register } from 'tsx/esm/api';

register();
const { buildCli } = await import('./main.ts');
await buildCli().parseAsync(process.argv);
