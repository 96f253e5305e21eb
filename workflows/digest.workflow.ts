// The weekly digest of one agency, started by its Temporal Schedule (Monday 09:00 local). Deterministic: the
// scheduled time, not the clock, names the digest, so a retried or re-run digest of the same week is one email.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { CaseActivities, NotifyResult } from '@app/activities/contracts';
import type { DigestActivities } from '@app/activities/digest.activities';
import { NOTIFY_OPTIONS } from './send-notices';

export interface DigestWorkflowInput {
  agencyCode: string;
  /** ISO instant; manual runs and tests pass it, scheduled runs take it from the schedule */
  scheduledFor?: string;
}

export type DigestWorkflowResult =
  NotifyResult | { key: string; status: 'nothing_to_report' | 'unknown_agency'; recipients: 0 };

const { collectAgencyDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// SMTP outages are retried as for a case's notices, until the day is over (the schedule's run timeout)
const { notify } = proxyActivities<CaseActivities>(NOTIFY_OPTIONS);

const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** The instant the schedule meant this run for: set by the server on scheduled runs, also appended to the workflow id. */
export function scheduledTimeOf(input: DigestWorkflowInput): string {
  if (input.scheduledFor) return new Date(input.scheduledFor).toISOString();
  const info = workflowInfo();
  const fromAttribute = info.typedSearchAttributes.get(SCHEDULED_START);
  if (fromAttribute) return new Date(fromAttribute).toISOString();
  const suffix = /-(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)$/.exec(info.workflowId);
  if (suffix) return new Date(suffix[1]).toISOString();
  return info.startTime.toISOString();
}

/** `digest:<agency>:-:weekly_digest:<scheduled time, compact>:0`, the shape of every notification key. */
export function digestKey(agencyCode: string, scheduledFor: string): string {
  return `digest:${agencyCode}:-:weekly_digest:${scheduledFor.replace(/[-:]|\.\d+/g, '')}:0`;
}

export async function digestWorkflow(input: DigestWorkflowInput): Promise<DigestWorkflowResult> {
  const scheduledFor = scheduledTimeOf(input);
  const key = digestKey(input.agencyCode, scheduledFor);
  const digest = await collectAgencyDigest({ agencyCode: input.agencyCode, scheduledFor });
  if (!digest) return { key, status: 'unknown_agency', recipients: 0 };
  if (!digest.overdue.length && !digest.dueThisWeek.length && !digest.awaitingDecision.length) {
    return { key, status: 'nothing_to_report', recipients: 0 };
  }
  return notify({
    key,
    kind: 'weekly_digest',
    workflowId: `digest:${input.agencyCode}`,
    toAgencies: [input.agencyCode],
    toCoordinators: false,
    data: {
      stateCode: digest.stateCode,
      timeZone: digest.timeZone,
      digest: {
        agencyName: digest.agencyName,
        weekOf: digest.weekOf,
        dueThisWeek: digest.dueThisWeek,
        overdue: digest.overdue,
        awaitingDecision: digest.awaitingDecision,
      },
    },
  });
}
