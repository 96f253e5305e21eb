// Public holidays of the states date-holidays has no data for, written in date-holidays' own rule grammar
// (the format of its data/countries/*.yaml: "MM-DD", "1 Shawwal", "... since YYYY", "... prior to YYYY").
// Islamic holidays use the library's Hijri table (1970-2080), an astronomical estimate: the state announces the
// day shortly before; an administrator corrects a differing day by adding it as a non-working date.

type Names = Record<string, string>;

interface RuleOptions {
  name: Names;
  type: 'public' | 'observance';
}

export interface CustomCountryData {
  names: Names;
  langs: string[];
  zones: string[];
  dayoff: string;
  days: Record<string, RuleOptions>;
}

/** How a state moves a day off when a public holiday falls on a weekend day (null: it does not). */
export interface WeekendTransferRule {
  /** first year the rule applies (inclusive), null: always */
  fromYear: number | null;
  /** last year the rule applies (inclusive), null: still in force */
  toYear: number | null;
}

export interface CustomCountry {
  data: CustomCountryData;
  /**
   * "When a public holiday falls on a weekend day, the day off moves to the next working day": applied by
   * holidaysFor, block by block, so it also handles multi-day holidays (Navruz) and clashes with Islamic ones.
   */
  weekendTransfer: WeekendTransferRule | null;
}

const pub = (en: string, ru: string, local?: Record<string, string>): RuleOptions => ({
  name: { en, ru, ...local },
  type: 'public',
});
const observance = (options: RuleOptions): RuleOptions => ({ ...options, type: 'observance' });

// Kyrgyzstan. The Labour Code in force since 2025 makes 1-6 January, 7 January, 8 March, 21 March, 1-9 May,
// 31 August, Orozo Ait and Kurman Ait days off; 23 February, 7 April and 7-8 November stay holidays but are working
// days, and a holiday on a weekend no longer moves the day off. Until 2024 (Labour Code art. 113) 23 February,
// 7 April and 7-8 November were days off too and a holiday on a weekend moved the day off to the next working day.
const NEW_CODE = 2025;
const kgDefender = pub("Fatherland Defender's Day", 'День защитника Отечества', {
  ky: 'Ата Мекенди коргоочулар күнү',
});
const kgApril = pub("People's April Revolution Day", 'День народной Апрельской революции', {
  ky: 'Элдик Апрель революциясы күнү',
});
const kgHistory = pub('History and Commemoration Days', 'Дни истории и памяти предков', {
  ky: 'Тарых жана ата-бабаларды эскерүү күндөрү',
});
const kgNewYear = pub('New Year', 'Новый год', { ky: 'Жаңы жыл' });
const kgMay = pub('May holidays', 'Майские праздники', { ky: 'Май майрамдары' });

export const KG: CustomCountry = {
  data: {
    names: { en: 'Kyrgyzstan', ru: 'Кыргызстан', ky: 'Кыргызстан' },
    langs: ['ky', 'ru'],
    zones: ['Asia/Bishkek'],
    dayoff: 'sunday',
    days: {
      '01-01': kgNewYear,
      [`01-02 since ${NEW_CODE}`]: kgNewYear,
      [`01-03 since ${NEW_CODE}`]: kgNewYear,
      [`01-04 since ${NEW_CODE}`]: kgNewYear,
      [`01-05 since ${NEW_CODE}`]: kgNewYear,
      [`01-06 since ${NEW_CODE}`]: kgNewYear,
      '01-07': pub('Orthodox Christmas', 'Рождество Христово', { ky: 'Рождество' }),
      [`02-23 prior to ${NEW_CODE}`]: kgDefender,
      [`02-23 since ${NEW_CODE}`]: observance(kgDefender),
      '03-08': pub("International Women's Day", 'Международный женский день', {
        ky: 'Эл аралык аялдар күнү',
      }),
      '03-21': pub('Nooruz', 'Нооруз', { ky: 'Нооруз' }),
      [`04-07 prior to ${NEW_CODE}`]: kgApril,
      [`04-07 since ${NEW_CODE}`]: observance(kgApril),
      '05-01': pub('Labour Day', 'Праздник труда', { ky: 'Эмгек майрамы' }),
      [`05-02 since ${NEW_CODE}`]: kgMay,
      [`05-03 since ${NEW_CODE}`]: kgMay,
      [`05-04 since ${NEW_CODE}`]: kgMay,
      '05-05': pub('Constitution Day', 'День Конституции', { ky: 'Конституция күнү' }),
      [`05-06 since ${NEW_CODE}`]: kgMay,
      [`05-07 since ${NEW_CODE}`]: kgMay,
      [`05-08 since ${NEW_CODE}`]: kgMay,
      '05-09': pub('Victory Day', 'День Победы', { ky: 'Жеңиш күнү' }),
      '08-31': pub('Independence Day', 'День независимости', { ky: 'Эгемендүүлүк күнү' }),
      [`11-07 prior to ${NEW_CODE}`]: kgHistory,
      [`11-08 prior to ${NEW_CODE}`]: kgHistory,
      [`11-07 since ${NEW_CODE}`]: observance(kgHistory),
      [`11-08 since ${NEW_CODE}`]: observance(kgHistory),
      '1 Shawwal': pub('Orozo Ait', 'Орозо айт', { ky: 'Орозо айт' }),
      '10 Dhu al-Hijjah': pub('Kurman Ait', 'Курман айт', { ky: 'Курман айт' }),
    },
  },
  weekendTransfer: { fromYear: null, toYear: NEW_CODE - 1 },
};

// Tajikistan. Law "On holidays" / Labour Code: a holiday on a Saturday or Sunday makes the next working day a day
// off (e.g. 2015: Navruz 21-22 March on the weekend, so 25 and 26 March were days off).
const tjNavruz = pub('Navruz', 'Навруз', { tg: 'Наврӯз' });
export const TJ: CustomCountry = {
  data: {
    names: { en: 'Tajikistan', ru: 'Таджикистан', tg: 'Тоҷикистон' },
    langs: ['tg', 'ru'],
    zones: ['Asia/Dushanbe'],
    dayoff: 'sunday',
    days: {
      '01-01': pub('New Year', 'Новый год', { tg: 'Соли нав' }),
      '03-08': pub("Mother's Day", 'День матери', { tg: 'Рӯзи Модар' }),
      '03-21': tjNavruz,
      '03-22': tjNavruz,
      '03-23': tjNavruz,
      '03-24': tjNavruz,
      '05-09': pub('Victory Day', 'День Победы', { tg: 'Рӯзи Ғалаба' }),
      '06-27': pub('National Unity Day', 'День национального единства', { tg: 'Рӯзи Ваҳдати миллӣ' }),
      '09-09': pub('Independence Day', 'День государственной независимости', {
        tg: 'Рӯзи Истиқлолияти давлатӣ',
      }),
      '11-06': pub('Constitution Day', 'День Конституции', { tg: 'Рӯзи Конститутсия' }),
      '1 Shawwal': pub('Idi Ramazon', 'Иди Рамазон', { tg: 'Иди Рамазон' }),
      '10 Dhu al-Hijjah': pub('Idi Qurbon', 'Иди Курбон', { tg: 'Иди Қурбон' }),
    },
  },
  weekendTransfer: { fromYear: null, toYear: null },
};

export const CUSTOM_COUNTRIES: Readonly<Record<string, CustomCountry>> = { KG, TJ };
