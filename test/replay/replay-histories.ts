// Saved workflow histories: written from real runs (see record-histories.int-spec.ts), replayed by
// replay.int-spec.ts against the current workflow code so a change that would break running cases fails CI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/common';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import type * as proto from '@temporalio/proto';

export const historiesDir = path.join(__dirname, 'histories');

export interface SavedHistory {
  /** what the run did, for whoever reads a failure */
  description: string;
  workflowId: string;
  runId: string;
  recordedAt: string;
  sdkVersion: string;
  /** the history in Temporal's JSON form (historyToJSON) */
  history: unknown;
}

export function loadSavedHistories(): SavedHistory[] {
  if (!fs.existsSync(historiesDir)) return [];
  return fs
    .readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(historiesDir, f), 'utf8')) as SavedHistory);
}

// Temporal's JSON form of a history (the SDK's proto-utils; the same JSON as `temporal workflow show -o json`).
// It needs one copy of protobufjs 8 in the tree: package.json pins protobufjs at the root so that npm dedupes the
// copies of @temporalio/common, /proto and /worker (with two, protojson's `instanceof` failed: "type must be a Type").
export type History = proto.temporal.api.history.v1.IHistory;

export function historyToJson(history: History): unknown {
  return JSON.parse(historyToJSON(history)) as unknown;
}

export function historyFromJson(json: unknown): History {
  return historyFromJSON(json);
}

export function asReplayInput(saved: SavedHistory[]): HistoryAndWorkflowId[] {
  return saved.map((s) => ({ workflowId: s.workflowId, history: historyFromJson(s.history) }));
}
