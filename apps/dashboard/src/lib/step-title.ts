// The API keeps one title per step (English) and sends, when it knows the case's process definition, the step's
// name in each language of that definition beside it.
import type { CaseSummary, Language, StepTitles } from '../api/types';

/** A step's name in `lang`: the definition's, else its English one, else the stored title. */
export function stepTitle(step: { title: string; titles?: StepTitles }, lang: Language): string {
  return step.titles?.[lang] || step.titles?.en || step.title;
}

/** The name in `lang` of the step a case waits on: the API's current step, else its first active one. */
export function currentStepTitle(c: CaseSummary, lang: Language): string | undefined {
  const step = c.currentStep ?? c.steps?.find((s) => s.status === 'active');
  return step && stepTitle(step, lang);
}
