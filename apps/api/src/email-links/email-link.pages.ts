import { escapeHtml as e, formatLocalDate } from '@app/mail';
import type { Language } from '@app/domain/case/case.types';
import type { EmailLinkChoice } from '@app/persistence';

// The pages behind an approve-by-email link: plain HTML, no script, readable without CSS, one form.

export type LinkPage =
  | {
      page: 'confirm';
      lang: Language;
      personName: string;
      onBehalfOfName: string | null;
      caseTitle: string;
      caseCode: string;
      planCode: string;
      stepTitle: string;
      dueOn: string | null;
      timeZone: string;
      choices: EmailLinkChoice[];
      preselect: EmailLinkChoice | null;
      csrf: string;
      action: string;
    }
  | {
      page: 'done';
      lang: Language;
      choice: EmailLinkChoice;
      caseTitle: string;
      caseCode: string;
      stepTitle: string;
    }
  | { page: 'invalid'; lang: Language | null; reason: 'unknown' | 'used' | 'expired' }
  | { page: 'closed'; lang: Language; reason: string; caseTitle: string; caseCode: string }
  | { page: 'bad_form'; lang: Language; reason: 'csrf' | 'choice' | 'origin'; retryUrl: string }
  | { page: 'unavailable'; lang: Language };

export function statusOfPage(p: LinkPage): number {
  switch (p.page) {
    case 'confirm':
    case 'done':
      return 200;
    case 'invalid':
      return p.reason === 'unknown' ? 404 : 410;
    case 'closed':
      return 409;
    case 'bad_form':
      return p.reason === 'choice' ? 400 : 403;
    case 'unavailable':
      return 503;
  }
}

const T = {
  en: {
    title: 'Confirm by email link',
    hello: (n: string) => `Signed in by your email link as ${n}.`,
    deputy: (n: string) => `You act as the deputy of ${n}.`,
    case: 'Case',
    plan: 'Action plan',
    step: 'Step',
    due: 'Due on',
    choose: 'Your answer',
    comment: 'Comment (optional; needed when you request changes or reject)',
    confirm: 'Confirm',
    nothingYet: 'Nothing has been recorded yet. Your answer is recorded only when you press Confirm.',
    choices: {
      approve: 'Approve',
      approve_with_comments: 'Approve with comments',
      request_changes: 'Request changes',
      reject: 'Reject',
      complete: 'Mark the step as done',
    } as Record<EmailLinkChoice, string>,
    doneTitle: 'Recorded',
    done: (c: string) => `Your answer "${c}" is recorded, marked as given by email. You can close this page.`,
    invalidTitle: 'This link cannot be used',
    unknown: 'This link is not valid. Check that you copied the whole address from the email.',
    used: 'This link was already used. Each link works once; open the case in napflow to see where it stands.',
    expired:
      'This link has expired. Sign in to napflow to act on the step, or ask your coordinator to resend.',
    closedTitle: 'Nothing to do here any more',
    closed: (r: string) => `The step cannot take your answer: ${r} Nothing was recorded.`,
    badTitle: 'Please try again',
    csrf: 'This form is out of date or did not come from napflow. Open the link from your email again.',
    origin: 'This form was sent from another site. Open the link from your email again.',
    choice: 'Choose one of the offered answers.',
    again: 'Open the confirmation page again',
    unavailableTitle: 'Temporarily unavailable',
    unavailable:
      'napflow cannot reach the workflow service right now. Nothing was recorded; please try again in a few minutes.',
  },
  ru: {
    title: 'Подтверждение по ссылке из письма',
    hello: (n: string) => `Вы вошли по ссылке из письма как ${n}.`,
    deputy: (n: string) => `Вы действуете как заместитель: ${n}.`,
    case: 'Дело',
    plan: 'План действий',
    step: 'Этап',
    due: 'Срок',
    choose: 'Ваш ответ',
    comment: 'Комментарий (необязательно; нужен, если вы возвращаете на доработку или отклоняете)',
    confirm: 'Подтвердить',
    nothingYet: 'Пока ничего не записано. Ответ будет записан только после нажатия «Подтвердить».',
    choices: {
      approve: 'Одобрить',
      approve_with_comments: 'Одобрить с замечаниями',
      request_changes: 'Вернуть на доработку',
      reject: 'Отклонить',
      complete: 'Отметить этап как выполненный',
    } as Record<EmailLinkChoice, string>,
    doneTitle: 'Записано',
    done: (c: string) =>
      `Ваш ответ «${c}» записан с отметкой «по электронной почте». Страницу можно закрыть.`,
    invalidTitle: 'Эту ссылку нельзя использовать',
    unknown: 'Ссылка недействительна. Проверьте, что адрес скопирован из письма полностью.',
    used: 'Ссылка уже была использована. Каждая ссылка действует один раз; откройте дело в napflow, чтобы увидеть его состояние.',
    expired:
      'Срок действия ссылки истёк. Войдите в napflow, чтобы выполнить действие, или попросите координатора отправить письмо заново.',
    closedTitle: 'Действие больше не требуется',
    closed: (r: string) => `Этап не может принять ваш ответ: ${r} Ничего не записано.`,
    badTitle: 'Попробуйте ещё раз',
    csrf: 'Форма устарела или отправлена не из napflow. Откройте ссылку из письма ещё раз.',
    origin: 'Форма отправлена с другого сайта. Откройте ссылку из письма ещё раз.',
    choice: 'Выберите один из предложенных ответов.',
    again: 'Открыть страницу подтверждения ещё раз',
    unavailableTitle: 'Временно недоступно',
    unavailable:
      'napflow сейчас не может связаться со службой процессов. Ничего не записано; попробуйте через несколько минут.',
  },
};

