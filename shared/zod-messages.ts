import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// sluice's own schemas (the batch job spec, task payloads, summary items) are `zod/mini`, which ships no
// messages: without a locale every issue reads "Invalid input". The English locale gives the messages
// classic zod printed ("Too big: expected number to be <=10000"), which job spec errors are made of.
// Classic zod configures the same locale when imported, so an app that also uses classic zod sees no
// change. Imported by path: `z.locales.en()` would bundle every locale.
z.config(en());
