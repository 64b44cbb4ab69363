/** How far a PDF's extracted text is from a document's file_content: for tests of searchable PDFs. */
import { editDistance } from '../../src/util/edit-distance';

/** The text without page separators, its white space folded to single spaces. */
const squash = (s: string) => s.replace(/--- Page \d+ ---/g, ' ').replace(/\s+/g, ' ').trim();

/** Character error rate of `extracted` (pdftotext's output) against `fileContent`, both squashed. */
export function textCer(extracted: string, fileContent: string): number {
  const got = squash(extracted);
  const want = squash(fileContent);
  return editDistance([...got], [...want]) / Math.max(1, want.length);
}