export function choiceLabel(lang: Language, c: EmailLinkChoice): string {
  return T[lang].choices[c];
}

function layout(lang: string, title: string, body: string): string {
  return [
    '<!doctype html>',
    `<html lang="${e(lang)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${e(title)} — napflow</title>`,
    '<style>body{font-family:Arial,Helvetica,sans-serif;font-size:1rem;line-height:1.5;color:#1a1a1a;max-width:40em;margin:0 auto;padding:1em}',
    'dt{font-weight:bold}dd{margin:0 0 .5em 0}fieldset{border:1px solid #767676;padding:.75em}label{display:block;margin:.35em 0}',
    'textarea{width:100%;font:inherit}button{font:inherit;padding:.5em 1.25em;border:2px solid #0b4f8a;background:#0b4f8a;color:#fff;cursor:pointer}',
    'button:focus,a:focus,input:focus,textarea:focus{outline:3px solid #ffbf47;outline-offset:2px}</style></head>',
    `<body><main>${body}</main></body></html>`,
  ].join('\n');
}

export function renderLinkPage(p: LinkPage): string {
  if (p.page === 'invalid' && p.lang === null) {
    // unknown token: we do not know whom we are talking to, so both languages
    const msg = (l: Language) => T[l][p.reason];
    return layout(
      'ru',
      `${T.ru.invalidTitle} / ${T.en.invalidTitle}`,
      `<h1>${e(T.ru.invalidTitle)}</h1><p>${e(msg('ru'))}</p><h1 lang="en">${e(T.en.invalidTitle)}</h1><p lang="en">${e(msg('en'))}</p>`,
    );
  }
  const t = T[(p.lang ?? 'en') as Language];
  switch (p.page) {
    case 'confirm': {
      const facts: Array<[string, string]> = [
        [t.case, `${p.caseTitle} (${p.caseCode})`],
        [t.plan, p.planCode],
        [t.step, p.stepTitle],
        ...(p.dueOn
          ? ([[t.due, formatLocalDate(p.dueOn, p.lang, p.timeZone)]] as Array<[string, string]>)
          : []),
      ];
      const radios = p.choices
        .map((c, i) => {
          const checked = p.preselect ? p.preselect === c : i === 0 && p.choices.length === 1;
          return `<label><input type="radio" name="choice" value="${e(c)}" required${checked ? ' checked' : ''}> ${e(t.choices[c])}</label>`;
        })
        .join('\n');
      const comment = `<p><label for="comment">${e(t.comment)}</label><textarea id="comment" name="comment" rows="4" maxlength="4000"></textarea></p>`;
      return layout(
        p.lang,
        t.title,
        [
          `<h1>${e(t.title)}</h1>`,
          `<p>${e(t.hello(p.personName))}</p>`,
          p.onBehalfOfName ? `<p>${e(t.deputy(p.onBehalfOfName))}</p>` : '',
          `<dl>${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`,
          `<form method="post" action="${e(p.action)}">`,
          `<input type="hidden" name="csrf" value="${e(p.csrf)}">`,
          `<fieldset><legend>${e(t.choose)}</legend>${radios}</fieldset>`,
          comment,
          `<p>${e(t.nothingYet)}</p>`,
          `<p><button type="submit">${e(t.confirm)}</button></p>`,
          '</form>',
        ].join('\n'),
      );
    }
    case 'done':
      return layout(
        p.lang,
        t.doneTitle,
        `<h1>${e(t.doneTitle)}</h1><p role="status">${e(t.done(t.choices[p.choice]))}</p><p>${e(p.caseTitle)} (${e(p.caseCode)}): ${e(p.stepTitle)}</p>`,
      );
    case 'invalid':
      return layout(p.lang ?? 'en', t.invalidTitle, `<h1>${e(t.invalidTitle)}</h1><p>${e(t[p.reason])}</p>`);
    case 'closed':
      return layout(
        p.lang,
        t.closedTitle,
        `<h1>${e(t.closedTitle)}</h1><p>${e(p.caseTitle)} (${e(p.caseCode)})</p><p>${e(t.closed(p.reason))}</p>`,
      );
    case 'bad_form':
      return layout(
        p.lang,
        t.badTitle,
        `<h1>${e(t.badTitle)}</h1><p>${e(t[p.reason])}</p><p><a href="${e(p.retryUrl)}">${e(t.again)}</a></p>`,
      );
    case 'unavailable':
      return layout(
        p.lang,
        t.unavailableTitle,
        `<h1>${e(t.unavailableTitle)}</h1><p>${e(t.unavailable)}</p>`,
      );
  }
}

