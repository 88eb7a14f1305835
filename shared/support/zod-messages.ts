// The runtime validates with zod/mini, whose functions tree-shake to what is used (a fraction
// of the 190 KB that `import { z } from 'zod'` puts in a worker's bundle, paid at every cold
// start). zod/mini loads no locale, which leaves every message at "Invalid input"; this gives
// the runtime's schemas English messages, as full zod sets by default when a job loads it.
// Import it for its effect, beside `import * as z from 'zod/mini'` (which must stay a namespace
// import used member by member, or the bundle keeps all of zod).
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
