import { SHIPPED_DEFINITIONS, getShippedDefinition } from './shipped-definitions';

describe('SHIPPED_DEFINITIONS', () => {
  it('ships the seven kinds at version 1', () => {
    expect(SHIPPED_DEFINITIONS.map((d) => `${d.key}@${d.version}`)).toEqual([
      'measure@1',
      'draft_law@1',
      'government_decision@1',
      'assistance_request@1',
      'handover@1',
      'peer_review@1',
      'matrix_revision@1',
    ]);
  });
  it('finds by key and version', () => {
    expect(getShippedDefinition('draft_law')?.key).toBe('draft_law');
    expect(getShippedDefinition('draft_law', 1)?.version).toBe(1);
    expect(getShippedDefinition('draft_law', 2)).toBeUndefined();
    expect(getShippedDefinition('nope')).toBeUndefined();
  });
});
