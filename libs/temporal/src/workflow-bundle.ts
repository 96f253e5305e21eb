// Bundling of the workflow code. The SDK bundles workflows with its own webpack, which knows nothing of
// tsconfig paths or jest's moduleNameMapper: the @app aliases are configured here, once, for the worker,
// the replay tests and the build.
import * as path from 'node:path';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type BundleOptions,
  type Logger,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';

// The repository root, both from sources (libs/temporal/src) and from the compiled tree (dist/libs/temporal/src).
const root = path.resolve(__dirname, '../../..');

/** The folder whose index exports the workflows (a directory, so webpack picks index.ts or index.js). */
export const workflowsPath = path.join(root, 'workflows');

/** The aliases workflow code may use; only deterministic libraries belong here. */
export const workflowAliases: Record<string, string> = {
  '@app/domain': path.join(root, 'libs/domain/src'),
  '@app/workflows': path.join(root, 'workflows'),
  // type-only imports of the activity contracts are erased, but keep them resolvable
  '@app/activities': path.join(root, 'activities'),
};

/**
 * Packages evaluated once for every workflow the worker caches, instead of once per workflow. The SDK's reusable V8
 * context gives each workflow its own copy of every module it imports; luxon's copy (its classes, their getters and
 * methods) was about 70 KB per cached case, 70 MB at 1,000 open cases. Only for packages that hold no per-workflow
 * state: luxon keeps caches of time-zone and Intl formatter objects, which give the same answers to every workflow,
 * and napflow never changes its Settings. The SDK deep-freezes what it preloads (exports, classes and prototypes).
 */
export const workflowPreloadModules = ['luxon'];

type WebpackConfigHook = NonNullable<BundleOptions['webpackConfigHook']>;

export const napflowWebpackConfigHook: WebpackConfigHook = (config) => {
  const resolve = config.resolve ?? {};
  const alias = resolve.alias;
  return {
    ...config,
    // The SDK preloads a module with a bare `require('luxon')` whose result is unused; with package.json's
    // "sideEffects": false honoured, webpack drops that require and nothing is preloaded.
    optimization: { ...config.optimization, sideEffects: false },
    resolve: {
      ...resolve,
      // also from the root, so that a copy of the workflows outside the tree (replay tests) resolves its packages
      modules: [...(resolve.modules ?? ['node_modules']), path.join(root, 'node_modules')],
      alias: Array.isArray(alias)
        ? [...alias, ...Object.entries(workflowAliases).map(([name, target]) => ({ name, alias: target }))]
        : { ...(alias ?? {}), ...workflowAliases },
    },
  };
};

/** For `Worker.create({ workflowsPath, bundlerOptions })` when the worker bundles at start (development, tests). */
export const napflowBundlerOptions: Pick<BundleOptions, 'webpackConfigHook' | 'preloadModules'> = {
  webpackConfigHook: napflowWebpackConfigHook,
  preloadModules: workflowPreloadModules,
};

export interface BundleNapflowWorkflowsOptions {
  /** another workflows entry (tests bundle altered copies to prove the replay check) */
  workflowsPath?: string;
  /** defaults to warnings only: webpack's statistics are noise in tests */
  logger?: Logger;
}

/** Bundles `workflows/` with the napflow aliases; pass the result as `workflowBundle` to a Worker. */
export async function bundleNapflowWorkflows(
  options: BundleNapflowWorkflowsOptions = {},
): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? workflowsPath,
    logger: options.logger ?? new DefaultLogger('WARN'),
    webpackConfigHook: napflowWebpackConfigHook,
    preloadModules: workflowPreloadModules,
  });
}