/** Why the step cannot take an answer, in the person's language. */
export function closedReason(lang: Language, code: string, fallback: string): string {
  const en: Record<string, string> = {
    step_not_active: 'it is no longer open.',
    already_decided: 'your agency has already answered.',
    case_closed: 'the case is closed.',
    wrong_agency: 'it is no longer assigned to your agency.',
    out_of_turn: "it is not your agency's turn yet.",
    unknown_step: 'the step no longer exists in this case.',
    not_allowed_for_role: 'your role does not allow this action.',
    not_deputy: 'you no longer stand in for the colleague it was sent to you for.',
    invalid: fallback,
  };
  const ru: Record<string, string> = {
    step_not_active: 'этап больше не открыт.',
    already_decided: 'ваше ведомство уже дало ответ.',
    case_closed: 'дело закрыто.',
    wrong_agency: 'этап больше не поручен вашему ведомству.',
    out_of_turn: 'очередь вашего ведомства ещё не наступила.',
    unknown_step: 'такого этапа в деле больше нет.',
    not_allowed_for_role: 'ваша роль не позволяет это действие.',
    not_deputy: 'вы больше не замещаете коллегу, за которого его получили.',
    invalid: fallback,
  };
  return (lang === 'ru' ? ru : en)[code] ?? fallback;
}
