import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appNames, fillTemplate, scaffoldApp } from '../../../../local/cli/commands/init.ts';
import { UsageError } from '../../../../local/cli/commands/usage-error.ts';

const values = { name: 'my-app', stackName: 'MyApp', sluice: '^0.1.0', versions: { zod: '^4.6.7' } };

describe('sluice init', () => {
  it('fills name, stack, sluice spec and dependency versions into a template', () => {
    // Act
    const out = fillTemplate('{{name}} {{stackName}} {{sluice}} {{v:zod}}', values);

    // Assess
    expect(out).toBe('my-app MyApp ^0.1.0 ^4.6.7');
  });

  it('refuses a placeholder it has no value for, so no template ships with a hole', () => {
    // Act / Assess
    expect(() => fillTemplate('{{v:left-pad}}', values)).toThrow('template placeholder {{v:left-pad}} has no value');
  });

  it.each([
    ['/tmp/my-app', 'my-app', 'MyApp'],
    ['/tmp/Invoices_2026', 'invoices_2026', 'Invoices2026'],
    ['/tmp/42-things', '42-things', 'App42Things'],
  ])('names the app in %s as package %s and stack %s', (dir, name, stackName) => {
    expect(appNames(dir)).toEqual({ name, stackName });
  });

  it('writes a complete app whose package.json depends on the given sluice spec and sluice’s own versions', () => {
    // Prepare
    const dir = join(mkdtempSync(join(tmpdir(), 'sluice-init-')), 'billing');
    const tarball = join(tmpdir(), 'sluice-0.1.0.tgz');
    writeFileSync(tarball, '');

    // Act
    const files = scaffoldApp(dir, { sluice: tarball });

    // Assess
    expect(files).toEqual(expect.arrayContaining(['.gitignore', 'README.md', 'bin/app.ts', 'cdk.json', 'handlers/invoice-worker.ts', 'lib/app-stack.ts', 'package.json', 'test/invoices.test.ts']));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const own = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.dependencies.sluice).toBe(`file:${tarball}`);
    expect(pkg.dependencies['aws-cdk-lib']).toBe(own.devDependencies['aws-cdk-lib']);
    expect(JSON.parse(readFileSync(join(dir, 'cdk.json'), 'utf8')).context['sluice:stack']).toBe('Billing');
    expect(readFileSync(join(dir, 'test', 'invoices.test.ts'), 'utf8')).toContain("from 'sluice/testing'");
  });

  it('refuses a folder that is not empty', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'sluice-init-'));
    writeFileSync(join(dir, 'notes.txt'), 'mine');

    // Act / Assess
    expect(() => scaffoldApp(dir)).toThrow(UsageError);
    expect(existsSync(join(dir, 'package.json'))).toBe(false);
  });
});
