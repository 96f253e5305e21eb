// Pure module (no Node built-ins): workflows and libs/temporal may import it through
// `@app/devstack/search-attributes` without pulling the rest of the dev stack into a bundle.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The Temporal namespace napflow uses everywhere (dev server, tests, production default). */
export const NAPFLOW_NAMESPACE = 'napflow';

/**
 * Custom search attributes napflow registers. Business codes only, never personal data (visibility
 * is stored unencrypted). SQL-backed servers allow few per type: keep it small.
 */
export const NAPFLOW_SEARCH_ATTRIBUTES = {
  /** Plan code, e.g. `KG-NAP-2013`. */
  NapflowPlan: 'Keyword',
  /** Case kind: measure, draft-law, government-decision, assistance-request, peer-review, matrix-revision. */
  NapflowKind: 'Keyword',
  /** Agency codes involved in the open steps (the SQLite dev server supports KeywordList). */
  NapflowAgency: 'KeywordList',
} as const;

export type NapflowSearchAttributeName = keyof typeof NAPFLOW_SEARCH_ATTRIBUTES;

export const SEARCH_ATTRIBUTE_PLAN = defineSearchAttributeKey('NapflowPlan', SearchAttributeType.KEYWORD);
export const SEARCH_ATTRIBUTE_KIND = defineSearchAttributeKey('NapflowKind', SearchAttributeType.KEYWORD);
export const SEARCH_ATTRIBUTE_AGENCY = defineSearchAttributeKey(
  'NapflowAgency',
  SearchAttributeType.KEYWORD_LIST,
);

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function searchAttributeArgs(): string[] {
  return Object.entries(NAPFLOW_SEARCH_ATTRIBUTES).flatMap(([name, type]) => [
    '--search-attribute',
    `${name}=${type}`,
  ]);
}
