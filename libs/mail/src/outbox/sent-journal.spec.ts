import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileSentJournal } from './sent-journal';

const ROW = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('FileSentJournal', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'napflow-journal-spec-')), 'nested', 'journal');
  });

  it('records an accepted copy, finds it, and forgets it once the database holds it', async () => {
    const journal = new FileSentJournal(dir);
    expect(await journal.find(ROW)).toBeNull();
    await journal.record(ROW, {
      messageId: '<a@napflow>',
      response: '250 ok',
      acceptedAt: '2026-11-27T10:00:00Z',
    });
    // another process (the restarted worker) reads the same directory
    expect(await new FileSentJournal(dir).find(ROW.toUpperCase())).toEqual({
      messageId: '<a@napflow>',
      response: '250 ok',
      acceptedAt: '2026-11-27T10:00:00Z',
    });
    expect(fs.readdirSync(dir)).toEqual([`${ROW}.json`]);
    await journal.forget(ROW);
    expect(await journal.find(ROW)).toBeNull();
    expect(fs.readdirSync(dir)).toEqual([]);
    await expect(journal.forget(ROW)).resolves.toBeUndefined();
  });

  it('treats an unreadable entry as accepted: the file exists only after the server said 250', async () => {
    const journal = new FileSentJournal(dir);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${ROW}.json`), '{"messageId": "<a@nap');
    expect(await journal.find(ROW)).toEqual({
      messageId: '',
      response: 'accepted (journal entry unreadable)',
      acceptedAt: '',
    });
  });

  it('refuses anything but an outbox row id as a file name', async () => {
    const journal = new FileSentJournal(dir);
    await expect(journal.find('../../etc/passwd')).rejects.toThrow(/not an outbox row id/);
    await expect(journal.record('x', { messageId: 'm', response: 'r', acceptedAt: '' })).rejects.toThrow(
      /not an outbox row id/,
    );
  });
});
