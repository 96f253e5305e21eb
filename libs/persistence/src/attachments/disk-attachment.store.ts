import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttachmentStore, StoredObject } from './attachment-store';

/** Files under a root folder (default .data/attachments), named by content hash so a re-upload is stored once. */
export class DiskAttachmentStore implements AttachmentStore {
  private readonly root: string;

  constructor(root = '.data/attachments') {
    this.root = resolve(root);
  }

  async put(content: Buffer | Readable): Promise<StoredObject> {
    const tmpDir = join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Buffer.isBuffer(content) ? Readable.from([content]) : content,
        measure,
        createWriteStream(tmp),
      );
      const sha256 = hash.digest('hex');
      const key = `${sha256.slice(0, 2)}/${sha256}`;
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      await rename(tmp, this.path(key));
      return { key, size, sha256 };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.path(key);
    await stat(path);
    return createReadStream(path);
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.path(key)).then(
      () => true,
      () => false,
    );
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  private path(key: string): string {
    const path = resolve(this.root, key);
    // keys come from the database, but never let one escape the root
    if (!path.startsWith(this.root + sep)) throw new Error(`attachment key outside the store: ${key}`);
    return path;
  }
}
