import { getShippedDefinition } from '@app/domain';
import { caseIdForWorkflow } from '@app/persistence';
import { caseSnapshot, stepSnapshot } from '@app/persistence/testing/fixtures';
import { caseDetailFromSnapshot, isOverdue } from './case-view.mapper';

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

  it("names each step in the languages of the case's definition, beside the stored title", () => {
    const s = { ...snapshot, steps: [...snapshot.steps, stepSnapshot('no_such_step')] };
    const view = caseDetailFromSnapshot(s, {
      id: rowId,
      area: null,
      source: 'workflow',
      definitions: new Map([['measure@1', getShippedDefinition('measure', 1)]]),
    });
    expect(view.steps[0]).toMatchObject({
      title: 'Step execute',
      titles: { en: 'Implementation by the lead agency', ru: 'Исполнение меры ведущим ведомством' },
    });
    // a step the definition does not have, or no definition at all: the stored title only
    expect(view.steps[1]).not.toHaveProperty('titles');
    const without = caseDetailFromSnapshot(s, { id: rowId, area: null, source: 'workflow' });
    expect(without.steps.map((st) => 'titles' in st)).toEqual([false, false]);
  });
});

describe('isOverdue', () => {
  // Bishkek is UTC+6: the case's own due date 2026-03-01 ends at 2026-03-01T18:00Z
  const base = caseSnapshot({ planCode: 'KG-NAP-2013', caseCode: 'M-02', dueOn: '2026-03-01' });
  const at = (iso: string) => new Date(iso);

  it('is overdue from the midnight that ends the case’s due date in its state’s zone', () => {
    expect(isOverdue(base, at('2026-03-01T17:59:59.999Z'))).toBe(false);
    expect(isOverdue(base, at('2026-03-01T18:00:00.001Z'))).toBe(true);
  });

  it('is overdue as soon as an active step is past its due instant, however far the case’s own date is', () => {
    const s = caseSnapshot({
      planCode: 'KG-NAP-2013',
      caseCode: 'M-03',
      dueOn: '2027-12-31',
      steps: [
        stepSnapshot('consult', { status: 'active', dueOn: '2026-03-02', dueAt: '2026-03-02T12:00:00.000Z' }),
        stepSnapshot('draft', { status: 'done', dueOn: '2026-02-01', dueAt: '2026-02-01T12:00:00.000Z' }),
      ],
    });
    expect(isOverdue(s, at('2026-03-02T11:59:00.000Z'))).toBe(false);
    expect(isOverdue(s, at('2026-03-02T12:01:00.000Z'))).toBe(true);
  });

  it('is never overdue once closed', () => {
    expect(isOverdue({ ...base, status: 'completed' }, at('2027-01-01T00:00:00Z'))).toBe(false);
  });
});
