// @ts-check
// "Trigger now"'s fields, built from the job's input schema (zod's JSON Schema, which the API
// serves): one field for each string, number, true/false or choice of a flat object, kept in
// step with the JSON text, which stays the whole input; and its example, to start from.

import { h, renderRegion } from './dom.js';
import { page } from './page.js';

/**
 * @import { ListedJob } from './state.js'
 * @typedef {Readonly<Record<string, unknown>>} JsonSchema
 */

const SIMPLE_TYPES = new Set(['string', 'number', 'integer', 'boolean']);

/** The fields of the selected job's input, or nothing when its schema is not a flat object. */
export function renderInputFields(/** @type {ListedJob | undefined} */ job) {
  const schema = job?.inputSchema;
  renderRegion(page.triggerFields, { job: job?.name, schema }, () => {
    if (!job || !schema) return [];
    const fields = simpleFieldsOf(schema);
    return [
      fields.length > 0
        ? h(
            'div',
            { class: 'input-fields' },
            fields.map(([name, property, required]) => field(name, property, required)),
          )
        : null,
      job.inputExample !== undefined
        ? h(
            'button',
            {
              type: 'button',
              class: 'small',
              testid: 'trigger-use-example',
              title: 'Fill the JSON with an input the job accepts',
              onclick: () => {
                page.triggerInput.value = JSON.stringify(job.inputExample, null, 2);
                syncFieldsFromText();
              },
            },
            'Use an example',
          )
        : null,
    ];
  });
}

/** Puts the JSON text's values into the fields, when it is an object. */
export function syncFieldsFromText() {
  const value = objectOfText(page.triggerInput.value);
  if (!value) return;
  for (const control of page.triggerFields.querySelectorAll('[data-field]')) {
    if (!(control instanceof HTMLInputElement || control instanceof HTMLSelectElement)) continue;
    const current = value[control.dataset.field ?? ''];
    if (control instanceof HTMLInputElement && control.type === 'checkbox') {
      control.checked = current === true;
    } else {
      control.value = current === undefined || current === null ? '' : String(current);
    }
  }
}

/** @returns {[string, JsonSchema, boolean][]} */
function simpleFieldsOf(/** @type {JsonSchema} */ schema) {
  if (schema.type !== 'object' || typeof schema.properties !== 'object') return [];
  const required = new Set(/** @type {string[]} */ (schema.required ?? []));
  return Object.entries(/** @type {Record<string, JsonSchema>} */ (schema.properties)).flatMap(
    ([name, property]) =>
      Array.isArray(property.enum) || SIMPLE_TYPES.has(String(property.type))
        ? [[name, property, required.has(name)]]
        : [],
  );
}

/**
 * @param {string} name
 * @param {JsonSchema} property
 * @param {boolean} required
 */
function field(name, property, required) {
  const type = String(property.type);
  /** @type {HTMLInputElement | HTMLSelectElement} */
  const control = Array.isArray(property.enum)
    ? h(
        'select',
        { 'data-field': name, testid: `trigger-field-${name}` },
        h('option', { value: '' }, required ? 'choose…' : '(none)'),
        property.enum.map((choice) => h('option', { value: String(choice) }, String(choice))),
      )
    : h('input', {
        'data-field': name,
        testid: `trigger-field-${name}`,
        type: type === 'boolean' ? 'checkbox' : type === 'string' ? 'text' : 'number',
        ...(type === 'integer' ? { step: '1' } : {}),
        placeholder: placeholderOf(property),
      });
  control.addEventListener(type === 'boolean' ? 'change' : 'input', () =>
    setField(name, fieldValue(control, property)),
  );
  return h(
    'label',
    { class: 'input-field' },
    h(
      'span',
      {},
      name,
      required ? h('span', { class: 'required', title: 'required' }, ' *') : null,
    ),
    control,
    typeof property.description === 'string'
      ? h('span', { class: 'hint' }, property.description)
      : null,
  );
}

/** @param {JsonSchema} property */
function placeholderOf(property) {
  if ('default' in property) return `default: ${JSON.stringify(property.default)}`;
  if (typeof property.format === 'string') return property.format;
  return '';
}

/**
 * The field's value as the input takes it; undefined leaves it out.
 * @param {HTMLInputElement | HTMLSelectElement} control
 * @param {JsonSchema} property
 */
function fieldValue(control, property) {
  if (control instanceof HTMLInputElement && control.type === 'checkbox') return control.checked;
  if (control.value === '') return undefined;
  if (property.type === 'number' || property.type === 'integer') return Number(control.value);
  return control.value;
}

/** Sets one field in the JSON text, which keeps every other field as it was. */
function setField(/** @type {string} */ name, /** @type {unknown} */ value) {
  const input = objectOfText(page.triggerInput.value) ?? {};
  if (value === undefined) delete input[name];
  else input[name] = value;
  page.triggerInput.value = JSON.stringify(input, null, 2);
}

/** @returns {Record<string, unknown> | undefined} */
function objectOfText(/** @type {string} */ text) {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
