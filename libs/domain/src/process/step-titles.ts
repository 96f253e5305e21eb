// A step's name in the reader's language. The read model keeps one title per step (English); the other languages
// live in the case's process definition, so lists of steps (digests, calendar feeds) read them from there: one
// definition per distinct (key, version), whatever the number of steps.
import type { Language } from '../case/case.types';
import type { ProcessDefinition } from './process-definition.schema';

/** A step's name in the languages its process definition gives (English always). */
export type StepTitles = { en: string } & Partial<Record<Language, string>>;

/** A step as lists show it: its key and the process definition of its case (no version: none recorded). */
export interface StepOfDefinition {
  stepKey: string;
  definitionKey: string;
  definitionVersion: number | null;
}

export interface DefinitionRef {
  /** `${key}@${version}`, the key of the map stepTitlesOf reads */
  id: string;
  key: string;
  version: number;
}

export const definitionId = (key: string, version: number): string => `${key}@${version}`;

/** Every definition the steps name, once each; a step of a case with no recorded version names none. */
export function definitionsNamedBy(steps: readonly StepOfDefinition[]): DefinitionRef[] {
  const refs = new Map<string, DefinitionRef>();
  for (const s of steps) {
    if (s.definitionVersion === null) continue;
    const id = definitionId(s.definitionKey, s.definitionVersion);
    if (!refs.has(id)) refs.set(id, { id, key: s.definitionKey, version: s.definitionVersion });
  }
  return [...refs.values()];
}

/**
 * The step's titles in its case's definition (`definitions` by DefinitionRef id, as definitionsNamedBy listed
 * them); undefined when the definition is unknown or has no such step.
 */
export function stepTitlesOf(
  step: StepOfDefinition,
  definitions: ReadonlyMap<string, ProcessDefinition | undefined>,
): StepTitles | undefined {
  if (step.definitionVersion === null) return undefined;
  const definition = definitions.get(definitionId(step.definitionKey, step.definitionVersion));
  const title = definition?.steps.find((d) => d.key === step.stepKey)?.title;
  if (!title?.en) return undefined;
  return title.ru ? { en: title.en, ru: title.ru } : { en: title.en };
}

/** The title in `language`, else in English, else `fallback` (the read model's title). */
export function stepTitleIn(titles: StepTitles | undefined, language: Language, fallback: string): string {
  return titles?.[language] || titles?.en || fallback;
}
