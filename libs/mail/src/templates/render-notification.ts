import type { DigestItem, NotificationFacts, RenderedEmail } from '../mail.types';
import { escapeHtml, formatInstant, formatLocalDate, wrapText } from './format';
import { OUTCOMES, STRINGS, type IntroFacts } from './strings';

// One layout for every kind: a heading, a few sentences, the facts as a labelled list, the action (if any), a
// footer. No images, no tables for layout, no colour-only meaning; the text part says exactly what the HTML says.

/** A list item: text, or text with a link (the HTML links the text, the text part gives the address below it). */
type Item = string | { text: string; url: string };

interface Block {
  paragraphs: string[];
  facts: Array<[string, string]>;
  quote?: [string, string];
  action?: { intro: string; links: Array<{ label: string; url: string }>; notes: string[] };
  /** `count`: how many the section is about, when it lists fewer (the last item then says how many more) */
  sections?: Array<{ title: string; items: Item[]; empty: string; count?: number }>;
  caseLink?: { label: string; url: string };
}

export function renderNotification(f: NotificationFacts): RenderedEmail {
  const s = STRINGS[f.language];
  const date = (d: string | null | undefined) => (d ? formatLocalDate(d, f.language, f.timeZone) : null);
  const caseCode = f.caseCode ?? '';
  const decision = f.decision ? s.decisions[f.decision] : '';
  const base = {
    caseCode,
    caseTitle: f.caseTitle ?? caseCode,
    stepTitle: f.stepTitle ?? f.stepKey ?? '',
    decision,
    agencyName: f.digest?.agencyName ?? '',
    weekOf: f.digest ? (date(f.digest.weekOf) ?? f.digest.weekOf) : '',
    planCode: f.planCode ?? '',
    count: f.newSteps?.total ?? 0,
  };
  const intro: IntroFacts = {
    ...base,
    due: date(f.dueOn),
    level: f.kind === 'escalation' ? (f.level ?? null) : null,
    agencies: f.kind === 'escalation' ? (f.agencies ?? []).join(', ') : '',
    actor: [f.actorName, f.actorAgency ? `(${f.actorAgency})` : ''].filter(Boolean).join(' '),
    outcome: f.outcome && f.kind === 'case_closed' ? (OUTCOMES[f.language][f.outcome] ?? f.outcome) : '',
    daysLeft: f.kind === 'reminder' && f.level ? s.daysLeft(f.level) : null,
  };

  const block: Block = { paragraphs: [], facts: [] };
  if (f.onBehalfOfName) block.paragraphs.push(s.deputy(f.onBehalfOfName));
  block.paragraphs.push(...s.intro[f.kind](intro));

  const listsSteps = f.kind === 'weekly_digest' || f.kind === 'steps_assigned';
  if (!listsSteps) {
    if (f.caseTitle)
      block.facts.push([s.labels.case, f.caseCode ? `${f.caseTitle} (${f.caseCode})` : f.caseTitle]);
    if (f.planCode) block.facts.push([s.labels.plan, f.planCode]);
    if (base.stepTitle) block.facts.push([s.labels.step, base.stepTitle]);
    if (intro.due) block.facts.push([s.labels.dueOn, intro.due]);
    if (intro.agencies) block.facts.push([s.labels.agencies, intro.agencies]);
    const aboutDecision = f.kind === 'decision_made' || f.kind === 'returned_for_rework';
    if (decision && aboutDecision) block.facts.push([s.labels.decision, decision]);
    if (intro.actor && aboutDecision) block.facts.push([s.labels.by, intro.actor]);
    if (intro.outcome && f.kind === 'case_closed') block.facts.push([s.labels.outcome, intro.outcome]);
    if (f.comment && (aboutDecision || f.kind === 'decision_requested' || f.kind === 'case_closed'))
      block.quote = [s.labels.comment, f.comment];
  }

  if (f.action && f.action.choices.length) {
    const decide = f.action.choices.some((c) => c !== 'complete');
    const url = f.action.url;
    block.action = {
      intro: decide ? s.action.introDecide : s.action.introComplete,
      links: f.action.choices.map((c) => ({ label: s.choices[c], url: `${url}?choice=${c}` })),
      notes: [s.action.safe, s.action.expiry(formatInstant(f.action.expiresAt, f.language, f.timeZone))],
    };
  }

  // a listed step: its text, linked to its case when the item knows where that is
  const item = (i: DigestItem): Item => {
    const text = `${i.caseTitle} (${i.caseCode}): ${i.stepTitle}${i.dueOn ? `, ${s.digest.due(date(i.dueOn) as string)}` : ''}`;
    return i.caseUrl ? { text, url: i.caseUrl } : text;
  };
  if (f.newSteps) {
    const more = f.newSteps.total - f.newSteps.items.length;
    block.sections = [
      {
        title: s.newSteps.title,
        items: [...f.newSteps.items.map(item), ...(more > 0 ? [s.newSteps.more(more)] : [])],
        empty: s.digest.none,
        count: f.newSteps.total,
      },
    ];
  }
  if (f.digest) {
    block.sections = [
      { title: s.digest.overdue, items: f.digest.overdue.map(item), empty: s.digest.none },
      { title: s.digest.dueThisWeek, items: f.digest.dueThisWeek.map(item), empty: s.digest.none },
      { title: s.digest.awaitingDecision, items: f.digest.awaitingDecision.map(item), empty: s.digest.none },
    ];
  }
  if (f.caseUrl) block.caseLink = { label: s.labels.openCase, url: f.caseUrl };
  else if (f.inboxUrl) block.caseLink = { label: s.newSteps.openInbox, url: f.inboxUrl };

  const subject = oneLine(s.subject[f.kind](base));
  const heading = s.heading[f.kind];
  return {
    subject,
    html: toHtml(f.language, subject, heading, s.greeting(f.recipientName), block, s.footer),
    text: toText(heading, s.greeting(f.recipientName), block, s.footer),
  };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function toText(heading: string, greeting: string, b: Block, footer: string): string {
  const lines: string[] = [heading, '='.repeat(Math.min(heading.length, 76)), '', greeting, ''];
  for (const p of b.paragraphs) lines.push(p, '');
  if (b.facts.length) {
    for (const [k, v] of b.facts) lines.push(`${k}: ${v}`);
    lines.push('');
  }
  if (b.quote) lines.push(`${b.quote[0]}:`, ...b.quote[1].split('\n').map((l) => `> ${l}`), '');
  for (const sec of b.sections ?? []) {
    lines.push(
      `${sec.title} (${sec.count ?? sec.items.length})`,
      '-'.repeat(Math.min(sec.title.length + 4, 76)),
    );
    if (sec.items.length)
      for (const i of sec.items)
        lines.push(...(typeof i === 'string' ? [`- ${i}`] : [`- ${i.text}`, `  ${i.url}`]));
    else lines.push(sec.empty);
    lines.push('');
  }
  if (b.action) {
    lines.push(b.action.intro, '');
    for (const l of b.action.links) lines.push(`${l.label}:`, `  ${l.url}`, '');
    for (const n of b.action.notes) lines.push(n);
    lines.push('');
  }
  if (b.caseLink) lines.push(`${b.caseLink.label}:`, `  ${b.caseLink.url}`, '');
  lines.push('--', footer);
  return wrapText(lines.join('\n')) + '\n';
}

function toHtml(
  lang: string,
  subject: string,
  heading: string,
  greeting: string,
  b: Block,
  footer: string,
): string {
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(`<h1 style="font-size:1.4em;margin:0 0 1em">${e(heading)}</h1>`, `<p>${e(greeting)}</p>`);
  for (const p of b.paragraphs) parts.push(`<p>${e(p)}</p>`);
  if (b.facts.length) {
    parts.push('<dl style="margin:1em 0">');
    for (const [k, v] of b.facts)
      parts.push(`<dt style="font-weight:bold">${e(k)}</dt><dd style="margin:0 0 .5em 0">${e(v)}</dd>`);
    parts.push('</dl>');
  }
  if (b.quote) {
    parts.push(
      `<p style="font-weight:bold;margin-bottom:0">${e(b.quote[0])}</p>`,
      `<blockquote style="margin:.25em 0 1em;padding-left:1em;border-left:4px solid #767676">${e(b.quote[1]).replace(/\n/g, '<br>')}</blockquote>`,
    );
  }
  for (const sec of b.sections ?? []) {
    parts.push(
      `<h2 style="font-size:1.15em;margin:1.25em 0 .5em">${e(sec.title)} (${sec.count ?? sec.items.length})</h2>`,
    );
    const li = (i: Item) =>
      typeof i === 'string'
        ? `<li>${e(i)}</li>`
        : `<li><a href="${e(i.url)}" style="color:#0b4f8a">${e(i.text)}</a></li>`;
    if (sec.items.length) parts.push(`<ul>${sec.items.map(li).join('')}</ul>`);
    else parts.push(`<p>${e(sec.empty)}</p>`);
  }
  if (b.action) {
    parts.push(`<p>${e(b.action.intro)}</p>`, '<ul style="list-style:none;padding:0">');
    for (const l of b.action.links) {
      parts.push(
        `<li style="margin:.5em 0"><a href="${e(l.url)}" style="display:inline-block;padding:.5em 1em;border:2px solid #0b4f8a;color:#0b4f8a;text-decoration:underline;font-weight:bold">${e(l.label)}</a></li>`,
      );
    }
    parts.push('</ul>');
    for (const n of b.action.notes) parts.push(`<p style="font-size:.95em">${e(n)}</p>`);
  }
  if (b.caseLink)
    parts.push(`<p><a href="${e(b.caseLink.url)}" style="color:#0b4f8a">${e(b.caseLink.label)}</a></p>`);
  parts.push(
    `<hr style="border:0;border-top:1px solid #767676;margin:2em 0 1em"><p style="font-size:.9em;color:#444">${e(footer)}</p>`,
  );
  return [
    '<!doctype html>',
    `<html lang="${e(lang)}">`,
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(subject)}</title></head>`,
    '<body style="margin:0;padding:1em;background:#ffffff">',
    `<main style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:40em;margin:0 auto">`,
    ...parts,
    '</main></body></html>',
  ].join('\n');
}
