// @ts-check
// The page's addresses: `#/jobs/<name>` and `#/jobs/<name>/runs/<runId>`.

const enc = encodeURIComponent;

export const jobHref = (/** @type {string} */ jobName) => `#/jobs/${enc(jobName)}`;
export const runHref = (/** @type {string} */ jobName, /** @type {string} */ runId) =>
  `#/jobs/${enc(jobName)}/runs/${enc(runId)}`;

/**
 * The job and run the address names; neither for any other address.
 * @returns {{ jobName?: string; runId?: string }}
 */
export function parseHash(/** @type {string} */ hash) {
  const parts = hash.replace(/^#\/?/, '').split('/');
  try {
    const [root, jobName, runs, runId] = parts.map((part) => decodeURIComponent(part));
    if (root !== 'jobs' || !jobName) return {};
    return runs === 'runs' && runId ? { jobName, runId } : { jobName };
  } catch {
    return {};
  }
}
