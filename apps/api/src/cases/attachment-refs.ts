import type { AttachmentRef } from '@app/domain/case/case.types';
import type { AttachmentsRepository } from '@app/persistence';
import { DomainErrorCode, DomainException } from '../common/domain.exception';
import { UUID } from './attachment-types';

/**
 * The attachment refs of a completion, checked against the case: each id must be an attachment uploaded to this
 * case (else 422 naming it) and a given sha256 must match; name and hash are taken from what was stored.
 */
export async function resolveAttachmentRefs(
  repo: AttachmentsRepository,
  caseId: string,
  refs: AttachmentRef[] | undefined,
): Promise<AttachmentRef[] | undefined> {
  if (!refs || refs.length === 0) return refs;
  const out: AttachmentRef[] = [];
  for (const ref of refs) {
    const meta = UUID.test(ref.id) ? await repo.get(ref.id.toLowerCase()) : null;
    if (!meta || meta.caseId !== caseId) {
      throw new DomainException(
        DomainErrorCode.ProcessRefused,
        `Attachment ${ref.id} does not belong to this case`,
        { attachmentId: ref.id },
      );
    }
    if (ref.sha256 && ref.sha256 !== meta.sha256) {
      throw new DomainException(
        DomainErrorCode.ProcessRefused,
        `Attachment ${ref.id}: the sha256 does not match the stored content`,
        { attachmentId: ref.id },
      );
    }
    out.push({ id: meta.id, name: meta.name, sha256: meta.sha256 });
  }
  return out;
}
