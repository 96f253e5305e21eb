import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { endpoints } from '../api/endpoints';
import type { Agency, Plan } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { useApi } from './use-api';

// Agencies and plans, loaded once per session for labels and filter choices.
interface Reference {
  agencies: Agency[];
  plans: Plan[];
  agencyName: (code: string | null | undefined) => string;
  reloadPlans: () => void;
  reloadAgencies: () => void;
}

const ReferenceContext = createContext<Reference | null>(null);

export function ReferenceProvider({ children }: { children: ReactNode }) {
  const { lang, t } = useI18n();
  const agencies = useApi((s) => endpoints.agencies(s).catch(() => [] as Agency[]), []);
  const plans = useApi((s) => endpoints.plans(s).catch(() => [] as Plan[]), []);
  const value = useMemo<Reference>(() => {
    const byCode = new Map((agencies.data ?? []).map((a) => [a.code, a]));
    return {
      agencies: agencies.data ?? [],
      plans: plans.data ?? [],
      agencyName: (code) => {
        if (!code) return '—';
        if (code === 'coordinator') return t('role.coordinator');
        const a = byCode.get(code);
        return a ? (lang === 'ru' && a.nameRu ? a.nameRu : a.name) : code;
      },
      reloadPlans: plans.reload,
      reloadAgencies: agencies.reload,
    };
  }, [agencies.data, plans.data, plans.reload, agencies.reload, lang, t]);
  return <ReferenceContext.Provider value={value}>{children}</ReferenceContext.Provider>;
}

export function useReference(): Reference {
  const ctx = useContext(ReferenceContext);
  if (!ctx) throw new Error('useReference outside ReferenceProvider');
  return ctx;
}
