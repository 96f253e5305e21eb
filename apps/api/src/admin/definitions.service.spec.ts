import type { ProcessDefinition } from '@app/domain/process/process-definition.schema';
import type { AuditRepository, DefinitionsRepository, StoredDefinition } from '@app/persistence';
import { DefinitionsService } from './definitions.service';

// an uploaded kind (nothing shipped under its key): every answer comes from the repository
const custom = (version: number) =>
  ({
    key: 'custom_review',
    version,
    title: { en: 'Custom review', ru: 'Особое рассмотрение' },
    steps: [{ key: 'review', title: { en: 'Review', ru: 'Рассмотрение' } }],
  }) as unknown as ProcessDefinition;
const row = (d: ProcessDefinition): StoredDefinition => ({
  key: d.key,
  version: d.version,
  definition: d,
  publishedBy: null,
  publishedAt: '2026-01-01T00:00:00.000Z',
});

function setUp(published: ProcessDefinition[]) {
  const get = jest.fn((key: string, version: number) =>
    Promise.resolve(published.filter((d) => d.key === key && d.version === version).map(row)[0] ?? null),
  );
  const latest = jest.fn((key: string) =>
    Promise.resolve(
      published
        .filter((d) => d.key === key)
        .sort((a, b) => b.version - a.version)
        .map(row)[0] ?? null,
    ),
  );
  const service = new DefinitionsService(
    { get, latest } as unknown as DefinitionsRepository,
    {} as AuditRepository,
  );
  return { service, get, latest };
}

describe(DefinitionsService.name, () => {
  describe('resolve', () => {
    it('reads a published version once, however many ask for it at once or later', async () => {
      const { service, get } = setUp([custom(1)]);
      const first = await Promise.all([
        service.resolve('custom_review', 1),
        service.resolve('custom_review', 1),
      ]);
      expect(first.map((d) => d?.version)).toEqual([1, 1]);
      expect((await service.resolve('custom_review', 1))?.title.ru).toBe('Особое рассмотрение');
      expect(get).toHaveBeenCalledTimes(1);
    });

    it('does not keep a version it did not find: it may be published next', async () => {
      const published: ProcessDefinition[] = [];
      const { service, get } = setUp(published);
      expect(await service.resolve('custom_review', 1)).toBeUndefined();
      published.push(custom(1));
      expect((await service.resolve('custom_review', 1))?.version).toBe(1);
      expect(get).toHaveBeenCalledTimes(2);
    });

    it('reads the latest version afresh every time: a new one may have been published', async () => {
      const published = [custom(1)];
      const { service, latest } = setUp(published);
      expect((await service.resolve('custom_review'))?.version).toBe(1);
      published.push(custom(2));
      expect((await service.resolve('custom_review'))?.version).toBe(2);
      expect(latest).toHaveBeenCalledTimes(2);
    });
  });

  describe('namedBy', () => {
    it('resolves each (key, version) the steps name once, unknown ones to undefined', async () => {
      const { service, get } = setUp([custom(1)]);
      const step = (stepKey: string, definitionVersion: number | null, definitionKey = 'custom_review') => ({
        stepKey,
        definitionKey,
        definitionVersion,
      });
      const definitions = await service.namedBy([
        step('review', 1),
        step('decide', 1),
        step('review', 7),
        step('review', null),
        step('execute', 1, 'measure'),
      ]);
      expect([...definitions.keys()]).toEqual(['custom_review@1', 'custom_review@7', 'measure@1']);
      expect(definitions.get('custom_review@1')?.version).toBe(1);
      expect(definitions.get('custom_review@7')).toBeUndefined();
      // shipped, and possibly stored at start-up too: found either way
      expect(definitions.get('measure@1')?.title.en).toBe('National action plan measure');
      expect(get.mock.calls).toEqual([
        ['custom_review', 1],
        ['custom_review', 7],
        ['measure', 1],
      ]);
    });
  });
});
