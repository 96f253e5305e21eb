import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { ru } from './ru';
import type { Language } from '../api/types';

const dictionaries: Record<Language, Record<MessageKey, string>> = { en, ru };
const STORAGE_KEY = 'napflow.lang';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

interface I18n {
  lang: Language;
  setLang: (lang: Language) => void;
  t: Translate;
  /** translate a key that may not exist (kinds, actions from the API): falls back to the raw value */
  tx: (prefix: string, value: string) => string;
  /** the message of a key that may not exist (an error code from the API), or undefined */
  lookup: (key: string) => string | undefined;
  formatDate: (iso: string | null | undefined) => string;
  formatDateTime: (iso: string | null | undefined) => string;
}

/** A name the API gives in several languages ({ en, ru }) or as one string, in `lang` (else English, else Russian). */
export function inLanguage(v: unknown, lang: Language): string {
  if (typeof v === 'string') return v;
  if (!v || typeof v !== 'object') return '';
  const names = v as Partial<Record<Language, string>>;
  return names[lang] ?? names.en ?? names.ru ?? '';
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Language {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'ru' || stored === 'en') return stored;
  return navigator.language?.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function interpolate(text: string, params?: Record<string, string | number>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Language>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = dictionaries[lang];
    const t: Translate = (key, params) => interpolate(dict[key] ?? en[key] ?? key, params);
    const lookup = (key: string) => (Object.hasOwn(dict, key) ? dict[key as MessageKey] : undefined);
    const tx = (prefix: string, v: string) => lookup(`${prefix}.${v}`) ?? v.replace(/_/g, ' ');
    const locale = lang === 'ru' ? 'ru-RU' : 'en-GB';
    // calendar dates (YYYY-MM-DD) are shown as written; instants in the viewer's own time zone
    const dateFmt = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    const instantDateFmt = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
    });
    const dateTimeFmt = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    return {
      lang,
      setLang,
      t,
      tx,
      lookup,
      formatDate: (iso) => {
        if (!iso) return '—';
        const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
        if (Number.isNaN(d.getTime())) return iso;
        return iso.length === 10 ? dateFmt.format(d) : instantDateFmt.format(d);
      },
      formatDateTime: (iso) => {
        if (!iso) return '—';
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : dateTimeFmt.format(d);
      },
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
