import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleNapflowWorkflows, workflowsPath } from './workflow-bundle';

/** A copy of workflows/ in a temporary folder, with one file added, to bundle what must not build. */
function workflowsCopyWith(file: string, source: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-workflows-'));
  for (const name of fs.readdirSync(workflowsPath)) {
    if (name.endsWith('.ts') && !name.endsWith('.spec.ts'))
      fs.copyFileSync(path.join(workflowsPath, name), path.join(dir, name));
  }
  fs.writeFileSync(path.join(dir, file), source);
  fs.appendFileSync(path.join(dir, 'index.ts'), `\nexport * from './${file.replace(/\.ts$/, '')}';\n`);
  return dir;
}

describe('bundleNapflowWorkflows', () => {
  const copies: string[] = [];
  afterAll(() => copies.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('bundles workflows/ with the @app aliases and exports the case workflow', async () => {
    const bundle = await bundleNapflowWorkflows();
    expect(bundle.code).toContain('caseWorkflow');
    // the engine came in through the @app/domain alias
    expect(bundle.code).toContain('libs/domain/src/');
    // luxon is evaluated once for all cached workflows, not once per workflow (workflowPreloadModules)
    expect(bundle.code).toMatch(
      /exports\.preloadModules = function preloadModules\(\) \{\s*__webpack_require__\([^;]*node_modules\/luxon\//,
    );
  }, 120_000);

  it('fails the build when workflow code imports a Node built-in', async () => {
    const dir = workflowsCopyWith(
      'disk.workflow.ts',
      `import { readFileSync } from 'fs';\nexport async function diskWorkflow(): Promise<string> { return readFileSync('/etc/hostname', 'utf8'); }\n`,
    );
    copies.push(dir);
    await expect(bundleNapflowWorkflows({ workflowsPath: dir })).rejects.toThrow(
      /disallowed modules:\n {2}- 'fs'/,
    );
  }, 120_000);

  it('fails the build when workflow code imports a module that does not resolve', async () => {
    const dir = workflowsCopyWith(
      'typo.workflow.ts',
      `import { caseWorkflowId } from '@app/domain/no-such-module';\nexport async function typoWorkflow(): Promise<string> { return caseWorkflowId('a', 'b'); }\n`,
    );
    copies.push(dir);
    await expect(bundleNapflowWorkflows({ workflowsPath: dir })).rejects.toThrow(
      /Webpack finished with errors/,
    );
  }, 120_000);
});
