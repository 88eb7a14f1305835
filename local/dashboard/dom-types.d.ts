// The types of `h` (dom.js) that JSDoc cannot write: a JSDoc typedef may not refer to itself.

/**
 * What `h` takes as content: strings and numbers become text nodes; `undefined`, `null` and
 * `false` are left out, arrays are flattened.
 */
export type Child = Node | string | number | boolean | null | undefined | readonly Child[];
