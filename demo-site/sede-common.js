// What both sede pages share: the language (from ?lang=, else the last one chosen, else
// Spanish), putting each page's strings in place, the language selector, and the DNI/NIE check.
import { LANGS, DEFAULT_LANG, LANGUAGE_NAMES, t } from './sede-i18n.js';

const STORAGE_KEY = 'sede-lang';

export function initialLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(asked)) return asked;
  const saved = localStorage.getItem(STORAGE_KEY);
  return LANGS.includes(saved) ? saved : DEFAULT_LANG;
}

/**
 * Puts `lang`'s strings in every `[data-i18n]` element (its text) and `[data-i18n-title]`
 * (the document's title), and says which language the page is in.
 */
export function translatePage(lang) {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(lang, el.dataset.i18n);
  const title = document.querySelector('title[data-i18n-title]');
  if (title) document.title = t(lang, title.dataset.i18nTitle);
}

/**
 * Fills the selector (each language named in itself, marked as that language) and calls
 * `onChange(lang)` when she picks another; the choice is kept for the next page and in the URL.
 */
export function languageSelector(select, lang, onChange) {
  select.replaceChildren(...LANGS.map((code) => {
    const option = document.createElement('option');
    option.value = code;
    option.lang = code;
    option.textContent = LANGUAGE_NAMES[code];
    return option;
  }));
  select.value = lang;
  select.addEventListener('change', () => {
    const chosen = select.value;
    localStorage.setItem(STORAGE_KEY, chosen);
    const url = new URL(location.href);
    url.searchParams.set('lang', chosen);
    history.replaceState(null, '', url);
    onChange(chosen);
  });
}

const LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** The DNI/NIE as people type it ("12.345.678-z") in its plain form ("12345678Z"). */
export const normaliseId = (value) => value.toUpperCase().replace(/[\s.-]/g, '');

/**
 * null when `value` is a DNI (8 digits and its letter) or an NIE (X, Y or Z, 7 digits and its
 * letter); otherwise 'format' or 'letter', saying which is wrong.
 */
export function idProblem(value) {
  const id = normaliseId(value);
  const match = id.match(/^([XYZ]\d{7}|\d{8})([A-Z])$/);
  if (!match) return 'format';
  const number = Number(match[1].replace(/^[XYZ]/, (c) => 'XYZ'.indexOf(c)));
  return LETTERS[number % 23] === match[2] ? null : 'letter';
}

// Numbers and dates are written from the tables rather than with Intl: browsers ship the
// locale data of some languages only (Chromium has none for eu and gl, and writes them in English).

/** `n` with the language's thousands separator (from five digits, as Spanish style books ask). */
export function formatNumber(lang, n) {
  const digits = String(Math.trunc(n));
  return digits.length < 5 ? digits : digits.replace(/\B(?=(\d{3})+$)/g, t(lang, 'thousandsSeparator'));
}

/** `n` bytes, written the language's way. */
export const formatBytes = (lang, n) => t(lang, 'bytes', { n: formatNumber(lang, n) });

/** The date, time and zone of `when` in the town (Europe/Madrid), as numbers. */
function townTime(when) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Madrid', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
  }).formatToParts(new Date(when)).map(({ type, value }) => [type, value]));
  return parts;
}

/** A date the language's way ("3 de febrero de 2026"), in the town's time zone. */
export function formatDate(lang, when) {
  const { day, month, year } = townTime(when);
  return t(lang, 'dateFormat', { day: Number(day), month: t(lang, 'months').split(',')[Number(month) - 1], year });
}

/** A date and time the language's way, in the town's time zone, which it names. */
export function formatDateTime(lang, when) {
  const { hour, minute, second, timeZoneName } = townTime(when);
  return t(lang, 'dateTimeFormat', { date: formatDate(lang, when), time: `${hour}:${minute}:${second}`, zone: timeZoneName });
}
