import type { Person } from '@app/persistence';

/**
 * Whether `deputyId` stands in for `absent` on local date `today` (YYYY-MM-DD, the state's date): the absent person
 * is active, names them as deputy and is away that day. The one rule for acting as a deputy, in the dashboard and
 * by an email link sent during the absence.
 */
export function standsInFor(
  absent: Pick<Person, 'active' | 'deputyId' | 'awayFrom' | 'awayUntil'> | null,
  deputyId: string,
  today: string,
): boolean {
  return (
    absent !== null &&
    absent.active &&
    absent.deputyId === deputyId &&
    absent.awayFrom !== null &&
    absent.awayFrom <= today &&
    (absent.awayUntil === null || absent.awayUntil >= today)
  );
}
