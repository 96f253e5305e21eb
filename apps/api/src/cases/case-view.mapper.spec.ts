import { caseIdForWorkflow } from '@app/persistence';
import { caseSnapshot, stepSnapshot } from '@app/persistence/testing/fixtures';
import { caseDetailFromSnapshot } from './case-view.mapper';

describe('caseDetailFromSnapshot', () => {
  const snapshot = caseSnapshot({
    planCode: 'KG-NAP-2013',
    caseCode: 'M-01',
    steps: [stepSnapshot('execute', { status: 'active', assignees: ['KG-SCS'] })],
  });
  const rowId = caseIdForWorkflow(snapshot.workflowId);

  it('answers with the row UUID as `id` (the id every route accepts) and the workflow id beside it', () => {
    const view = caseDetailFromSnapshot(snapshot, { id: rowId, area: null, source: 'workflow' });
    expect(view.id).toBe(rowId);
    expect(view.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(view.workflowId).toBe('case:KG-NAP-2013:M-01');
    expect(view.code).toBe('M-01');
    expect(view).not.toHaveProperty('stale');
  });

  it('marks a read-model answer stale and keeps the same ids', () => {
    const view = caseDetailFromSnapshot(snapshot, { id: rowId, area: null, source: 'read_model' });
    expect(view).toMatchObject({
      id: rowId,
      workflowId: snapshot.workflowId,
      source: 'read_model',
      stale: true,
    });
  });
});
