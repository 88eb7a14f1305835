// @ts-check
// Messages in the corner about what a button did, which go away on their own.

import { h } from './dom.js';
import { page } from './page.js';

const NOTICE_MS = 8000;

/**
 * @param {'ok' | 'error'} kind
 * @param {string} text
 * @param {string} [testid]
 */
export function notice(kind, text, testid = 'notice') {
  const close = h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss' }, '×');
  const item = h('div', { class: `notice notice-${kind}`, role: 'status', testid }, text, close);
  close.addEventListener('click', () => item.remove());
  page.notices.append(item);
  // An error stays longer: it is read, not glanced at.
  setTimeout(() => item.remove(), kind === 'error' ? NOTICE_MS * 3 : NOTICE_MS);
}
