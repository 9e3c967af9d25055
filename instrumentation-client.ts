import { z } from "zod";

// Runs in the browser before the app's code. zod compiles object parsers with `new Function` when
// it may, and finds out by trying one: under the pages' CSP (no 'unsafe-eval') that probe is
// refused and reported as a CSP violation even though zod catches it. The browser parses a few
// small frames, so the interpreted parsers cost nothing noticeable; the server keeps the JIT.
z.config({ jitless: true });
