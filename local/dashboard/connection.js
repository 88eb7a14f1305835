// @ts-check
// The header's word on the API: connecting, when it last answered, or why it did not.

import { page } from './page.js';
import { state } from './state.js';
import { timeWithSeconds } from './time-format.js';

export function renderConnection() {
  let message;
  let kind;
  if (state.connectionError) {
    kind = 'error';
    message = `${state.connectionError}${
      state.lastUpdated
        ? ` Showing what was read at ${timeWithSeconds.format(state.lastUpdated)}.`
        : ''
    }`;
  } else if (state.lastUpdated) {
    kind = 'ok';
    const seconds = Math.max(0, Math.round((Date.now() - state.lastUpdated.getTime()) / 1000));
    message = `Updated ${timeWithSeconds.format(state.lastUpdated)} (${seconds} s ago)`;
  } else {
    kind = 'pending';
    message = 'Connecting to the API…';
  }
  page.connectionDot.className = `dot dot-${kind}`;
  if (page.connectionText.textContent !== message) page.connectionText.textContent = message;
  page.connectionText.dataset.state = kind;
}
