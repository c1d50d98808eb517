import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini ships no messages of its own: without a locale every issue reads "Invalid input". The English
// locale gives the messages classic zod prints ("Too small: expected string to have >=1 characters"),
// which end up in `sluice-error` on the DLQ. Imported by path: `z.locales.en()` would bundle every
// locale (280 KB instead of 22 KB for the whole order schema).
z.config(en());
