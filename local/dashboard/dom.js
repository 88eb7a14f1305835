// @ts-check
// Building elements: everything shown goes into the page through text nodes and attributes,
// never as HTML, so a job description, an error message or a stack trace is shown as text
// whatever it contains.

/** @import { Child } from './dom-types' */

/**
 * Attributes by name (`class`, and `testid` for `data-testid`); an `on<event>` function becomes
 * a listener. `undefined`, `null` and `false` leave the attribute out, `true` sets it empty.
 * @typedef {{ [name: string]: string | number | boolean | null | undefined | ((event: Event) => void) }} Props
 */

/**
 * `h('td', { testid: 'x', class: 'y', onclick }, 'text', child)`.
 * @template {keyof HTMLElementTagNameMap} Tag
 * @param {Tag} tag
 * @param {Props} props
 * @param {Child[]} children
 * @returns {HTMLElementTagNameMap[Tag]}
 */
export function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(name.slice('on'.length), value);
    else if (value === undefined || value === null || value === false) continue;
    else if (name === 'class') element.className = String(value);
    else if (name === 'testid') element.setAttribute('data-testid', String(value));
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  appendChildren(element, children);
  return element;
}

/**
 * @param {Element} element
 * @param {readonly Child[]} children
 */
function appendChildren(element, children) {
  for (const child of children) {
    if (Array.isArray(child)) appendChildren(element, child);
    else if (child === undefined || child === null || child === false) continue;
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * A row across a table's `columns` that stands for the rows it has not got: loading, none, or
 * the error reading them.
 * @param {number} columns
 * @param {string} text
 * @param {{ testid?: string; isError?: boolean }} [options]
 */
export function placeholderRow(columns, text, { testid, isError = false } = {}) {
  return h(
    'tr',
    { class: 'placeholder-row', testid },
    h('td', { colspan: columns, class: isError ? 'error-text' : undefined }, text),
  );
}

/** Whether a click landed on a link or a button inside a clickable row, which do their own thing. */
export function clickedControl(/** @type {Event} */ event) {
  return event.target instanceof Element && event.target.closest('a, button') !== null;
}

/** @type {Map<HTMLElement, string>} */
const rendered = new Map();

/**
 * Replaces a region's content only when what it shows changed, keeping which `<details>` are
 * open, the scroll position and the focused control, so that a refresh never moves anything
 * under the reader's eyes.
 * @param {HTMLElement} container
 * @param {unknown} key all that the content depends on, as JSON
 * @param {() => Child} build
 */
export function renderRegion(container, key, build) {
  const signature = JSON.stringify(key);
  if (rendered.get(container) === signature) return;
  rendered.set(container, signature);
  const open = new Set(
    openDetails(container, 'details[open][data-key]').map((details) => details.dataset.key),
  );
  const focused = container.contains(document.activeElement)
    ? document.activeElement?.getAttribute('data-focus')
    : null;
  const { scrollTop } = container;
  const content = build();
  container.replaceChildren();
  appendChildren(container, [content]);
  for (const details of openDetails(container, 'details[data-key]')) {
    if (open.has(details.dataset.key)) details.open = true;
  }
  container.scrollTop = scrollTop;
  if (focused) {
    const control = container.querySelector(`[data-focus="${CSS.escape(focused)}"]`);
    if (control instanceof HTMLElement) control.focus();
  }
}

/** Makes the next `renderRegion` of `container` build its content whatever its key. */
export function forgetRegion(/** @type {HTMLElement} */ container) {
  rendered.delete(container);
}

/**
 * @param {HTMLElement} container
 * @param {string} selector
 */
function openDetails(container, selector) {
  return [...container.querySelectorAll(selector)].filter(
    (element) => element instanceof HTMLDetailsElement,
  );
}
