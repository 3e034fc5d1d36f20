// Finds English prose left in a Japanese text: a run of three or more English words. Code, payloads and
// names are allowed and skipped first: text in backticks, double quotes or 「」, regexes (/…/), URLs and
// paths, and tokens carrying digits or code punctuation (`X-Forwarded-For`, `role=admin`, `$where`).
// Product and protocol names stand alone or in pairs (`Spring Boot`, `Alibaba Cloud`), never three.

const SKIPPED = [
  /`[^`]*`/g,
  /"[^"]*"/g,
  /「[^」]*」/g,
  /(?<=^|[\s(（:、])\/[^/\n]+\/[a-z]*(?=$|[\s)）、。,]|[^\x00-\x7f])/g,
  /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi,
];
/** Names of products and components, which stay in English. */
const NAMES = /Spring Boot Actuator|Alibaba Cloud|Microsoft Graph/g;
/** Three words in a row, separated by spaces only (lists of names are separated by 、 or /). */
const RUN = /(?<![\w.-])[A-Za-z][a-z]+(?:[ \t]+[A-Za-z][a-z]+){2,}(?![\w-])/;

/** The first run of three or more English words outside code and names, or undefined. */
export function englishRun(text: string): string | undefined {
  let rest = text.replace(NAMES, ' ');
  for (const re of SKIPPED) rest = rest.replace(re, ' ');
  return RUN.exec(rest)?.[0];
}
