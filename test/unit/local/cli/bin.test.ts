import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const BIN = 'local/cli/bin.js';

describe('the sluice executable', () => {
  it('prints its version', () => {
    // Act
    const out = execFileSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });

    // Assess
    expect(out.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('names the Node.js requirement in one line on a Node older than 22.5', () => {
    // Prepare: the same binary, told it is Node 22.4 before the CLI reads the version.
    const pretend = 'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"22.4.0"})';

    // Act
    const run = spawnSync(process.execPath, ['--import', pretend, BIN, 'status'], { encoding: 'utf8' });

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^sluice: needs Node\.js 22\.5 or newer \(this is v[\d.]+\); install it from https:\/\/nodejs\.org or with nvm\n$/);
  });
});
