import type { ProcessDefinition } from './process-definition.schema';
import { getShippedDefinition } from './shipped-definitions';
import { definitionId, definitionsNamedBy, stepTitleIn, stepTitlesOf } from './step-titles';

const measure = getShippedDefinition('measure', 1) as ProcessDefinition;
const step = (stepKey: string, definitionKey = 'measure', definitionVersion: number | null = 1) => ({
  stepKey,
  definitionKey,
  definitionVersion,
});

describe('definitionsNamedBy', () => {
  it('names each (key, version) once, and none for a case without a recorded version', () => {
    expect(
      definitionsNamedBy([
        step('execute'),
        step('contribute'),
        step('execute', 'measure', 2),
        step('draft', 'draft_law'),
        step('execute', 'measure', null),
      ]),
    ).toEqual([
      { id: 'measure@1', key: 'measure', version: 1 },
      { id: 'measure@2', key: 'measure', version: 2 },
      { id: 'draft_law@1', key: 'draft_law', version: 1 },
    ]);
  });
});

describe('stepTitlesOf', () => {
  const definitions = new Map([
    [definitionId('measure', 1), measure],
    [definitionId('gone', 1), undefined],
  ]);

  it("gives the step's titles from its case's definition", () => {
    expect(stepTitlesOf(step('execute'), definitions)).toEqual({
      ru: 'Исполнение меры ведущим ведомством',
      en: 'Implementation by the lead agency',
    });
  });

  it('gives none for an unknown definition, a step the definition lacks, or a case without a version', () => {
    expect(stepTitlesOf(step('execute', 'gone'), definitions)).toBeUndefined();
    expect(stepTitlesOf(step('execute', 'other'), definitions)).toBeUndefined();
    expect(stepTitlesOf(step('no_such_step'), definitions)).toBeUndefined();
    expect(stepTitlesOf(step('execute', 'measure', null), definitions)).toBeUndefined();
  });
});

describe('stepTitleIn', () => {
  it('picks the language, else English, else the stored title', () => {
    const titles = { en: 'Review', ru: 'Рассмотрение' };
    expect(stepTitleIn(titles, 'ru', 'stored')).toBe('Рассмотрение');
    expect(stepTitleIn(titles, 'en', 'stored')).toBe('Review');
    expect(stepTitleIn({ en: 'Review' }, 'ru', 'stored')).toBe('Review');
    expect(stepTitleIn({ en: 'Review', ru: '' }, 'ru', 'stored')).toBe('Review');
    expect(stepTitleIn(undefined, 'ru', 'stored')).toBe('stored');
  });
});
