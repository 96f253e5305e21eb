import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
  sha256: string;
}

/** Where attachment bytes live: a disk folder here, object storage elsewhere. Keys are opaque to callers. */
export interface AttachmentStore {
  put(content: Buffer | Readable): Promise<StoredObject>;
  get(key: string): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export const ATTACHMENT_STORE = Symbol('AttachmentStore');
