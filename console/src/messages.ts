// Every string of the console in English and Japanese. `ja` is typed by `en`: a key missing from either
// does not compile. Placeholders are `{name}`; numbers and dates are formatted by Intl before insertion.

import { en } from './messages-en';
import { ja } from './messages-ja';

export type Key = keyof typeof en;
export const messages: Record<'en' | 'ja', Record<Key, string>> = { en, ja };
