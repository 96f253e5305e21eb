// Saved workflow histories: written from real runs (see record-histories.int-spec.ts), replayed by
// replay.int-spec.ts against the current workflow code so a change that would break running cases fails CI.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HistoryAndWorkflowId } from '@temporalio/common';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

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

// The SDK's historyToJSON / historyFromJSON (@temporalio/common/lib/proto-utils) fail in this tree with "type must
// be a Type": npm installed two copies of protobufjs 8 (one under @temporalio/common, one under @temporalio/proto),
// and protojson checks `instanceof` against its own copy. So the JSON conversion uses protojson from the copy
// @temporalio/proto loads. Same JSON as the SDK and the Temporal CLI produce (`temporal workflow show -o json`).
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}
const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export type History = proto.temporal.api.history.v1.IHistory;

export function historyToJson(history: History): unknown {
  return protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

export function historyFromJson(json: unknown): History {
  const history = protojson.fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('not a history');
  return history as History;
}

export function asReplayInput(saved: SavedHistory[]): HistoryAndWorkflowId[] {
  return saved.map((s) => ({ workflowId: s.workflowId, history: historyFromJson(s.history) }));
}
